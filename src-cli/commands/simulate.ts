/**
 * `gainlab simulate`: run one movement of a network directory with given gains (default all 1),
 * print the error against a target when one is given, and write rates.npy (nSamples × n,
 * time-major) and output.npy (nSamples, or channels × nSamples) to --out.
 */
import path from 'node:path';
import { TrialEvaluator, Simulator, computeOutput } from '../../src-shared/model/dynamics.js';
import { DEFAULT_DYNAMICS } from '../../src-shared/model/params.js';
import { simulationProblem } from '../../src-shared/tasks/simulation.js';
import { CliError, ensureOutputDir, loadNetworkDir, loadTargetOnGrid, parseOptions, readNpyFile, resolvePath, shapeText, usageText, writeNpyFile, type CliIo, type CommandSpec } from '../cliSupport.js';
import type { Network } from '../../src-shared/model/network.js';

export const spec: CommandSpec = {
  name: 'simulate',
  summary: 'Simulate one movement; prints the error against --target, writes rates.npy and output.npy to --out.',
  options: {
    net: { type: 'string', value: 'DIR', description: 'network directory (W.npy, x0.npy, readout.npy)', required: true },
    gains: { type: 'string', value: 'FILE.npy', description: 'gains, n values (default all 1)' },
    target: { type: 'string', value: 'FILE.npy', description: 'target movement to compute the error against' },
    resample: { type: 'flag', description: 'resample a target of another length, (K,) or (channels, K), linearly onto the 200-sample grid' },
    out: { type: 'string', value: 'DIR', description: 'directory for rates.npy (samples × n, time-major: f(x; g), the rate relative to baseline r0) and output.npy (samples, or channels × samples)' },
  },
};

export const USAGE = usageText(spec);

export function loadGains(file: string, network: Network): Float64Array {
  const g = readNpyFile(file, 'gains');
  if (g.data.length !== network.n || g.shape.length > 2) {
    throw new CliError(`gains: ${file} must hold n = ${network.n} values, got shape ${shapeText(g.shape)}`);
  }
  return g.data;
}

export async function run(argv: string[], io: CliIo): Promise<number> {
  const o = parseOptions(spec, argv);
  if (!o) {
    io.stdout.write(USAGE);
    return 0;
  }
  const dir = resolvePath(io, o.net as string);
  const network = loadNetworkDir(dir);
  const params = DEFAULT_DYNAMICS;
  const nSamples = params.nSamples;
  const channels = network.readout.channels;
  const gains = o.gains ? loadGains(resolvePath(io, o.gains as string), network) : new Float64Array(network.n).fill(1);
  const loaded = o.target ? loadTargetOnGrid(resolvePath(io, o.target as string), channels, params, o.resample === true) : null;
  const target = loaded ? loaded.values : null;
  const outDir = o.out ? resolvePath(io, o.out as string) : null;
  if (outDir) ensureOutputDir(outDir);

  const rates = new Float64Array(nSamples * network.n);
  const output = new Float64Array(channels * nSamples);
  let error: number | null = null;
  if (target) {
    const evaluator = new TrialEvaluator(network, params, target);
    error = evaluator.run(gains, output, rates);
    evaluator.dispose();
  } else {
    const simulator = new Simulator(network, params);
    simulator.run(gains, undefined, rates);
    computeOutput(rates, nSamples, network.n, network.nE, network.readout, output);
    simulator.dispose();
  }
  const problem = simulationProblem(output, nSamples, error, dir);
  if (problem) throw new CliError(`simulate: ${problem}`);
  if (outDir) {
    writeNpyFile(path.join(outDir, 'rates.npy'), rates, [nSamples, network.n]);
    writeNpyFile(path.join(outDir, 'output.npy'), output, channels === 1 ? [nSamples] : [channels, nSamples]);
  }
  const parts = [`simulated N = ${network.n}, ${nSamples} samples over ${params.duration} ms: m(0) = ${output[0].toPrecision(6)}`];
  if (error !== null) parts.push(`error ${error.toPrecision(6)}${loaded?.resampledFrom != null ? ` (target resampled from ${loaded.resampledFrom} to ${nSamples} samples)` : ''}`);
  if (outDir) parts.push(`wrote rates.npy, output.npy to ${outDir}`);
  io.stdout.write(`${parts.join('; ')}\n`);
  return 0;
}
