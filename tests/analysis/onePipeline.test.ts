/**
 * One analysis pipeline: `gainlab experiment fig1` and the app's Analyses view (the computation its
 * Web Worker runs, src-renderer/components/analysis/runAnalysis.ts) report identical numbers for
 * the same run — same analyses, same SD convention, same noise streams.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run as experimentCommand } from '../../src-cli/commands/experiment.js';
import { parseNpy } from '../../src-shared/formats/npy.js';
import { socNetwork } from '../../src-shared/experiments/support.js';
import { analyseRun, noisyX0Curve } from '../../src-renderer/components/analysis/runAnalysis.js';
import type { NetworkPayload } from '../../src-shared/ipc/contract.js';

const out = mkdtempSync(path.join(tmpdir(), 'gainlab-one-pipeline-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('the Analyses view and gainlab experiment fig1 agree', () => {
  it('every number of the same run is identical', async () => {
    const seed = 3;
    const code = await experimentCommand(['fig1', '--quick', '--seed', String(seed), '--sessions', '3', '--trials', '80', '--noise-samples', '6', '--out', out], {
      stdout: { write: () => true },
      stderr: { write: () => true },
    });
    expect(code).toBe(0);
    const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8'));
    const npy = (name: string) => parseNpy(new Uint8Array(readFileSync(path.join(out, `${name}.npy`))));
    const gains = npy('best_gains');
    const target = npy('target').data;
    // The view gets the run as the app holds it: the network payload, the target and each session's best gains and error.
    const prepared = socNetwork(40, seed);
    const network: NetworkPayload = { id: 'net', name: 'net', ...prepared.network, params: prepared.params };
    const n = network.n;
    const sessions = (summary.finalErrors as number[]).map((bestError, k) => ({ bestGains: gains.data.slice(k * n, (k + 1) * n), bestError }));
    const input = { network, target, initialError: summary.initialError as number, sessions };
    const view = analyseRun(input);
    const noisy = noisyX0Curve({ ...input, snrDb: summary.noise.snrDb, draws: summary.noise.samples, runSeed: seed });

    expect(view.abscissaBefore).toBe(summary.spectralAbscissaWdiagG.before);
    expect(view.abscissaAfter).toEqual(summary.spectralAbscissaWdiagG.after);
    expect(view.meanRateTargetBefore).toBe(summary.rateTargetCorrelation.meanBefore);
    expect(view.meanRateTargetAfter).toEqual(summary.rateTargetCorrelation.meanAfter);
    expect(view.wilcoxon.pValue).toBe(summary.rateTargetCorrelation.wilcoxon.pValue);
    expect(view.exampleNeuron.index).toBe(summary.rateTargetCorrelation.exampleNeuron.index);
    expect({ mu: view.gainFit.mean, sigma: view.gainFit.sd }).toEqual({ mu: summary.gainFit.mu, sigma: summary.gainFit.sigma });
    expect(view.gainPositivity).toEqual(summary.gainPositivity);
    expect(noisy.seed).toBe(summary.noise.seed);
    expect(noisy.before.map((v) => v.mean)).toEqual(summary.noise.gains1.mean);
    expect(noisy.before.map((v) => v.sd)).toEqual(summary.noise.gains1.sd);
    expect(noisy.after.map((v) => v.mean)).toEqual(summary.noise.trained.mean);
    expect(noisy.after.map((v) => v.sd)).toEqual(summary.noise.trained.sd);
  }, 120_000);
});
