/**
 * The experiments' progress bar comes from data, not from the words of the progress messages.
 * Before, src-shared/experiments/catalog.ts experimentProgressEstimator read the percent back out
 * of the text (a regular expression for the pool's 'patterns 1–10 of 100, trial 300/2000', another
 * for fig1's 'trial 300/2000'), so rewording a message, or writing its numbers another way, left
 * the bar standing. Now a definition hands each message's share of its step beside it
 * (StepProgress in src-shared/experiments/support.ts; the pool's in
 * src-shared/experiments/primitivesShared.ts, fig1's trials in src-shared/experiments/fig1.ts)
 * and the estimator reads only that. The worker's experiment task (src-shared/tasks/experiment.ts
 * runExperimentTask, what the app's Experiments view runs as a job) is checked end to end: the
 * percent it reports rises without a step back and stands near 100 % when the last step begins.
 * Step counts that did not match what fig6 and supp3 announce (the bar jumped from 50 % or 87 % to
 * done) are checked here too, and the reproduction report (src-shared/reproduce/run.ts,
 * src-shared/reproduce/parts.ts), whose bar stood still through each part, now moves within an
 * experiment's part by the same estimate. Long steps report their way through with their own
 * words (beginStep in src-shared/experiments/support.ts): Fig. 6's speeds
 * (src-shared/experiments/fig6.ts) and Supp. 2's sessions × trials (src-shared/experiments/supp2.ts),
 * and the slow tasks of Fig. 6b–c and Supp. 5 (src-shared/speed/slowTask.ts, src-shared/experiments/supp5.ts),
 * held the bar at the step's start for the whole step (hours in full mode); `gainlab experiment`
 * (src-cli/commands/experiment.ts) still prints one line per step.
 */
import { describe, expect, it } from 'vitest';
import { experimentProgressEstimator, runExperimentByName } from '../../src-shared/experiments/catalog.js';
import type { StepProgress } from '../../src-shared/experiments/support.js';
import type { ExperimentOptions } from '../../src-shared/ipc/experimentContract.js';
import { contextWith } from '../../src-shared/tasks/context.js';
import { runExperimentTask } from '../../src-shared/tasks/experiment.js';
import { runReproduction } from '../../src-shared/reproduce/run.js';

/** Every (message, percent) the experiment task reported through its context, in order. */
function taskProgress(options: ExperimentOptions): Array<{ message: string; percent: number }> {
  const out: Array<{ message: string; percent: number }> = [];
  runExperimentTask({ options, network: null, target: null }, contextWith({ message: (message, percent) => void out.push({ message, percent: percent ?? NaN }) }));
  return out;
}

function expectNonDecreasing(percents: readonly number[]): void {
  for (let k = 1; k < percents.length; k++) expect(percents[k], `report ${k}`).toBeGreaterThanOrEqual(percents[k - 1]);
}

// supp3 on an own network of 20 neurons with two reward-rule pools of 11 patterns (the learned one
// and r0 = 5 Hz; each two batches, patterns 1–10 and pattern 11, reported every 100 of their 200 trials),
// sizes 1 and 2
const SUPP3: ExperimentOptions = { experiment: 'supp3', quick: true, seed: 1, overrides: { n: 20, pool: 11, rule: 'reward', trials: 200, librarySizes: [1, 2], libraries: 1, targets: 1 } };
/** What supp3 announces: the learned pool, its 2 sizes, the random control's 2, the r0 = 5 Hz pool and its 2. */
const SUPP3_STEPS = 8;

