/**
 * `gainlab train`: learn gains for a target on a network directory with the reward-based rule
 * (model-spec §5) or gradient descent (Adam through the RK4 unroll, §6), optionally with G random
 * modulatory groups (§7). Progress goes to stderr (a bar on a terminal, plain lines otherwise);
 * stdout gets exactly one JSON summary. Writes to --out: best-gains.npy (n), errors.npy (every
 * trial, index 0 = the starting gains), best-output.npy (the output of the best trained network),
 * for --trainable x0 / W / rank1 the trained best-x0.npy (n), best-W.npy (n × n) or best-u.npy and
 * best-v.npy (n each, W + u vᵀ), groups.npy (with --groups), the run's
 * recipe (recipe.json + its .npy files: `gainlab run DIR/recipe.json` repeats it bit for bit) and
 * summary.json (the same summary). The training is the app's training task (src-shared/tasks), so
 * the same settings give the same numbers in the app, here, in a recipe and in a sweep.
 */
import path from 'node:path';
import { MAX_N, trainingRequestSchema, type NetworkPayload, type TrainingOptions, type TrainingResult } from '../../src-shared/ipc/contract.js';
import { addRankOne } from '../../src-shared/model/gradient.js';
import { runCores } from '../../src-shared/model/kernels/threads.js';
import { DEFAULT_DYNAMICS } from '../../src-shared/model/params.js';
import { rangeProblem, rangeText, SETTING_RANGES, type SettingRange } from '../../src-shared/settingsRanges.js';
import { buildRunRecipe, trainedArrays, type TrainedArray } from '../../src-shared/runs/recipe.js';
import { TaskError } from '../../src-shared/tasks/context.js';
import { runSimulationTask } from '../../src-shared/tasks/simulation.js';
import { runTrainingTask } from '../../src-shared/tasks/training.js';
import { cliTaskContext, optionsLine, CliError, ensureOutputDir, loadNetworkDir, loadTargetOnGrid, parseOptions, progressReporter, readNpyFile, resolvePath, usageText, writeJsonFile, writeNpyFile, type CliIo, type CommandSpec, gainlabVersion } from '../cliSupport.js';
import { loadGains } from './simulate.js';

export const spec: CommandSpec = {
  name: 'train',
  summary: 'Learn gains for a target (reward-based rule or gradient); one JSON summary on stdout.',
  options: {
    net: { type: 'string', value: 'DIR', description: 'network directory (W.npy, x0.npy, readout.npy)', required: true },
    target: { type: 'string', value: 'FILE.npy', description: 'target movement, (200,) or (channels, 200)', required: true },
    resample: { type: 'flag', description: 'resample a target of another length, (K,) or (channels, K), linearly onto the 200-sample grid' },
    rule: { type: 'string', choices: ['reward', 'gradient'], description: 'learning rule', default: 'reward' },
    trials: { type: 'integer', value: 'K', description: `reward: trials; gradient: Adam iterations (${rangeText(SETTING_RANGES.trials)})`, default: 5000 },
    groups: { type: 'integer', value: 'G', description: 'random modulatory groups (default: one gain per neuron)' },
    'group-labels': { type: 'string', value: 'FILE.npy', description: 'explicit group label (0..G−1) of every neuron, e.g. specialised groups' },
    trainable: { type: 'string', choices: ['gains', 'x0', 'W', 'rank1'], description: 'gradient: what is trained', default: 'gains' },
    seed: { type: 'integer', value: 'S', description: `seed of the rule noise and the groups (${rangeText(SETTING_RANGES.seed)})`, default: 1 },
    sigma: { type: 'number', value: 'X', description: `reward: gain noise σ (${rangeText(SETTING_RANGES.sigma)})`, default: 0.001 },
    alpha: { type: 'number', value: 'X', description: `reward: low-pass factor α (${rangeText(SETTING_RANGES.alpha)})`, default: 0.3 },
    sessions: { type: 'integer', value: 'K', description: `reward: independent sessions run together, best one kept (${rangeText(SETTING_RANGES.sessions)})`, default: 1 },
    lr: { type: 'number', value: 'X', description: `gradient: Adam learning rate (${rangeText(SETTING_RANGES.learningRate)})`, default: 0.01 },
    gains: { type: 'string', value: 'FILE.npy', description: 'starting gains (default all 1)' },
    out: { type: 'string', value: 'DIR', description: 'output directory', required: true },
  },
  writes: {
    where: 'to --out DIR (arrays of the best session; NumPy shapes)',
    files: [
      ['best-gains.npy', '(n,) the trained gains of the best trial'],
      ['errors.npy', '(trials + 1,) error E per trial: [0] with the starting gains, [k] after trial (iteration) k; bestTrial indexes it'],
      ['best-output.npy', '(200,) or (channels, 200) the output with best-gains.npy'],
      ['best-x0.npy, best-W.npy', '--trainable x0: (n,); W: (n, n); rank1: best-u.npy and best-v.npy, (n,) each (W + u vᵀ)'],
      ['groups.npy', '(n,) group label of every neuron (with --groups or --group-labels)'],
      ['recipe.json, recipe-*.npy', "the run's recipe: gainlab run DIR/recipe.json repeats it bit for bit"],
      ['summary.json', 'the JSON summary printed on stdout'],
    ],
  },
};

