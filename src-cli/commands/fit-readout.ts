/**
 * `gainlab fit-readout`: fit the readout of a network directory to a target movement with all
 * gains 1 (model-spec §2: NNLS on [1, f(x_E)], offset first, all weights ≥ 0) and write it to
 * DIR/readout.npy (shape (1 + nE,) for one channel, (channels, 1 + nE) otherwise), or to --out
 * FILE. Replacing an existing readout (e.g. the authors' published one) is said on the result line.
 * A target of another length is refused in one line that says how to fix it; with --resample it
 * is resampled onto the network's time grid as the app imports a .npy target (its samples evenly
 * spaced over the movement, linear interpolation: src-shared/model/targets.ts resampleTarget).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_DYNAMICS } from '../../src-shared/model/params.js';
import { fitReadoutAtRest } from '../../src-shared/model/prepare.js';
import { loadTargetOnGrid, loadNetworkDir, parseOptions, resolvePath, usageText, writeNpyFile, CliError, type CliIo, type CommandSpec } from '../cliSupport.js';

export const spec: CommandSpec = {
  name: 'fit-readout',
  summary: 'Fit a non-negative readout (offset first) to a target with all gains 1; writes DIR/readout.npy.',
  options: {
    net: { type: 'string', value: 'DIR', description: 'network directory (W.npy, x0.npy)', required: true },
    target: { type: 'string', value: 'FILE.npy', description: 'target movement, (200,) or (channels, 200)', required: true },
    resample: { type: 'flag', description: 'resample a target of another length, (K,) or (channels, K), linearly onto the 200-sample grid' },
    out: { type: 'string', value: 'FILE.npy', description: 'where to write the readout (default: DIR/readout.npy, replacing the one there)' },
  },
};

export const USAGE = usageText(spec);

export async function run(argv: string[], io: CliIo): Promise<number> {
  const o = parseOptions(spec, argv);
  if (!o) {
    io.stdout.write(USAGE);
    return 0;
  }
  const dir = resolvePath(io, o.net as string);
  const network = loadNetworkDir(dir, false);
  const params = DEFAULT_DYNAMICS;
  const targetFile = resolvePath(io, o.target as string);
  const nSamples = params.nSamples;
  const { values: target, channels, resampledFrom } = loadTargetOnGrid(targetFile, 'from file', params, o.resample === true);
  const readout = fitReadoutAtRest(network, params, target, channels);
  const error = readout.fitError;
  const shape = channels === 1 ? [1 + network.nE] : [channels, 1 + network.nE];
  const outFile = o.out ? resolvePath(io, o.out as string) : path.join(dir, 'readout.npy');
  const replaced = existsSync(outFile);
  writeNpyFile(outFile, readout.weights, shape);
  let nonZero = 0;
  for (const w of readout.weights) if (w > 0) nonZero++;
  io.stdout.write(
    `readout fitted to ${path.basename(targetFile)}${resampledFrom !== null ? ` (resampled from ${resampledFrom} to ${nSamples} samples)` : ''}: error ${error.toPrecision(6)} (${nonZero} of ${readout.weights.length} weights non-zero); ${replaced ? 'replaced' : 'wrote'} ${outFile}\n`,
  );
  return 0;
}
