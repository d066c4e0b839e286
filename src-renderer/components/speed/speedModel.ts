/**
 * Plain helpers of the speed view (no Vue, no DOM): the form's defaults, the job request, and the
 * SpeedModel the workers simulate, from a job result or a project record.
 */
import type { SpeedRequest, SpeedResult } from '../../../src-shared/ipc/contract.js';
import type { ProjectNetwork, SpeedManifold } from '../../../src-shared/project/schema.js';
import { initialConditionOf } from '../../../src-shared/project/modelViews.js';
import { PAPER_SLOW_FACTOR } from '../../../src-shared/speed/speed.js';
import type { SpeedModel } from '../../workers/speedCompute.js';
import { RULE_BUDGETS } from '../../lib/ruleBudgets.js';

/** The form's defaults (model-spec §10 and the fig6 definition: m = 2, 7 speeds to 5T, 40 groups; Adam 150 × 0.02). */
export function defaultSpeedForm() {
  return {
    // the paper's speed figures (Fig. 6b–f, Supp. Fig. 6) use 2 initial conditions, as does the
    // Fig. 6 experiment (src-shared/experiments/fig6.ts FIG6_SETTINGS); the form offered 3
    m: 2,
    speeds: 7,
    maxFactor: PAPER_SLOW_FACTOR,
    amplitude: 'fixed' as 'fixed' | 'scaled',
    rule: 'gradient' as 'reward' | 'gradient',
    // per speed; the reward rule is offered its own when chosen (src-renderer/lib/ruleBudgets.ts)
    trials: RULE_BUDGETS.speed.gradient as number,
    sigma: 0.001,
    learningRate: 0.02,
    groups: 40,
    seed: 1,
  };
}

/** The request for a network of n neurons (G ≥ n means neuron-specific gains). */
export function speedRequestFor(form: ReturnType<typeof defaultSpeedForm>, networkId: string, n: number): SpeedRequest {
  return {
    networkId,
    initialConditions: form.m,
    speeds: form.speeds,
    maxFactor: form.maxFactor,
    amplitude: form.amplitude,
    rule: form.rule,
    trials: form.trials,
    sigma: form.sigma,
    learningRate: form.learningRate,
    groups: form.groups >= n ? { kind: 'neuron' } : { kind: 'random', count: form.groups },
    seed: form.seed,
  };
}

/** A speed model from a network and a job result or project record. */
export function modelFrom(network: ProjectNetwork, source: { kind: 'job'; result: SpeedResult } | { kind: 'project'; record: SpeedManifold }): SpeedModel {
  if (!network.readout) throw new Error(`network "${network.name}" has no readout`);
  const base = { n: network.n, nE: network.nE, W: network.W, readout: { channels: network.readout.channels, weights: network.readout.weights }, params: { ...network.params } };
  if (source.kind === 'job') {
    const r = source.result;
    return { ...base, x0s: r.initialConditions, m: r.m, factors: [...r.factors], gains: r.gains, amplitudeScaling: r.amplitude === 'scaled', groupLabels: [...r.groupLabels] };
  }
  const record = source.record;
  const x0s = record.initialConditions ? record.initialConditions.data : initialConditionOf(network, 0);
  const m = record.initialConditions ? record.initialConditions.shape[0] : 1;
  const factors = record.factors ?? record.durations.map((d) => d / network.params.duration);
  return { ...base, x0s, m, factors, gains: record.gains.data, amplitudeScaling: record.amplitudeScaling ?? false, groupLabels: record.groupLabels ?? null };
}
