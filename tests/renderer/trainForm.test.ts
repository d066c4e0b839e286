import { describe, expect, it } from 'vitest';
import { trainingRequestSchema, type NetworkPayload, type TargetPayload } from '../../src-shared/ipc/contract.js';
import { buildTrainingRequest, defaultTrainForm, parseGroups } from '../../src-renderer/stores/trainForm.js';

const n = 6;
const network: NetworkPayload = {
  id: 'net',
  name: 'tiny',
  n,
  nE: 3,
  W: new Float64Array(n * n),
  x0: new Float64Array(n).fill(1),
  readout: { channels: 1, weights: new Float64Array(4) },
  params: { tau: 200, r0: 20, rmax: 100, duration: 500, nSamples: 10, gainFunction: 'tanh' },
};
const target: TargetPayload = { id: 'novel', name: 'Novel', channels: 1, nSamples: 10, duration: 500, values: new Float64Array(10) };

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
    expect(parsed.source.kind).toBe('inline');
    expect(request!.label).toBe('Reward rule · G = N · Novel · seed 1 · 10 sessions');
  });

  it('names every field that is wrong and builds nothing', () => {
    const fields = { ...defaultTrainForm(), trials: 0, sigma: -1, alpha: 1.5, groups: 'x', seed: 1.5, sessions: 101 };
    const { request, problems } = buildTrainingRequest(fields, network, target);
    expect(request).toBeNull();
    expect(Object.keys(problems).sort()).toEqual(['alpha', 'groups', 'seed', 'sessions', 'sigma', 'trials']);
    expect(problems.trials).toBe('Trials must be between 1 and 1000000.');
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

  it('specialised groups cluster the neurons by their gain changes on the chosen runs', () => {
    // neurons 0–2 went up on both movements, neurons 3–5 down: two groups must split them so
    const up = Float64Array.from([1.3, 1.31, 1.29, 0.7, 0.71, 0.69]);
    const alsoUp = Float64Array.from([1.2, 1.21, 1.19, 0.8, 0.79, 0.81]);
    const learned = [
      { id: 'run-a', name: 'A', gains: up },
      { id: 'run-b', name: 'B', gains: alsoUp },
      { id: 'run-c', name: 'C (not chosen)', gains: Float64Array.from([1, 2, 1, 2, 1, 2]) },
    ];
    const fields = { ...defaultTrainForm(), groups: '2', groupKind: 'specialised' as const, specialisedFrom: ['run-a', 'run-b'] };
    const { request, problems } = buildTrainingRequest(fields, network, target, learned);
    expect(problems).toEqual({});
    const groups = trainingRequestSchema.parse(request).groups;
    expect(groups).toEqual({ kind: 'explicit', labels: [0, 0, 0, 1, 1, 1] });
    expect(request?.label).toContain('G = 2 specialised');
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

  it('lets the contract reject what the form cannot see (a target of the wrong size)', () => {
    const broken = { ...target, values: new Float64Array(3) };
    const { request, problems } = buildTrainingRequest(defaultTrainForm(), network, broken);
    expect(request).toBeNull();
    expect(problems.network).toMatch(/values/);
  });
});