describe('the experiments’ progress bar comes from data beside the messages', () => {
  it('the pool moves the bar through its step from the data alone, whatever its messages say', () => {
    const estimate = experimentProgressEstimator(SUPP3);
    const reports: Array<{ reworded: string; step?: StepProgress; percent: number }> = [];
    runExperimentByName({
      options: SUPP3,
      // a consumer free to word the messages its own way (another language, a hyphen for the en dash):
      // the bar is the same, as the estimator is handed the step, never the words
      onProgress: (message, step) => reports.push({ reworded: message.replace(/patterns?/, 'Muster').replace('–', '-').replace(' of ', ' von '), step, percent: estimate(step) }),
    });
    expectNonDecreasing(reports.map((r) => r.percent));
    const share = 100 / SUPP3_STEPS;
    const firstPool = reports.slice(1, reports.findIndex((r, k) => k > 0 && !r.step));
    // each batch's reports: the bar climbs through the pool's step to its end
    expect(firstPool.map((r) => r.reworded)).toEqual([
      'learned: Muster 1-10 von 11, trial 100/200',
      'learned: Muster 1-10 von 11, trial 200/200',
      'learned: Muster 11 von 11, trial 100/200',
      'learned: Muster 11 von 11, trial 200/200',
    ]);
    expect(new Set(firstPool.map((r) => r.percent)).size).toBe(firstPool.length);
    // 10 of 11 patterns half way: 5/11 of the pool's step; all 10: 10/11
    expect(firstPool[0].percent).toBeCloseTo((share * 5) / 11, 9);
    expect(firstPool[1].percent).toBeCloseTo((share * 10) / 11, 9);
    expect(firstPool.at(-1)!.percent).toBeCloseTo(share, 9);
    // the second pool (r0 = 5 Hz) fills the 6th step the same way
    const secondPoolEnd = reports.findLastIndex((r) => r.step);
    expect(reports[secondPoolEnd].percent).toBeCloseTo(6 * share, 9);
    expect(reports.filter((r) => !r.step)).toHaveLength(SUPP3_STEPS);
  });

  it('supp3 through the worker’s task: a bar without a step back that stands at 7/8 when its last step begins, then 100 %', () => {
    const progress = taskProgress(SUPP3);
    expectNonDecreasing(progress.map((p) => p.percent));
    expect(progress[0].percent).toBe(0);
    expect(progress.at(-1)).toEqual({ message: 'done', percent: 100 });
    const lastStep = progress.at(-2)!;
    expect(lastStep.message).toBe('r0_5Hz: l = 2, 1 libraries × 1 targets');
    expect(lastStep.percent).toBeCloseTo((100 * (SUPP3_STEPS - 1)) / SUPP3_STEPS, 9);
    // within each pool's step the bar rises with every report of the pool
    for (const label of ['learned: ', 'r0 = 5 Hz: ']) {
      const pool = progress.filter((p) => p.message.startsWith(label) && p.message.includes('pattern'));
      expect(pool).toHaveLength(1 + 4);
      for (let k = 1; k < pool.length; k++) expect(pool[k].percent, pool[k].message).toBeGreaterThan(pool[k - 1].percent);
    }
  });

  it('fig1 through the worker’s task: its trials carry the reward rule’s share, most of the bar', () => {
    const progress = taskProgress({ experiment: 'fig1', quick: true, seed: 1, overrides: { sessions: 2, trials: 200, noiseSamples: 2 } });
    expectNonDecreasing(progress.map((p) => p.percent));
    const trials = progress.filter((p) => /^trial \d+\/200:/.test(p.message));
    expect(trials.length).toBeGreaterThanOrEqual(10);
    expect(new Set(trials.map((p) => p.percent)).size).toBe(trials.length);
    // from near the start to the reward rule's end: at least 60 points of the bar for the trials alone
    expect(trials.at(-1)!.percent - progress[0].percent).toBeGreaterThanOrEqual(60);
    expect(progress.at(-2)!.percent).toBeGreaterThanOrEqual(80);
    expect(progress.at(-1)).toEqual({ message: 'done', percent: 100 });
  });

  it('fig6 through the worker’s task: its five steps end near 100 %, not at half', () => {
    const progress = taskProgress({ experiment: 'fig6', quick: true, seed: 1, overrides: { speeds: 2, trials: 20, iterations: 3 } });
    expectNonDecreasing(progress.map((p) => p.percent));
    expect(progress.map((p) => p.message).slice(-2)).toEqual(['interpolation and stretch factors', 'done']);
    expect(progress.at(-2)!.percent).toBeGreaterThanOrEqual(80);
  });

  it('fig6’s speeds and slow variant, supp2’s sessions × trials and supp5’s tasks move the bar within their step, under the step’s own words', () => {
    const fig6 = taskProgress({ experiment: 'fig6', quick: true, seed: 1, overrides: { speeds: 3, trials: 20, iterations: 4 } });
    expectNonDecreasing(fig6.map((p) => p.percent));
    const speeds = fig6.filter((p) => p.message.startsWith('learning patterns at factors'));
    // the step's start, then its way through: each speed's iterations, the last at the step's end
    expect(speeds.length).toBeGreaterThanOrEqual(4);
    expect(new Set(speeds.map((p) => p.percent)).size).toBe(speeds.length);
    const next = fig6[fig6.indexOf(speeds.at(-1)!) + 1];
    expect(speeds.at(-1)!.percent).toBeCloseTo(next.percent, 9);
    expect(speeds.at(-1)!.percent - speeds[0].percent).toBeGreaterThan(20);
    // Fig. 6b's reward rule on the slow variant: the step's line again with every twentieth of its trials
    const slowReward = fig6.filter((p) => p.message.startsWith('Fig. 6b: '));
    expect(slowReward.length).toBeGreaterThanOrEqual(10);
    expect(new Set(slowReward.map((p) => p.percent)).size).toBe(slowReward.length);

    // Supp. 5's tasks (the reward rule on a slow movement) the same way
    const supp5 = taskProgress({ experiment: 'supp5', quick: true, seed: 1, overrides: { trials: 40, iterations: 3, sessions: 1, movements: 1, conditionSweep: [1] } });
    expectNonDecreasing(supp5.map((p) => p.percent));
    const task = supp5.filter((p) => p.message === supp5.find((q) => / reward: 1 sessions$/.test(q.message))?.message);
    expect(task.length).toBeGreaterThanOrEqual(10);
    expect(new Set(task.map((p) => p.percent)).size).toBe(task.length);
    expect(supp5.at(-1)).toEqual({ message: 'done', percent: 100 });

    const supp2 = taskProgress({ experiment: 'supp2', quick: true, seed: 1, overrides: { trials: 60 } });
    expectNonDecreasing(supp2.map((p) => p.percent));
    const first = supp2.find((p) => / sessions × 60 trials$/.test(p.message))!;
    const step = supp2.filter((p) => p.message === first.message);
    // every 3 of its 60 trials (the sessions' progress every twentieth), each a new percent
    expect(step.length).toBeGreaterThanOrEqual(10);
    expect(new Set(step.map((p) => p.percent)).size).toBe(step.length);
    expect(supp2.at(-1)).toEqual({ message: 'done', percent: 100 });
  });

  it('the reproduction report’s bar moves through an experiment’s part instead of standing at its start', () => {
    const files = new Map<string, string>();
    const reports: Array<{ part: string; message: string; percent: number }> = [];
    runReproduction({
      mode: 'quick',
      seed: 1,
      published: null,
      store: { read: (name) => files.get(name), write: (name, text) => void files.set(name, text) },
      environment: { version: 'test', machine: 'test machine', runtime: 'test' },
      renderSvg: (f) => `<svg xmlns="http://www.w3.org/2000/svg"><text>${f.name}</text></svg>`,
      only: ['fig4'],
      onProgress: (p) => reports.push({ part: p.part, message: p.message, percent: p.percent }),
    });
    const fig4 = reports.filter((r) => r.part === 'fig4');
    expectNonDecreasing(fig4.map((r) => r.percent));
    // nothing before it was run: the part starts the bar at 0
    expect(fig4[0]).toEqual({ part: 'fig4', message: expect.stringMatching(/^starting: /), percent: 0 });
    // the same definition run alone: its estimate at each of its messages
    const options: ExperimentOptions = { experiment: 'fig4', quick: true, seed: 1 };
    const estimate = experimentProgressEstimator(options);
    const alone = new Map<string, number>();
    runExperimentByName({ options, onProgress: (message, step) => alone.set(message, estimate(step)) });
    const within = fig4.slice(1);
    expect(within.map((r) => r.message)).toEqual([...alone.keys()]);
    // the report's bar is the part's share of it times the definition's own estimate: one constant share throughout
    const last = within.at(-1)!;
    const share = last.percent / alone.get(last.message)!;
    expect(share).toBeGreaterThan(0);
    for (const r of within) expect(r.percent, r.message).toBeCloseTo(share * alone.get(r.message)!, 9);
    expect(new Set(within.map((r) => r.percent)).size).toBeGreaterThanOrEqual(9);
  });
});
