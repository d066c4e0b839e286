/**
 * `gainlab experiment NAME --out DIR [--quick] [--seed S] [--net DIR] [settings…]`: one paper
 * experiment (src-shared/experiments, by name through catalog.ts — the same path the app's
 * 'experiment' jobs take). Without --quick it runs the paper's set-up; each setting flag
 * (--sessions, --sigma, …) departs from it, and the result says so.
 *
 * Progress on stderr, then the set-up line (paper set-up or the departures, and the GainLab
 * definitions it rests on). DIR gets one CSV per table and per analysis, one .npy per array, one
 * SVG per figure (ECharts server-side rendering, src-cli/svg/figures.ts) and summary.json; stdout
 * gets one JSON line (name, elapsed, key numbers, set-up, files). With --net DIR the network in
 * DIR is used as given (W.npy, x0.npy, readout.npy) and, for fig1 and supp2, DIR/novel_target.npy
 * as the target when present (the published data's layout); summary.json's `network` (and fig1's
 * `target`) name DIR as typed on the command line.
 */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EXPERIMENT_CATALOG, experimentInfo, runExperimentByName } from '../../src-shared/experiments/catalog.js';
import { resultTextFiles, summaryJson } from '../../src-shared/experiments/figureData.js';
import { setupLine, type SetupSummary } from '../../src-shared/experiments/setup.js';
import { EXPERIMENT_NAMES, experimentRequestSchema, type ExperimentName, type OverrideKey } from '../../src-shared/ipc/experimentContract.js';
import type { ExperimentResult } from '../../src-shared/experiments/support.js';
import { DEFAULT_DYNAMICS } from '../../src-shared/model/params.js';
import { rangeText, SETTING_RANGES } from '../../src-shared/settingsRanges.js';
import { renderFigureSvg } from '../svg/figures.js';
import { CliError, ensureOutputDir, loadNetworkDir, loadTargetOnGrid, optionsLine, parseOptions, resolvePath, usageText, writeJsonFile, writeNpyFile, type CliIo, type CommandSpec, type OptionSpec, gainlabVersion } from '../cliSupport.js';

/** Setting flags: CLI name → request.overrides key (lists are comma-separated). */
const SETTING_FLAGS: Record<string, { key: OverrideKey; option: OptionSpec; list?: boolean }> = {
  sessions: { key: 'sessions', option: { type: 'integer', value: 'K', description: 'independent sessions per condition' } },
  trials: { key: 'trials', option: { type: 'integer', value: 'T', description: 'reward-rule trials' } },
  iterations: { key: 'iterations', option: { type: 'integer', value: 'I', description: 'Adam iterations' } },
  sigma: { key: 'sigma', option: { type: 'number', value: 'σ', description: 'σ of the reward rule' } },
  alpha: { key: 'alpha', option: { type: 'number', value: 'α', description: 'α of the reward rule' } },
  lr: { key: 'lr', option: { type: 'number', value: 'LR', description: 'Adam learning rate' } },
  rule: { key: 'rule', option: { type: 'string', choices: ['reward', 'gradient'], description: 'rule of learned patterns' } },
  n: { key: 'n', option: { type: 'integer', value: 'N', description: 'size of the own SOC network' } },
  groups: { key: 'groups', option: { type: 'integer', value: 'G', description: 'random modulatory groups' } },
  conditions: { key: 'conditions', option: { type: 'integer', value: 'M', description: 'initial conditions learned jointly' } },
  movements: { key: 'movements', option: { type: 'integer', value: 'K', description: 'movements' } },
  targets: { key: 'targets', option: { type: 'integer', value: 'K', description: 'targets (novel targets, supp2: novel movements)' } },
  pool: { key: 'pool', option: { type: 'integer', value: 'P', description: 'learned patterns in the pool (fig8: shapes)' } },
  libraries: { key: 'libraries', option: { type: 'integer', value: 'L', description: 'random libraries per library size' } },
  'library-sizes': { key: 'librarySizes', option: { type: 'string', value: 'l,l,…', description: 'library sizes' }, list: true },
  speeds: { key: 'speeds', option: { type: 'integer', value: 'S', description: 'speeds of the manifold' } },
  'm-values': { key: 'conditionSweep', option: { type: 'string', value: 'm,m,…', description: 'numbers of initial conditions (Supp. 5h–j)' }, list: true },
  'noise-samples': { key: 'noiseSamples', option: { type: 'integer', value: 'S', description: 'noisy-x0 samples per SNR' } },
};

