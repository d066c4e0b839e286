/**
 * A run resumed from its checkpoint (the reproduction report's parts keep their finished steps:
 * src-shared/reproduce/parts.ts hands the store to runExperimentByName) moves its progress bar as
 * far as the work it takes from the checkpoint. The bar (experimentProgressEstimator in
 * src-shared/experiments/catalog.ts) counts the steps a definition begins; a step taken whole from
 * the checkpoint used to say nothing (its message was inside the computation the checkpoint
 * skips), so every such step left the bar a step behind through the rest of the run: Fig. 6
 * resumed in its speed manifold after its first speed stood at 19 % where the work done was 57 %.
 * Such steps now begin and end at once (checkpointedStep in src-shared/experiments/support.ts).
 */
import { describe, expect, it } from 'vitest';
import { experimentProgressEstimator, runExperimentByName } from '../../src-shared/experiments/catalog.js';
import type { ExperimentCheckpoint, StepProgress } from '../../src-shared/experiments/support.js';
import type { ExperimentOptions } from '../../src-shared/ipc/experimentContract.js';

interface Report {
  message: string;
  fraction: number | null;
  percent: number;
}

function memoryCheckpoint(): ExperimentCheckpoint & { keys: () => string[] } {
  const kept = new Map<string, unknown>();
  return { load: (key) => kept.get(key), save: (key, value) => void kept.set(key, value), keys: () => [...kept.keys()] };
}

/** A run's reports with the bar's percent; `stopAfter` stops the run once a report says it. */
function reportsOf(options: ExperimentOptions, checkpoint: ExperimentCheckpoint, stopAfter?: (report: Report) => boolean): Report[] {
  const estimate = experimentProgressEstimator(options);
  const reports: Report[] = [];
  let stop = false;
  const run = () =>
    runExperimentByName({
      options,
      inputs: { checkpoint },
      onProgress: (message: string, step?: StepProgress) => {
        const report = { message, fraction: step?.fraction ?? null, percent: estimate(step) };
        reports.push(report);
        if (stopAfter?.(report)) stop = true;
      },
      shouldStop: () => stop,
    });
  if (stopAfter) {
    // stopped part-way, a definition may have nothing to draw yet (fig6 throws then)
    try {
      run();
    } catch {
      // what was finished is in the checkpoint
    }
  } else run();
  return reports;
}

function expectNonDecreasing(reports: readonly Report[]): void {
  for (let k = 1; k < reports.length; k++) expect(reports[k].percent, `${reports[k].message} after ${reports[k - 1].message}`).toBeGreaterThanOrEqual(reports[k - 1].percent);
}

/**
 * Each step of `resumed` begins where it begins in an uninterrupted run, and each report within a
 * step that the uninterrupted run made too (the same words and share) stands where it stood there
 * (a kept step's end, 'done' at once, may have no such twin: the pool reports its patterns instead).
 */
function expectSameBar(resumed: readonly Report[], uninterrupted: readonly Report[]): void {
  const begins = (reports: readonly Report[]) => reports.filter((r) => r.fraction === null);
  expect(begins(resumed).map((r) => r.message)).toEqual(begins(uninterrupted).map((r) => r.message));
  begins(resumed).forEach((r, k) => expect(r.percent, r.message).toBeCloseTo(begins(uninterrupted)[k].percent, 9));
  for (const report of resumed) {
    const same = uninterrupted.find((u) => u.message === report.message && u.fraction === report.fraction);
    if (same) expect(report.percent, `${report.message} [${report.fraction}]`).toBeCloseTo(same.percent, 9);
  }
}

describe('a run resumed from its checkpoint', () => {
  it('fig6 stopped after its first speed: resumed, the bar starts the manifold at the share already done and never steps back', () => {
    const speeds = 3;
    const options: ExperimentOptions = { experiment: 'fig6', quick: true, seed: 1, overrides: { speeds, trials: 20, iterations: 3 } };
    const manifold = (r: Report) => r.message.startsWith('learning patterns at factors');
    const uninterrupted = reportsOf(options, memoryCheckpoint());
    const checkpoint = memoryCheckpoint();
    // stopped once the first speed is learned (and kept)
    reportsOf(options, checkpoint, (r) => manifold(r) && r.fraction !== null && r.fraction > 0);
    expect(checkpoint.keys().filter((key) => key.startsWith('fig6:manifold')).length, 'speeds kept').toBe(1);
    expect(checkpoint.keys().filter((key) => key.startsWith('fig6:6')).length, '6b and 6c kept').toBe(2);
    const resumed = reportsOf(options, checkpoint);
    expectNonDecreasing(resumed);
    // kept: the network's step, 6b, 6c (one step each) and one of the manifold's `speeds` steps'
    // worth (catalog.ts: fig6's steps weigh 1, 1, 1, speeds, 1), within the manifold's report
    // resolution (beginStep: 1 % of its step)
    const weights = 1 + 1 + 1 + speeds + 1;
    const keptShare = (100 * (3 + 1)) / weights;
    const firstInManifold = resumed.find((r) => manifold(r) && r.fraction !== null)!;
    expect(firstInManifold.percent).toBeGreaterThanOrEqual(keptShare - speeds / weights);
    // the steps before stand where they stand in an uninterrupted run, so does every later report
    expectSameBar(resumed, uninterrupted);
    expect(resumed.at(-1)!.message).toBe('interpolation and stretch factors');
    expect(resumed.at(-1)!.percent).toBeCloseTo(uninterrupted.at(-1)!.percent, 9);
  });

  it('supp3 with its learned pool and its sizes kept: the bar stands where an uninterrupted run’s does at every step', () => {
    const options: ExperimentOptions = { experiment: 'supp3', quick: true, seed: 1, overrides: { n: 20, pool: 11, rule: 'reward', trials: 200, librarySizes: [1, 2], libraries: 1, targets: 1 } };
    const uninterrupted = reportsOf(options, memoryCheckpoint());
    const checkpoint = memoryCheckpoint();
    // stopped as the random control's first size begins (the learned pool and its two sizes kept)
    reportsOf(options, checkpoint, (r) => r.message.startsWith('random') && r.fraction === null);
    expect(checkpoint.keys().filter((key) => key.startsWith('pool:')).length).toBe(1);
    const resumed = reportsOf(options, checkpoint);
    expectNonDecreasing(resumed);
    // every step begun (the kept ones too) where it begins in an uninterrupted run
    expectSameBar(resumed, uninterrupted);
    expect(resumed.filter((r) => r.fraction === null).length).toBe(8);
  });
});
