import { describe, expect, it } from 'vitest';
import { trainingRequestSchema } from '../../src-shared/ipc/contract.js';
import { specialisedGroups } from '../../src-shared/model/groups.js';
import { createEmptyProject } from '../../src-shared/project/schema.js';
import { resolveTrainingGroups } from '../../src-main/services/trainingService.js';
import { DEFAULT_DYNAMICS } from '../../src-shared/model/params.js';
import { paramsForTarget } from '../../src-shared/tasks/training.js';
import { buildTrainingRequest, defaultTrainForm, parseGroups, targetMismatch, type TrainNetwork, type TrainTarget } from '../../src-renderer/stores/trainForm.js';

const n = 6;
const network: TrainNetwork = { id: 'net', name: 'tiny', n, readout: { channels: 1 }, params: { nSamples: 10, duration: 500 } };
const target: TrainTarget = { id: 'novel', name: 'Novel', channels: 1, nSamples: 10, duration: 500 };

describe('groups field', () => {
  it('reads N, a count, or the network size', () => {
    expect(parseGroups('N', 200)).toEqual({ ok: true, spec: { kind: 'neuron' }, count: 200 });
    expect(parseGroups(' n ', 200)).toEqual({ ok: true, spec: { kind: 'neuron' }, count: 200 });
    expect(parseGroups('200', 200)).toEqual({ ok: true, spec: { kind: 'neuron' }, count: 200 });
    expect(parseGroups('40', 200)).toEqual({ ok: true, spec: { kind: 'random', count: 40 }, count: 40 });
    expect(parseGroups('0', 200).ok).toBe(false);
    expect(parseGroups('201', 200)).toEqual({ ok: false, message: 'At most N = 200 groups.' });
    expect(parseGroups('4.5', 200).ok).toBe(false);
  });
});