export const USAGE = usageText(spec);

/** The network with what a gradient run trained in place: x0, W, or W + u vᵀ (W[i·n + j] += u_i v_j). */
export function trainedNetwork(network: NetworkPayload, trained: TrainedArray[]): NetworkPayload {
  const byName = new Map(trained.map((array) => [array.name, array.data]));
  const n = network.n;
  const x0 = byName.get('x0');
  if (x0) return { ...network, x0: Float64Array.from(x0) };
  const W = byName.get('W');
  if (W) return { ...network, W: Float64Array.from(W) };
  const u = byName.get('u');
  const v = byName.get('v');
  if (u && v) {
    const sum = new Float64Array(n * n);
    addRankOne(network.W, u, v, n, sum);
    return { ...network, W: sum };
  }
  return network;
}

export async function run(argv: string[], io: CliIo): Promise<number> {
  const o = parseOptions(spec, argv);
  if (!o) {
    io.stdout.write(USAGE);
    return 0;
  }
  const rule = o.rule as 'reward' | 'gradient';
  const trials = o.trials as number;
  const seed = o.seed as number;
  const sessions = o.sessions as number;
  // the app's ranges (src-shared/settingsRanges.ts): a value refused there is refused here, in one line
  const ranged: [string, SettingRange, number][] = [
    ['--trials', rule === 'reward' ? SETTING_RANGES.trials : SETTING_RANGES.iterations, trials],
    ['--sigma', SETTING_RANGES.sigma, o.sigma as number],
    ['--alpha', SETTING_RANGES.alpha, o.alpha as number],
    ['--lr', SETTING_RANGES.learningRate, o.lr as number],
    ['--sessions', SETTING_RANGES.sessions, sessions],
    ['--seed', SETTING_RANGES.seed, seed],
  ];
  for (const [option, range, value] of ranged) {
    const problem = rangeProblem(range, value, option);
    if (problem) throw new CliError(`gainlab train: ${problem}`, optionsLine(spec));
  }
  if (sessions > 1 && rule !== 'reward') throw new CliError('gainlab train: --sessions applies to --rule reward only', optionsLine(spec));
  // a setting of the other rule would be ignored without a word (the reward rule has no learning
  // rate: --lr with it changed nothing), as --sessions and --trainable are refused
  const given = (name: string) => argv.some((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`));
  const otherRule = (rule === 'reward' ? ['lr'] : ['sigma', 'alpha']).filter(given);
  if (otherRule.length > 0) {
    const options = otherRule.map((name) => `--${name}`).join(' and ');
    throw new CliError(`gainlab train: ${options} ${otherRule.length === 1 ? 'applies' : 'apply'} to --rule ${rule === 'reward' ? 'gradient' : 'reward'} only`, optionsLine(spec));
  }

  const dir = resolvePath(io, o.net as string);
  const network = loadNetworkDir(dir);
  const params = DEFAULT_DYNAMICS;
  const targetFile = resolvePath(io, o.target as string);
  const { values: target, resampledFrom } = loadTargetOnGrid(targetFile, network.readout.channels, params, o.resample === true);
  const initialGains = o.gains ? loadGains(resolvePath(io, o.gains as string), network) : undefined;
  if (o.groups !== undefined) {
    const G = o.groups as number;
    if (G < 1 || G > network.n) throw new CliError(`gainlab train: --groups must be in [1, ${network.n}], got ${G}`, optionsLine(spec));
  }
  if (o.groups !== undefined && o['group-labels'] !== undefined) throw new CliError('gainlab train: give --groups or --group-labels, not both', optionsLine(spec));
  if (o.trainable !== 'gains' && rule !== 'gradient') throw new CliError('gainlab train: --trainable applies to --rule gradient only', optionsLine(spec));
  let labels: number[] | null = null;
  if (o['group-labels'] !== undefined) {
    const file = resolvePath(io, o['group-labels'] as string);
    const read = readNpyFile(file, 'group labels');
    labels = Array.from(read.data);
    if (labels.length !== network.n || labels.some((l) => !Number.isInteger(l) || l < 0 || l >= network.n)) {
      throw new CliError(`gainlab train: ${file} must hold ${network.n} whole labels from 0 to ${network.n - 1}`, optionsLine(spec));
    }
  }
  const outDir = resolvePath(io, o.out as string);
  ensureOutputDir(outDir);

  // the very request the app sends for a run, its data inline: one task computes it (src-shared/tasks)
  if (network.n > MAX_N) throw new CliError(`gainlab train: ${dir} holds a network of n = ${network.n} neurons; GainLab trains networks of at most ${MAX_N}`, optionsLine(spec));
  // names and the label are display text, capped at the request's 200 characters
  const name = (file: string) => path.basename(file).slice(0, 200);
  const parsed = trainingRequestSchema.safeParse({
    source: {
      kind: 'inline',
      network: { id: 'cli-network', name: name(dir), n: network.n, nE: network.nE, W: network.W, x0: network.x0, readout: network.readout, params },
      targets: [{ id: 'cli-target', name: name(targetFile), channels: network.readout.channels, nSamples: params.nSamples, duration: params.duration, values: target }],
    },
    rule,
    trials,
    sigma: o.sigma,
    alpha: o.alpha,
    learningRate: o.lr,
    // random groups: labels drawn from Rng(seed), exactly as in the app
    groups: labels ? { kind: 'explicit', labels } : o.groups !== undefined && (o.groups as number) < network.n ? { kind: 'random', count: o.groups } : { kind: 'neuron' },
    trainable: o.trainable,
    seed,
    sessions: rule === 'gradient' ? 1 : sessions,
    ...(initialGains ? { initialGains } : {}),
    label: `gainlab train · ${rule} · ${path.basename(targetFile)} · seed ${seed}`.slice(0, 200),
  });
  if (!parsed.success) {
    // what the app's request check refuses (e.g. more than 64 readout channels): one line, exit 2
    const issue = parsed.error.issues[0];
    throw new CliError(`gainlab train: ${issue.path.join('.') || 'request'}: ${issue.message}`, optionsLine(spec));
  }
  const request: TrainingOptions = parsed.data;
  if (request.source.kind !== 'inline') throw new Error('unreachable');
  const { source, label: _label, purpose: _purpose, ...settings } = request;

  const started = Date.now();
  const bar = progressReporter(io.stderr, `train ${rule}`, trials * request.sessions);
  let result: TrainingResult;
  const ctx = cliTaskContext(bar, io.shouldStop);
  try {
    result = runTrainingTask({ ...settings, network: source.network, targets: source.targets }, ctx);
  } catch (error) {
    if (error instanceof TaskError) throw new CliError(`gainlab train: ${error.message}`, optionsLine(spec));
    throw error;
  }
  const best = result.sessions[result.bestSession];
  const { errorCurve: errors, bestGains, bestError, bestTrial, trialsRun: trialsDone } = best;
  const stopped = result.partial;
  bar.finish(result.sessions.reduce((sum, s) => sum + s.trialsRun, 0), `error ${errors[errors.length - 1].toPrecision(4)}, best ${bestError.toPrecision(4)}`);
  const elapsedMs = Date.now() - started;
  // a gradient run on x0, W or rank1 trained those, not the gains: its best output is that network's
  const trained = trainedArrays(result, result.bestSession, network.n).filter((array) => array.name !== 'gains');
  const bestOutput = runSimulationTask({ network: trainedNetwork(source.network, trained), gains: bestGains, target: null, includeRates: false }).output;
  const extra: Record<string, unknown> = {};
  // the seed each session's rule noise (or rank-1 start) was drawn from, derived from --seed
  extra.sessionSeeds = result.sessions.map((s) => s.seed);
  if (result.sessions.length > 1) {
    extra.bestSession = result.bestSession;
    extra.sessionBestErrors = result.sessions.map((s) => s.bestError);
  }

  const channels = network.readout.channels;
  writeNpyFile(path.join(outDir, 'best-gains.npy'), bestGains, [network.n]);
  writeNpyFile(path.join(outDir, 'errors.npy'), errors, [errors.length]);
  writeNpyFile(path.join(outDir, 'best-output.npy'), bestOutput, channels === 1 ? [params.nSamples] : [channels, params.nSamples]);
  const files = ['best-gains.npy', 'errors.npy', 'best-output.npy'];
  for (const array of trained) {
    writeNpyFile(path.join(outDir, `best-${array.name}.npy`), array.data, array.shape);
    files.push(`best-${array.name}.npy`);
  }
  if (request.groups.kind !== 'neuron') {
    writeNpyFile(path.join(outDir, 'groups.npy'), Float64Array.from(result.groupLabels), [network.n]);
    files.push('groups.npy');
  }
  // the run's recipe, as the app's "Export run" writes it: `gainlab run DIR/recipe.json` repeats it bit for bit
  const { recipe, arrays } = buildRunRecipe({ request, result, gainlabVersion: gainlabVersion(), stem: 'recipe' });
  writeJsonFile(path.join(outDir, 'recipe.json'), recipe);
  for (const [name, array] of Object.entries(arrays)) writeNpyFile(path.join(outDir, name), array.data, array.shape);
  files.push('recipe.json', ...Object.keys(arrays));
  files.push('summary.json');
  const summary = {
    command: 'train',
    gainlabVersion: gainlabVersion(),
    rule,
    network: dir,
    target: targetFile,
    // the target's own sample count when --resample put it onto the network's grid, else null
    targetResampledFrom: resampledFrom,
    n: network.n,
    groups: request.groups.kind === 'neuron' ? network.n : new Set(result.groupLabels).size,
    ...(rule === 'gradient' ? { trainable: o.trainable } : {}),
    seed,
    ...(rule === 'reward' ? { sigma: o.sigma, alpha: o.alpha, sessions } : { lr: o.lr }),
    trialsRequested: trials,
    trialsDone,
    stopped,
    initialError: errors[0],
    finalError: errors[errors.length - 1],
    bestError,
    bestTrial,
    elapsedMs,
    // the most cores the run could use (inside a SLURM job: no more than the task's CPUs)
    cores: runCores(),
    outDir,
    recipe: path.join(outDir, 'recipe.json'),
    files,
    ...extra,
  };
  writeJsonFile(path.join(outDir, 'summary.json'), summary);
  io.stdout.write(`${JSON.stringify(summary)}\n`);
  return 0;
}
