/**
 * `gainlab train`: learn gains for a target on a network directory with the reward-based rule
 * (model-spec §5) or gradient descent (Adam through the RK4 unroll, §6), optionally with G random
 * modulatory groups (§7). Progress goes to stderr (a bar on a terminal, plain lines otherwise);
 * stdout gets exactly one JSON summary. Writes to --out: best-gains.npy (n), errors.npy (every
 * trial, index 0 = the starting gains), best-output.npy, groups.npy (with --groups) and
 * summary.json (the same summary).
 */
import path from 'node:path';
import { TrialEvaluator } from '../../src-shared/model/dynamics.js';
import { trainGradient } from '../../src-shared/model/gradient.js';
import { seededRandomGroups } from '../../src-shared/model/groups.js';
import { DEFAULT_DYNAMICS } from '../../src-shared/model/params.js';
import { runRewardRule, runRewardRuleSessions } from '../../src-shared/model/rewardRule.js';
import { optionsLine, CliError, ensureOutputDir, loadNetworkDir, loadTarget, parseOptions, progressReporter, resolvePath, usageText, writeJsonFile, writeNpyFile, type CliIo, type CommandSpec } from '../cliSupport.js';
import { loadGains } from './simulate.js';

export const spec: CommandSpec = {
  name: 'train',
  summary: 'Learn gains for a target (reward-based rule or gradient); one JSON summary on stdout.',
  options: {
    net: { type: 'string', value: 'DIR', description: 'network directory (W.npy, x0.npy, readout.npy)', required: true },
    target: { type: 'string', value: 'FILE.npy', description: 'target movement, (200,) or (channels, 200)', required: true },
    rule: { type: 'string', choices: ['reward', 'gradient'], description: 'learning rule', default: 'reward' },
    trials: { type: 'integer', value: 'K', description: 'reward: trials; gradient: Adam iterations', default: 5000 },
    groups: { type: 'integer', value: 'G', description: 'random modulatory groups (default: one gain per neuron)' },
    seed: { type: 'integer', value: 'S', description: 'seed of the rule noise and the groups', default: 1 },
    sigma: { type: 'number', value: 'X', description: 'reward: gain noise σ', default: 0.001 },
    alpha: { type: 'number', value: 'X', description: 'reward: low-pass factor α', default: 0.3 },
    sessions: { type: 'integer', value: 'K', description: 'reward: independent sessions run together (best one kept)', default: 1 },
    lr: { type: 'number', value: 'X', description: 'gradient: Adam learning rate', default: 0.01 },
    gains: { type: 'string', value: 'FILE.npy', description: 'starting gains (default all 1)' },
    out: { type: 'string', value: 'DIR', description: 'output directory', required: true },
  },
};