describe('training request', () => {
  it('the default form (the paper settings) gives a request the contract accepts', () => {
    const { request, problems } = buildTrainingRequest(defaultTrainForm(), network, target);
    expect(problems).toEqual({});
    expect(request).not.toBeNull();
    const parsed = trainingRequestSchema.parse(request);
    // the paper: 10 independent sessions of 5 000 trials, σ = 0.001, α = 0.3, neuron-specific gains
    expect(parsed).toMatchObject({ rule: 'reward', trials: 5000, sigma: 0.001, alpha: 0.3, sessions: 10, groups: { kind: 'neuron' }, trainable: 'gains' });
    // named by id: main resolves them from the project it owns and keeps the run there
    expect(parsed.source).toEqual({ kind: 'project', networkId: 'net', targetIds: ['novel'] });
    expect(request!.label).toBe('Reward rule · G = N · Novel · seed 1 · 10 sessions');
  });

  it('names every field that is wrong and builds nothing', () => {
    const fields = { ...defaultTrainForm(), trials: 0, sigma: -1, alpha: 1.5, groups: 'x', seed: 1.5, sessions: 101 };
    const { request, problems } = buildTrainingRequest(fields, network, target);
    expect(request).toBeNull();
    expect(Object.keys(problems).sort()).toEqual(['alpha', 'groups', 'seed', 'sessions', 'sigma', 'trials']);
    expect(problems.trials).toBe('Trials must be a whole number from 1 to 1 000 000, got 0.');
  });

  it('refuses σ = 1e300 in the form with the sentence main and the CLI use (issue 14), and accepts the paper values', () => {
    const huge = buildTrainingRequest({ ...defaultTrainForm(), sigma: 1e300 }, network, target);
    expect(huge.request).toBeNull();
    expect(huge.problems.sigma).toBe('σ (reward noise) must be more than 0 and at most 1, got 1e+300.');
    // main's validation (the contract) refuses the same request with the same sentence
    const asRequest = { ...buildTrainingRequest(defaultTrainForm(), network, target).request!, sigma: 1e300 };
    const parsed = trainingRequestSchema.safeParse(asRequest);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0].message).toBe(huge.problems.sigma);
    // α = 1 freezes the baseline (the model throws); the paper's values and the slow tasks' σ pass
    expect(buildTrainingRequest({ ...defaultTrainForm(), alpha: 1 }, network, target).problems.alpha).toMatch(/below 1/);
    for (const sigma of [0.001, 0.003, 1]) expect(buildTrainingRequest({ ...defaultTrainForm(), sigma }, network, target).request).not.toBeNull();
    for (const trials of [200, 2000, 5000, 1_000_000]) expect(buildTrainingRequest({ ...defaultTrainForm(), trials }, network, target).request).not.toBeNull();
  });

  it('checks the learning rate, not σ and α, for the gradient rule', () => {
    const fields = { ...defaultTrainForm(), rule: 'gradient' as const, trials: 300, sigma: -1, learningRate: 0 };
    const { problems } = buildTrainingRequest(fields, network, target);
    expect(Object.keys(problems)).toEqual(['learningRate']);
  });

  it('asks for one session with the gradient rule (it is deterministic from g = 1)', () => {
    const fields = { ...defaultTrainForm(), rule: 'gradient' as const, trials: 300, sessions: 5 };
    const { request } = buildTrainingRequest(fields, network, target);
    expect(request?.sessions).toBe(1);
    expect(request?.label).toBe('Gradient (Adam) · G = N · Novel · seed 1');
  });

  it('trains x0, W or a rank-1 change with the gradient rule only, and refuses groups for them', () => {
    const fields = { ...defaultTrainForm(), rule: 'gradient' as const, trials: 50, trainable: 'rank1' as const };
    const { request } = buildTrainingRequest(fields, network, target);
    expect(trainingRequestSchema.parse(request).trainable).toBe('rank1');
    expect(request?.label).toBe('Gradient (Adam) on rank1 · G = N · Novel · seed 1');
    const grouped = buildTrainingRequest({ ...fields, groups: '2' }, network, target);
    expect(grouped.request).toBeNull();
    expect(grouped.problems.groups).toMatch(/gains only/);
    // the reward rule always trains gains, whatever the (hidden) gradient choice says
    expect(buildTrainingRequest({ ...defaultTrainForm(), trainable: 'W' }, network, target).request?.trainable).toBe('gains');
  });

  it('specialised groups name the chosen runs; main clusters the neurons by their gain changes on them', () => {
    const learned = [
      { id: 'run-a', name: 'A' },
      { id: 'run-b', name: 'B' },
      { id: 'run-c', name: 'C (not chosen)' },
    ];
    const fields = { ...defaultTrainForm(), groups: '2', groupKind: 'specialised' as const, specialisedFrom: ['run-a', 'run-b'] };
    const { request, problems } = buildTrainingRequest(fields, network, target, learned);
    expect(problems).toEqual({});
    const parsed = trainingRequestSchema.parse(request);
    expect(parsed.groups).toEqual({ kind: 'specialised', count: 2, runIds: ['run-a', 'run-b'] });
    expect(request?.label).toContain('G = 2 specialised');

    // in main: neurons 0–2 went up on both movements, neurons 3–5 down: two groups split them so
    const up = Float64Array.from([1.3, 1.31, 1.29, 0.7, 0.71, 0.69]);
    const alsoUp = Float64Array.from([1.2, 1.21, 1.19, 0.8, 0.79, 0.81]);
    const project = createEmptyProject('p', new Date(0), 'p');
    project.networks.push({ id: 'net', name: 'tiny', n, nE: 3, W: new Float64Array(n * n), initialConditions: new Float64Array(n), nInitialConditions: 1, readout: null, params: { tau: 200, r0: 20, rmax: 100, duration: 500, nSamples: 10, gainFunction: 'tanh' }, seed: null, soc: null, origin: 'x', createdAt: 'x' });
    const run = (id: string, gains: Float64Array) => ({
      id, name: id, notes: '', purpose: 'train' as const, networkId: 'net', targetIds: ['novel'], initialConditionIndices: [0], rule: 'reward' as const, settings: {}, seed: 1, initialError: 1, groupLabels: null,
      sessions: [{ session: 0, seed: 1, bestError: 0.1, bestTrial: 1, trialsRun: 1, errorCurve: new Float64Array(2), bestGains: gains, output: null }],
      status: 'done' as const, startedAt: null, finishedAt: null,
    });
    project.runs.push(run('run-a', up), run('run-b', alsoUp), run('run-c', Float64Array.from([1, 2, 1, 2, 1, 2])));
    const labels = resolveTrainingGroups(project, parsed);
    expect(labels).toEqual({ kind: 'explicit', labels: [0, 0, 0, 1, 1, 1] });
    // exactly the model's specialisedGroups of g − 1 on the chosen runs, seeded by the run's seed
    expect(labels).toEqual({ kind: 'explicit', labels: Array.from(specialisedGroups([up, alsoUp].map((g) => g.map((x) => x - 1)), 2, parsed.seed)) });
    const none = buildTrainingRequest({ ...fields, specialisedFrom: [] }, network, target, learned);
    expect(none.request).toBeNull();
    expect(none.problems.specialisedFrom).toMatch(/at least one/);
    // random groups ignore the chosen runs
    expect(buildTrainingRequest({ ...fields, groupKind: 'random' }, network, target, learned).request?.groups).toEqual({ kind: 'random', count: 2 });
  });

  it('asks for a network and a target when they are missing', () => {
    const { problems } = buildTrainingRequest(defaultTrainForm(), null, null);
    expect(problems.network).toMatch(/network/);
    expect(problems.target).toMatch(/target/);
  });

  it('names a target the network cannot be trained on: other channels, another time step, no readout', () => {
    expect(buildTrainingRequest(defaultTrainForm(), network, { ...target, channels: 2 }).problems.target).toMatch(/2 channel\(s\); the network reads out 1/);
    expect(buildTrainingRequest(defaultTrainForm(), network, { ...target, nSamples: 7 }).problems.target).toMatch(/time step differs/);
    // a slow variant (same step, s·T) is fine
    expect(buildTrainingRequest(defaultTrainForm(), network, { ...target, nSamples: 19, duration: 1000 }).problems).toEqual({});
    expect(buildTrainingRequest(defaultTrainForm(), { ...network, readout: null }, target).problems.network).toMatch(/no readout/);
  });
});

