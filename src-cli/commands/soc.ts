/**
 * `gainlab soc`: build a stability-optimised circuit (model-spec §4) and its initial condition
 * (§3, leading eigenvector of the observability Gramian), and write a network directory:
 * W.npy, x0.npy and soc-log.json (α history, iterations, seed, recipe, time). No readout yet:
 * fit one with `gainlab fit-readout`.
 */
import path from 'node:path';
import { initialConditions } from '../../src-shared/model/gramian.js';
import { buildSoc, type SocRecipe } from '../../src-shared/model/soc.js';
import { MAX_N } from '../../src-shared/ipc/contract.js';
import { rangeProblem, rangeText, SETTING_RANGES } from '../../src-shared/settingsRanges.js';
import { optionsLine, CliError, ensureOutputDir, parseOptions, progressReporter, resolvePath, usageText, writeJsonFile, writeNpyFile, type CliIo, type CommandSpec } from '../cliSupport.js';

export const spec: CommandSpec = {
  name: 'soc',
  summary: 'Build an SOC network (W.npy, x0.npy, soc-log.json) in a network directory.',
  options: {
    n: { type: 'integer', value: 'N', description: `number of neurons (even, 4 to ${MAX_N}; first half excitatory)`, default: 200 },
    seed: { type: 'integer', value: 'S', description: `random seed of the initial matrix (${rangeText(SETTING_RANGES.seed)})`, default: 1 },
    recipe: { type: 'string', choices: ['published', 'adaptive'], description: 'published η = 10 schedule, or adaptive η', default: 'published' },
    out: { type: 'string', value: 'DIR', description: 'network directory to write', required: true },
  },
  writes: {
    where: 'to --out DIR (the layout of the published data; fit-readout adds readout.npy)',
    files: [
      ['W.npy', '(n, n) row i = inputs to neuron i; columns 0 … n/2 − 1 excitatory'],
      ['x0.npy', '(n,) initial condition: leading eigenvector of the observability Gramian of W − I, ‖x0‖ = 1.5·√n'],
      ['soc-log.json', 'settings, iterations and α = max Re λ(W) at every iteration'],
    ],
  },
};

export const USAGE = usageText(spec);

export async function run(argv: string[], io: CliIo): Promise<number> {
  const o = parseOptions(spec, argv);
  if (!o) {
    io.stdout.write(USAGE);
    return 0;
  }
  const n = o.n as number;
  if (n < 4 || n % 2 !== 0 || n > MAX_N) throw new CliError(`gainlab soc: --n must be an even integer from 4 to ${MAX_N}, got ${n}`, optionsLine(spec));
  // the app's seed range (a network of a negative seed could not be rebuilt in the app, train or a sweep)
  const seedProblem = rangeProblem(SETTING_RANGES.seed, o.seed as number, '--seed');
  if (seedProblem) throw new CliError(`gainlab soc: ${seedProblem}`, optionsLine(spec));
  const outDir = resolvePath(io, o.out as string);
  ensureOutputDir(outDir);
  const bar = progressReporter(io.stderr, 'soc', 100);
  let firstAlpha: number | null = null;
  const result = buildSoc(
    { n, seed: o.seed as number, recipe: o.recipe as SocRecipe, eigenvalueEvery: 0 },
    (p) => {
      // progress on a log scale from the initial α to the 0.15 target
      if (firstAlpha === null) firstAlpha = p.alpha;
      const fraction = firstAlpha > 0.15 && p.alpha > 0 ? Math.log(firstAlpha / p.alpha) / Math.log(firstAlpha / 0.15) : 0;
      bar.update(Math.floor(100 * Math.max(0, Math.min(0.99, fraction))), `iteration ${p.iteration}, α = ${p.alpha.toFixed(4)}`);
    },
    io.shouldStop,
  );
  const finalAlpha = result.alphaHistory[result.alphaHistory.length - 1];
  bar.finish(result.converged ? 100 : 0, `iteration ${result.iterations}, α = ${finalAlpha.toFixed(5)}`);
  writeNpyFile(path.join(outDir, 'W.npy'), result.W, [n, n]);
  // The Gramian of W − I exists only while max Re λ(W) < 1.
  const x0 = finalAlpha < 1 ? initialConditions(result.W, n, 1, result.nE) : null;
  if (x0) writeNpyFile(path.join(outDir, 'x0.npy'), x0, [n]);
  writeJsonFile(path.join(outDir, 'soc-log.json'), {
    n,
    nE: result.nE,
    seed: result.seed,
    recipe: result.recipe,
    iterations: result.iterations,
    finalAlpha,
    converged: result.converged,
    stopped: result.stopped,
    elapsedMs: result.elapsedMs,
    options: result.options,
    alphaHistory: Array.from(result.alphaHistory),
  });
  if (!result.converged && !result.stopped) {
    io.stderr.write(
      `gainlab soc: did not reach α ≤ ${result.options.targetAlpha} within ${result.iterations} iterations (α = ${finalAlpha.toFixed(5)}); wrote W.npy${x0 ? ', x0.npy' : ''} and soc-log.json anyway; try another --seed or --recipe\n`,
    );
    return 1;
  }
  io.stdout.write(
    `${result.stopped ? 'stopped early: ' : ''}SOC N = ${n}, seed ${result.seed}, recipe ${result.recipe}: α = ${finalAlpha.toFixed(5)} after ${result.iterations} iterations (${(result.elapsedMs / 1000).toFixed(1)} s); wrote W.npy, ${x0 ? 'x0.npy, ' : ''}soc-log.json to ${outDir}\n`,
  );
  return 0;
}