export const USAGE = usageText(spec);

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
  if (trials < 0) throw new CliError(`gainlab train: --trials must be ≥ 0, got ${trials}`, optionsLine(spec));
  if (!((o.sigma as number) >= 0)) throw new CliError(`gainlab train: --sigma must be ≥ 0, got ${o.sigma}`, optionsLine(spec));
  if (!((o.alpha as number) >= 0 && (o.alpha as number) < 1)) throw new CliError(`gainlab train: --alpha must be in [0, 1), got ${o.alpha}`, optionsLine(spec));
  if (!((o.lr as number) > 0)) throw new CliError(`gainlab train: --lr must be > 0, got ${o.lr}`, optionsLine(spec));
  if (sessions < 1) throw new CliError(`gainlab train: --sessions must be ≥ 1, got ${sessions}`, optionsLine(spec));
  if (sessions > 1 && rule !== 'reward') throw new CliError('gainlab train: --sessions applies to --rule reward only', optionsLine(spec));

  const dir = resolvePath(io, o.net as string);
  const network = loadNetworkDir(dir);
  const params = DEFAULT_DYNAMICS;
  const targetFile = resolvePath(io, o.target as string);
  const target = loadTarget(targetFile, network.readout.channels, params.nSamples);
  const initialGains = o.gains ? loadGains(resolvePath(io, o.gains as string), network) : undefined;
  let groups: Int32Array | undefined;
  if (o.groups !== undefined) {
    const G = o.groups as number;
    if (G < 1 || G > network.n) throw new CliError(`gainlab train: --groups must be in [1, ${network.n}], got ${G}`, optionsLine(spec));
    groups = seededRandomGroups(network.n, G, seed);
  }
  const outDir = resolvePath(io, o.out as string);
  ensureOutputDir(outDir);

  const started = Date.now();
  const bar = progressReporter(io.stderr, `train ${rule}`, trials);
  const detail = (error: number, best: number) => `error ${error.toPrecision(4)}, best ${best.toPrecision(4)}`;
  let errors: Float64Array;
  let bestGains: Float64Array;
  let bestOutput: Float64Array;
  let bestError: number;
  let bestTrial: number;
  let trialsDone: number;
  let stopped: boolean;
  const extra: Record<string, unknown> = {};
  if (rule === 'reward') {
    const options = { trials, seed, sigma: o.sigma as number, alpha: o.alpha as number, groups, initialGains };
    const onProgress = (p: { trial: number; error: number; bestError: number }) => bar.update(p.trial, detail(p.error, p.bestError));
    if (sessions === 1) {
      const evaluator = new TrialEvaluator(network, params, target);
      const r = runRewardRule(evaluator, options, onProgress, io.shouldStop);
      evaluator.dispose();
      ({ errors, bestGains, bestOutput, bestError, bestTrial, trialsDone, stopped } = r);
    } else {
      const all = runRewardRuleSessions(network, params, target, { ...options, sessions }, onProgress, io.shouldStop);
      const r = all.sessions[all.bestSession];
      ({ errors, bestGains, bestOutput, bestError, bestTrial, trialsDone, stopped } = r);
      extra.bestSession = all.bestSession;
      extra.sessionSeeds = all.sessions.map((s) => s.seed);
      extra.sessionBestErrors = all.sessions.map((s) => s.bestError);
    }
  } else {
    const r = trainGradient(
      {
        network,
        params,
        target,
        trainable: 'gains',
        groups,
        // gradient training of groups starts from group gains: take them from the given per-neuron gains
        gains: initialGains && groups ? groupStart(initialGains, groups) : initialGains,
        iterations: trials,
        lr: o.lr as number,
        progressEvery: Math.max(1, Math.floor(trials / 200)),
      },
      (p) => bar.update(p.iteration, detail(p.error, p.bestError)),
      io.shouldStop,
    );
    ({ errors, bestError, bestOutput } = r);
    bestGains = r.gains;
    bestTrial = r.bestIteration;
    trialsDone = r.iterations;
    stopped = r.stopped;
    if (r.diverged) extra.diverged = true;
  }
  bar.finish(trialsDone, detail(errors[errors.length - 1], bestError));
  const elapsedMs = Date.now() - started;

  const channels = network.readout.channels;
  writeNpyFile(path.join(outDir, 'best-gains.npy'), bestGains, [network.n]);
  writeNpyFile(path.join(outDir, 'errors.npy'), errors, [errors.length]);
  writeNpyFile(path.join(outDir, 'best-output.npy'), bestOutput, channels === 1 ? [params.nSamples] : [channels, params.nSamples]);
  const files = ['best-gains.npy', 'errors.npy', 'best-output.npy'];
  if (groups) {
    writeNpyFile(path.join(outDir, 'groups.npy'), Float64Array.from(groups), [network.n]);
    files.push('groups.npy');
  }
  files.push('summary.json');
  const summary = {
    command: 'train',
    rule,
    network: dir,
    target: targetFile,
    n: network.n,
    groups: groups ? (o.groups as number) : network.n,
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
    outDir,
    files,
    ...extra,
  };
  writeJsonFile(path.join(outDir, 'summary.json'), summary);
  io.stdout.write(`${JSON.stringify(summary)}\n`);
  return 0;
}

/** Mean of the given per-neuron gains within each group (the group's starting gain). */
function groupStart(gains: Float64Array, groups: Int32Array): Float64Array {
  let G = 0;
  for (const g of groups) if (g + 1 > G) G = g + 1;
  const sums = new Float64Array(G);
  const counts = new Float64Array(G);
  for (let i = 0; i < groups.length; i++) {
    sums[groups[i]] += gains[i];
    counts[groups[i]]++;
  }
  for (let g = 0; g < G; g++) sums[g] = counts[g] > 0 ? sums[g] / counts[g] : 1;
  return sums;
}
