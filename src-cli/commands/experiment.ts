/**
 * `gainlab experiment NAME --out DIR [--quick] [--seed S] [--net DIR]`.
 *
 * fig1, supp1f and supp2 (the training analyses, src-shared/experiments/{fig1,supp1f,supp2}.ts)
 * run here: progress on stderr; DIR gets one CSV per table and per analysis, one .npy per array,
 * one SVG per figure (ECharts server-side rendering, src-cli/svg/figures.ts) and summary.json;
 * stdout gets one JSON line (name, elapsed, key numbers, files). With --net DIR the network in DIR
 * is used as given (W.npy, x0.npy, readout.npy) and, for fig1, DIR/novel_target.npy as the target
 * when present (the published data's layout).
 *
 * Every other experiment name (fig4, supp3, fig6, supp5, fig8) is delegated unchanged to the
 * primitives + speed part (./experimentPrimitives.ts).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fig1 } from '../../src-shared/experiments/fig1.js';
import type { FigureExperimentDefinition, FigureExperimentResult } from '../../src-shared/primitives/experimentSupport.js';
import { supp1f } from '../../src-shared/experiments/supp1f.js';
import { supp2 } from '../../src-shared/experiments/supp2.js';
import { CliError, loadNetworkDir, loadTarget, optionsLine, parseOptions, resolvePath, usageText, type CliIo, type CommandSpec } from '../cliSupport.js';

export const TRAINING_EXPERIMENTS: Record<string, FigureExperimentDefinition> = { fig1, supp1f, supp2 };

export const spec: CommandSpec = {
  name: 'experiment',
  summary: `Run a paper experiment (${Object.keys(TRAINING_EXPERIMENTS).join(', ')}, and the primitive/speed ones); data as CSV, .npy, SVG figures and summary.json.`,
  options: {
    out: { type: 'string', value: 'DIR', description: 'output directory', required: true },
    quick: { type: 'flag', description: 'small network, few sessions and trials (well under a minute)' },
    seed: { type: 'integer', value: 'S', description: 'master seed', default: 1 },
    net: { type: 'string', value: 'DIR', description: 'use this network directory (W.npy, x0.npy, readout.npy; fig1 also novel_target.npy) instead of a new SOC network' },
  },
};

/** The few numbers of the one-line stdout summary. */
function headline(result: FigureExperimentResult): Record<string, unknown> {
  const s = result.summary as Record<string, unknown>;
  const pick = (keys: string[]) => Object.fromEntries(keys.filter((k) => k in s).map((k) => [k, s[k]]));
  return pick(['n', 'initialError', 'medianFinalError', 'meanInitialError', 'sharedGroups', 'novelMovements']);
}

export async function run(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name && !(name in TRAINING_EXPERIMENTS) && !name.startsWith('-')) {
    const primitives = await import('./experimentPrimitives.js');
    return primitives.run(argv, io);
  }
  const usage = `${usageText(spec)}\nexperiments:\n${Object.values(TRAINING_EXPERIMENTS)
    .map((e) => `  ${e.name.padEnd(8)} ${e.description}`)
    .join('\n')}\n  (and fig4, supp3, fig6, supp5, fig8: see 'gainlab experiment fig4 --help')\n`;
  if (!name || name === '--help' || name === '-h') {
    io.stdout.write(usage);
    return 0;
  }
  const definition = TRAINING_EXPERIMENTS[name];
  if (!definition) throw new CliError(`gainlab experiment: unknown experiment '${name}'`, optionsLine(spec));
  const o = parseOptions(spec, rest);
  if (!o) {
    io.stdout.write(usage);
    return 0;
  }
  const outDir = resolvePath(io, o.out as string);
  const netDir = o.net ? resolvePath(io, o.net as string) : undefined;
  const network = netDir ? loadNetworkDir(netDir) : undefined;
  let target: Float64Array | undefined;
  if (netDir && network && name === 'fig1') {
    const file = path.join(netDir, 'novel_target.npy');
    if (existsSync(file)) target = loadTarget(file, network.readout.channels, 200);
  }
  const started = Date.now();
  const result = definition.run({
    quick: Boolean(o.quick),
    seed: o.seed as number,
    network,
    target,
    onProgress: (message) => io.stderr.write(`${name}: ${message}\n`),
    shouldStop: io.shouldStop,
  });
  const { writeExperimentResult } = await import('./experimentPrimitives.js');
  const files = writeExperimentResult(result, outDir);
  io.stdout.write(
    `${JSON.stringify({ name, quick: result.quick, seed: result.seed, elapsedMs: Date.now() - started, stopped: result.stopped, ...headline(result), out: outDir, files: files.length })}\n`,
  );
  return 0;
}
