/**
 * The stored run the workspace shows when no job is selected (a reopened project:
 * src-renderer/components/training/storedRun.ts, used by src-renderer/views/WorkspaceView.vue):
 * which run — the newest by when it was made, or the one picked in the runs browser while the
 * project holds it — and what its cards take from it: every session's error curve whole, the
 * source its trained output is simulated from, the trials of the x axis. Its gains card draws the
 * best gains neuron by neuron, E then I (src-renderer/plots/trainingOptions.ts); its trained output,
 * like a job's, is simulated from the initial condition it ran on (src-renderer/stores/simulation.ts).
 */
import { describe, expect, it } from 'vitest';
import type { TrainingRun } from '../../src-shared/project/schema.js';
import { runView } from '../../src-shared/project/view.js';
import { newestStoredRun, requestedTrials, storedRunCurves, storedRunSource, storedRunToShow } from '../../src-renderer/components/training/storedRun.js';
import { trainedGainsOption } from '../../src-renderer/plots/trainingOptions.js';
import { simulateRequestForJob } from '../../src-renderer/stores/simulation.js';
import { sampleProject } from '../project/fixtures.js';

const template = sampleProject().runs[0];

function run(id: string, startedAt: string | null, finishedAt: string | null, sessions = template.sessions): TrainingRun {
  return { ...template, id, name: `run ${id}`, startedAt, finishedAt, sessions };
}

describe('the stored run the workspace shows', () => {
  it('is the most recently started run, whatever order the project lists them in', () => {
    const runs = [
      run('b', '2026-12-05T10:02:00.000Z', '2026-12-05T10:03:00.000Z'),
      // started last, finished first (a short run queued after a long one)
      run('c', '2026-12-05T10:05:00.000Z', '2026-12-05T10:05:30.000Z'),
      run('a', '2026-12-05T10:00:00.000Z', '2026-12-05T10:09:00.000Z'),
    ].map(runView);
    expect(newestStoredRun(runs)?.id).toBe('c');
  });

  it('dates a run by its finish when its start is unknown, counts an undated run as the oldest, and lets the later one added win a tie', () => {
    const runs = [run('undated', null, null), run('finished-only', null, '2026-12-05T10:04:00.000Z'), run('started', '2026-12-05T10:01:00.000Z', null)].map(runView);
    expect(newestStoredRun(runs)?.id).toBe('finished-only');
    expect(newestStoredRun([run('x', null, null), run('y', null, null)].map(runView))?.id).toBe('y');
    const at = '2026-12-05T10:00:00.000Z';
    expect(newestStoredRun([run('first', at, at), run('second', at, at)].map(runView))?.id).toBe('second');
  });

  it('skips runs without a session to draw, and is null for a project without runs', () => {
    const runs = [run('drawn', '2026-12-05T10:00:00.000Z', null), run('empty', '2026-12-05T11:00:00.000Z', null, [])].map(runView);
    expect(newestStoredRun(runs)?.id).toBe('drawn');
    expect(newestStoredRun([])).toBeNull();
    expect(storedRunToShow([], null)).toBeNull();
  });

  it('is the run picked in the runs browser while the project holds it, else the newest again', () => {
    const runs = [run('old', '2026-12-05T09:00:00.000Z', null), run('new', '2026-12-05T10:00:00.000Z', null)].map(runView);
    expect(storedRunToShow(runs, 'old')?.id).toBe('old');
    expect(storedRunToShow(runs, null)?.id).toBe('new');
    // the picked run was deleted (or belongs to the project closed before)
    expect(storedRunToShow(runs, 'deleted')?.id).toBe('new');
  });

  it("hands the error plot every session's whole curve, entry 0 the starting gains, as a finished job's result does", () => {
    const curves = storedRunCurves(template);
    expect(curves).toHaveLength(template.sessions.length);
    template.sessions.forEach((session, k) => expect(curves[k]).toEqual(Array.from(session.errorCurve)));
    expect(curves[0]).toHaveLength(11); // 10 trials and the starting gains
  });

  it('simulates its trained output on the network, target and initial condition it ran on, by id', () => {
    expect(storedRunSource(template)).toEqual({ kind: 'project', networkId: 'net-a', targetIds: ['reach'], initialConditionIndices: [1] });
    const gains = template.sessions[0].bestGains;
    // the run learned from x0 row 1: its output is simulated from that row (it was row 0 for every run)
    expect(simulateRequestForJob(storedRunSource(template), gains)).toEqual({ network: { networkId: 'net-a', initialConditionIndex: 1 }, target: { targetId: 'reach' }, gains, includeRates: true });
    expect(simulateRequestForJob({ kind: 'project', networkId: 'net-a', targetIds: ['reach'] }, gains).network).toEqual({ networkId: 'net-a', initialConditionIndex: 0 });
  });

  it('fixes the x axis to the trials per session it was started with, when recorded', () => {
    expect(requestedTrials(template)).toBe(10);
    expect(requestedTrials({ settings: {} })).toBeNull();
    expect(requestedTrials({ settings: { trials: 'many' } })).toBeNull();
  });

  it('draws its trained gains neuron by neuron, excitatory then inhibitory, numbered from 1', () => {
    const gains = Float64Array.from([1.1, 0.9, 1.3, 0.7, 1.0]);
    const option = trainedGainsOption(gains, 3);
    const series = option.series as { name: string; data: [number, number][] }[];
    expect(series.map((s) => s.name)).toEqual(['excitatory', 'inhibitory']);
    expect(series[0].data).toEqual([
      [1, 1.1],
      [2, 0.9],
      [3, 1.3],
    ]);
    expect(series[1].data).toEqual([
      [4, 0.7],
      [5, 1.0],
    ]);
  });
});