export const spec: CommandSpec = {
  name: 'experiment',
  summary: `Run a paper experiment (${EXPERIMENT_NAMES.join(', ')}) at the paper's set-up, or --quick; data as CSV, .npy, SVG figures and summary.json.`,
  options: {
    out: { type: 'string', value: 'DIR', description: 'output directory', required: true },
    quick: { type: 'flag', description: 'small network, few sessions and trials (seconds)' },
    seed: { type: 'integer', value: 'S', description: `master seed (${rangeText(SETTING_RANGES.seed)})`, default: 1 },
    net: { type: 'string', value: 'DIR', description: 'use this network directory (W.npy, x0.npy, readout.npy; fig1/supp2 also novel_target.npy) instead of a new SOC network' },
    sizes: { type: 'string', value: 'n,n,…', description: 'supp2: network sizes of panels e–h' },
    ...Object.fromEntries(Object.entries(SETTING_FLAGS).map(([name, f]) => [name, f.option])),
  },
};

/** Comma-separated integers of a list flag. */
function integerList(flag: string, text: string): number[] {
  const values = text.split(',').map((t) => Number(t.trim()));
  if (values.length === 0 || values.some((v) => !Number.isSafeInteger(v))) throw new CliError(`gainlab experiment: --${flag} must be comma-separated integers, got '${text}'`, optionsLine(spec));
  return values;
}

/**
 * Write an experiment's result to dir: tables and extra CSV texts as .csv, arrays as .npy, figures
 * as SVG, and summary.json (which lists every file, itself included). Returns the file names.
 */
export function writeExperimentResult(result: ExperimentResult & { csv?: { name: string; text: string }[] }, dir: string): string[] {
  ensureOutputDir(dir);
  const files: string[] = [];
  // tables and analysis CSVs: the same texts the app's "all data (.zip)" export holds
  for (const file of resultTextFiles(result)) {
    writeFileSync(path.join(dir, file.name), file.text);
    files.push(file.name);
  }
  for (const array of result.arrays) {
    writeNpyFile(path.join(dir, `${array.name}.npy`), array.data, array.shape);
    files.push(`${array.name}.npy`);
  }
  for (const figure of result.figures ?? []) {
    writeFileSync(path.join(dir, `${figure.name}.svg`), renderFigureSvg(figure));
    files.push(`${figure.name}.svg`);
  }
  files.push('summary.json');
  writeJsonFile(path.join(dir, 'summary.json'), summaryJson(result, files, gainlabVersion()));
  return files;
}

/** The few numbers of the one-line stdout summary. */
function headline(result: ExperimentResult): Record<string, unknown> {
  const s = result.summary as Record<string, unknown>;
  const pick = (keys: string[]) => Object.fromEntries(keys.filter((k) => k in s).map((k) => [k, s[k]]));
  return pick(['n', 'network', 'initialError', 'medianFinalError', 'meanInitialError', 'medianFitError', 'medianOutputError', 'fitOutputCorrelation', 'supp8']);
}

function usage(): string {
  const width = Math.max(...EXPERIMENT_NAMES.map((n) => n.length));
  const lines = EXPERIMENT_CATALOG.map((e) => `  ${e.name.padEnd(width)}  ${e.description}\n  ${' '.repeat(width)}  settings: ${e.overrides.length ? e.overrides.join(', ') : 'none'}${e.takesSizes ? ', sizes' : ''}; GainLab definitions: ${e.definitions.join(', ')}`);
  // the experiment's name comes first: `gainlab experiment NAME --out DIR …`
  return `${usageText(spec).replace('usage: gainlab experiment ', 'usage: gainlab experiment NAME ')}\nexperiments:\n${lines.join('\n')}\n`;
}

