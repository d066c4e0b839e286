/**
 * What a result says it departs from the paper by is what the run did (src-shared/experiments/setup.ts
 * `settingsAsRun`, src-shared/experiments/primitivesShared.ts `poolDepartures`):
 * - a quick run on a given network (the published one, a project's, `gainlab experiment --net`) is
 *   that network's size, not the quick preset's N = 40 — before, fig1 --quick --net on the
 *   published network (N = 200) said "network size 40 (paper 200)" and its summary.json settings.n = 40;
 * - a pool (Fig. 4, Supp. Figs. 3–4) or refinement learned by Adam names its iterations and
 *   learning rate — before, quick said "pool trials 0 (paper 5000)", as if the pool was never trained;
 * - the own network's size n is not offered with a given network (src-shared/experiments/catalog.ts
 *   `overridesFor`, the Experiments view's form) and is refused in one line when sent anyway (the
 *   app's request, `gainlab experiment --net DIR --n N`): before, it was silently ignored.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runFig1 } from '../../src-shared/experiments/fig1.js';
import { runSupp1f } from '../../src-shared/experiments/supp1f.js';
import { runSupp3 } from '../../src-shared/experiments/supp3.js';
import { runFig4 } from '../../src-shared/experiments/fig4.js';
import { socNetwork } from '../../src-shared/experiments/support.js';
import type { SetupSummary } from '../../src-shared/experiments/setup.js';
import { checkExperimentOptions, overridesFor } from '../../src-shared/experiments/catalog.js';
import { encodeNpy } from '../../src-shared/formats/npy.js';
import { runCli } from '../helpers/cli.js';

const setupOf = (summary: Record<string, unknown>) => summary.setup as SetupSummary;

// a given network of 30 neurons: neither the quick preset's 40 nor the paper's 200
const given = socNetwork(30, 4).network;

describe('departures name the run as it ran', () => {
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

describe('the own network size with a given network', () => {
  const refusal = "fig1: n sizes GainLab's own SOC network; a given network runs at its own size (leave n out)";

  it('is not offered, and the app’s request with a project network and n is refused in one line', () => {
    expect(overridesFor('fig1', false)).toContain('n');
    expect(overridesFor('fig1', true)).not.toContain('n');
    expect(overridesFor('fig1', true)).toContain('trials');
    expect(() => checkExperimentOptions({ experiment: 'fig1', quick: true, seed: 1, networkId: 'net-1', overrides: { n: 100 } })).toThrow(refusal);
    expect(() => checkExperimentOptions({ experiment: 'fig1', quick: true, seed: 1, overrides: { n: 100 } })).not.toThrow();
  });

  it('gainlab experiment --net DIR --n N: one line, exit code 2', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gainlab-net-'));
    try {
      writeFileSync(path.join(dir, 'W.npy'), encodeNpy(given.W, [given.n, given.n]));
      writeFileSync(path.join(dir, 'x0.npy'), encodeNpy(given.x0, [given.n]));
      writeFileSync(path.join(dir, 'readout.npy'), encodeNpy(given.readout.weights, [given.readout.weights.length]));
      const r = await runCli(dir, ['experiment', 'fig1', '--quick', '--net', '.', '--n', '100', '--out', 'out']);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(`gainlab experiment: ${refusal}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
