/**
 * What a result says it departs from the paper by is what the run did (src-shared/experiments/setup.ts
 * `settingsAsRun`, src-shared/experiments/primitivesShared.ts `poolDepartures`):
 * - a quick run on a given network (the published one, a project's, `gainlab experiment --net`) is
 *   that network's size, not the quick preset's N = 40 — before, fig1 --quick --net on the
 *   published network (N = 200) said "network size 40 (paper 200)" and its summary.json settings.n = 40;
 * - a pool (Fig. 4, Supp. Figs. 3–4) or refinement learned by Adam names its iterations and
 *   learning rate — before, quick said "pool trials 0 (paper 5000)", as if the pool was never trained.
 */
import { describe, expect, it } from 'vitest';
import { runFig1 } from '../../src-shared/experiments/fig1.js';
import { runSupp1f } from '../../src-shared/experiments/supp1f.js';
import { runSupp3 } from '../../src-shared/experiments/supp3.js';
import { runFig4 } from '../../src-shared/experiments/fig4.js';
import { socNetwork } from '../../src-shared/experiments/support.js';
import type { SetupSummary } from '../../src-shared/experiments/setup.js';

const setupOf = (summary: Record<string, unknown>) => summary.setup as SetupSummary;

describe('departures name the run as it ran', () => {
  // a given network of 30 neurons: neither the quick preset's 40 nor the paper's 200
  const given = socNetwork(30, 4).network;

  it('a quick fig1 and supp1f on a given network state its size', () => {
    const fig1 = runFig1({ quick: true, seed: 1, network: given, sessions: 1, trials: 10, noiseSamples: 2 });
    expect(fig1.summary.n).toBe(30);
    expect(setupOf(fig1.summary).departures).toContain('network size 30 (paper 200)');
    expect(setupOf(fig1.summary).departures.join('; ')).not.toContain('network size 40');
    expect((fig1.summary.settings as { n: number }).n).toBe(30);
    const supp1f = runSupp1f({ quick: true, seed: 1, network: given, targets: 1, iterations: 2 });
    expect(setupOf(supp1f.summary).departures).toContain('network size 30 (paper 200)');
    expect((supp1f.summary.settings as { n: number }).n).toBe(30);
  });

  it('without a given network the preset size is the one built and stated', () => {
    const fig1 = runFig1({ quick: true, seed: 1, sessions: 1, trials: 10, noiseSamples: 2 });
    expect(setupOf(fig1.summary).departures).toContain('network size 40 (paper 200)');
  });

  it('an Adam pool and refinement name their iterations, not "0 trials"', () => {
    const supp3 = runSupp3({ quick: true, seed: 1, network: given, settings: { pool: 2, sizes: [1], libraries: 1, novelTargets: 1, lowRateSizes: [1], iterations: 2 } });
    const d3 = setupOf(supp3.summary).departures;
    expect(d3).toContain('pool learned by Adam (2 iterations, learning rate 0.05) (paper: the reward rule (5000 trials, σ = 0.001))');
    expect(d3.join('; ')).not.toMatch(/pool trials|pool rule/);
    expect(d3).toContain('network size 30 (paper 200)');

    const fig4 = runFig4({ quick: true, seed: 1, network: given, settings: { pool: 2, sizes: [1], libraries: 1, novelTargets: 1, iterations: 2, refineSize: 1, refineIterations: 2 } });
    const d4 = setupOf(fig4.summary).departures;
    expect(d4).toContain('pool learned by Adam (2 iterations, learning rate 0.05) (paper: the reward rule (5000 trials, σ = 0.001))');
    expect(d4).toContain('refine 2 Adam iterations (paper 5000 reward-rule trials)');
    expect(d4.join('; ')).not.toMatch(/trials 0\b/);

    // a reward pool with fewer trials than the paper's says exactly that
    const reward = runSupp3({ quick: true, seed: 1, network: given, settings: { rule: 'reward', trials: 3, pool: 2, sizes: [1], libraries: 1, novelTargets: 1, lowRateSizes: [1] } });
    expect(setupOf(reward.summary).departures).toContain('pool trials 3 (paper 5000)');
  });
});