export async function run(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    io.stdout.write(usage());
    return 0;
  }
  if (name.startsWith('-')) {
    throw new CliError(`gainlab experiment: give the experiment's name first (gainlab experiment NAME --out DIR …; NAME one of ${EXPERIMENT_NAMES.join(', ')})`, optionsLine(spec));
  }
  if (!(EXPERIMENT_NAMES as readonly string[]).includes(name)) {
    throw new CliError(`gainlab experiment: unknown experiment '${name}' (known: ${EXPERIMENT_NAMES.join(', ')})`, optionsLine(spec));
  }
  const experiment = name as ExperimentName;
  const o = parseOptions(spec, rest);
  if (!o) {
    io.stdout.write(usage());
    return 0;
  }
  const overrides: Record<string, unknown> = {};
  for (const [flag, f] of Object.entries(SETTING_FLAGS)) {
    const value = o[flag];
    if (value === undefined) continue;
    overrides[f.key] = f.list ? integerList(flag, String(value)) : value;
  }
  const parsed = experimentRequestSchema.safeParse({
    experiment,
    quick: Boolean(o.quick),
    seed: o.seed,
    sizes: o.sizes !== undefined ? integerList('sizes', String(o.sizes)) : undefined,
    overrides: Object.keys(overrides).length ? overrides : undefined,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CliError(`gainlab experiment: ${issue.path.join('.') || 'request'}: ${issue.message}`, optionsLine(spec));
  }
  const outDir = resolvePath(io, o.out as string);
  const netDir = o.net ? resolvePath(io, o.net as string) : undefined;
  const network = netDir ? loadNetworkDir(netDir) : undefined;
  // the summary records the network and target as the user named them (the directory as typed,
  // not the absolute path it resolves to: that would put a private home folder in shared results)
  const networkLabel = o.net ? String(o.net) : undefined;
  let target: Float64Array | undefined;
  let targetLabel: string | undefined;
  if (netDir && network && experimentInfo(experiment).takesTarget) {
    const file = path.join(netDir, 'novel_target.npy');
    // the experiments run on the paper's grid (src-shared/experiments/support.ts: DEFAULT_DYNAMICS)
    if (existsSync(file)) {
      target = loadTargetOnGrid(file, network.readout.channels, DEFAULT_DYNAMICS, { command: 'gainlab experiment' }).values;
      targetLabel = path.join(String(o.net), 'novel_target.npy');
    }
  }
  // refuse an output path that cannot be a folder (a file, no permission) before the experiment
  // runs, not after its minutes or hours of computing
  ensureOutputDir(outDir);
  const started = Date.now();
  let result: ExperimentResult;
  // a long step reports its share done with the same words (beginStep): one line per step here
  let lastLine = '';
  try {
    result = runExperimentByName({
      options: parsed.data,
      inputs: { network, target, networkLabel, targetLabel },
      onProgress: (message) => {
        if (message === lastLine) return;
        lastLine = message;
        io.stderr.write(`${name}: ${message}\n`);
      },
      shouldStop: io.shouldStop,
    });
  } catch (error) {
    if (error instanceof RangeError) throw new CliError(`gainlab experiment: ${error.message}`, optionsLine(spec));
    throw error;
  }
  const setup = (result.summary as { setup?: SetupSummary }).setup;
  if (setup) io.stderr.write(`${name}: ${setupLine(setup)}\n`);
  const files = writeExperimentResult(result, outDir);
  io.stdout.write(
    `${JSON.stringify({ name, quick: result.quick, seed: result.seed, elapsedMs: Date.now() - started, stopped: result.stopped, ...headline(result), setup: setup ? setupLine(setup) : undefined, out: outDir, files: files.length })}\n`,
  );
  return 0;
}