describe('target mismatch: the workspace explains exactly what main refuses', () => {
  it('agrees with tasks/training.ts paramsForTarget on every shape of target', () => {
    const net = { readout: { channels: 2, weights: new Float64Array(2 * 200) }, params: DEFAULT_DYNAMICS };
    let refused = 0;
    for (const channels of [1, 2, 3]) {
      for (const nSamples of [1, 2, 100, 199, 200, 398, 399, 996]) {
        for (const duration of [250, 500, 1000, 1000.0000001, 2500]) {
          const shape = { name: 'drawn', channels, nSamples, duration };
          let mainRefuses = false;
          try {
            paramsForTarget(net, shape);
          } catch {
            mainRefuses = true;
          }
          const words = targetMismatch(net, shape);
          expect(words !== null, `${channels} × ${nSamples} over ${duration} ms`).toBe(mainRefuses);
          if (mainRefuses) refused++;
        }
      }
    }
    // both kinds occur: of 120 shapes, 4 fit (2 channels): the network's own grid, the slow variants
    // ×2 and ×5, and ×2 with its duration off by 1e-10 (relative), within the step tolerance of 1e-9
    expect(refused).toBe(120 - 4);
  });
});

describe('docs/SETTINGS.md', () => {
  it('documents every range exactly as settingsRanges.ts declares it', async () => {
    const { readFileSync } = await import('node:fs');
    const { SETTING_RANGES, rangeText } = await import('../../src-shared/settingsRanges.js');
    const doc = readFileSync(new URL('../../docs/SETTINGS.md', import.meta.url), 'utf8');
    for (const [key, range] of Object.entries(SETTING_RANGES)) {
      expect(doc, key).toContain(`| ${range.name} | \`${key}\` | ${rangeText(range)}${range.unit ? ` (${range.unit})` : ''} | ${range.why} |`);
    }
  });
});
