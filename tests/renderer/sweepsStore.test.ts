import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { CHANNELS, type JobDetail, type JobSummary } from '../../src-shared/ipc/contract.js';
import { createEmptyProject } from '../../src-shared/project/schema.js';
import type { SweepJobResult } from '../../src-shared/tasks/sweep.js';
import { installTransport } from '../../src-renderer/stores/api.js';
import { useJobsStore } from '../../src-renderer/stores/jobs.js';
import { useNotificationsStore } from '../../src-renderer/stores/notifications.js';
import { useProjectStore } from '../../src-renderer/stores/project.js';
import { useSweepsStore } from '../../src-renderer/stores/sweeps.js';
import { FakeTransport, flushPromises, summaryOf } from './fakes.js';

const ALL_DONE_ALREADY = 'Every task of “s” was finished already';

function sweepSummary(jobId: string, status: JobSummary['status']): JobSummary {
  return {
    jobId,
    kind: 'sweep',
    label: 'Sweep “s”',
    status,
    percent: status === 'done' ? 100 : 50,
    trial: 0,
    totalTrials: 4,
    bestError: null,
    createdAt: 1,
    startedAt: 1,
    finishedAt: status === 'done' ? 2 : null,
    error: null,
    projectId: null,
    projectName: null,
    queuePosition: null,
    etaMs: null,
  };
}

function sweepResult(ranNow: number): SweepJobResult {
  return { kind: 'sweep', name: 's', dir: '/x/s', network: null, factorNames: ['seed'], rows: [], tasks: 4, alreadyDone: 4 - ranNow, done: ranNow, failed: 0, partial: false, paused: false, elapsedMs: 5 };
}

describe('sweeps store: the job that runs a sweep here', () => {
  let transport: FakeTransport;
  let listed: JobSummary[];
  let results: Record<string, SweepJobResult>;
  const folder = { name: 's', dir: '/x/s', tasks: 4, done: 4, failed: 0, jobId: null, sweep: { name: 's' } };

  beforeEach(async () => {
    setActivePinia(createPinia());
    transport = new FakeTransport();
    installTransport(transport);
    listed = [];
    results = {};
    transport.answer(CHANNELS.projectCurrent, () => summaryOf(createEmptyProject('p', new Date(0), 'project-p')));
    transport.answer(CHANNELS.jobsList, () => listed);
    transport.answer(CHANNELS.sweepsList, () => ({ sweeps: [folder], root: '/x' }));
    transport.answer(CHANNELS.jobsGet, ({ jobId }) => {
      const summary = listed.find((j) => j.jobId === jobId)!;
      return { ...summary, request: { kind: 'sweep' }, errorsBySession: [], result: results[jobId] ?? null } as unknown as JobDetail;
    });
    await useProjectStore().init();
    await useJobsStore().init();
  });

  function notices(): string[] {
    return useNotificationsStore().notices.map((n) => n.text);
  }

  it('a rerun that is done before the store ever sees it running still says that nothing new was stored', async () => {
    // main finishes a sweep whose tasks are all done at once: the first list after the start shows it done
    transport.answer(CHANNELS.sweepsRun, () => {
      listed = [sweepSummary('job-1', 'done')];
      results['job-1'] = sweepResult(0);
      return { jobId: 'job-1', dir: '/x/s' };
    });
    const sweeps = useSweepsStore();
    await sweeps.resume(folder);
    await flushPromises();
    expect(sweeps.jobResult?.done).toBe(0);
    expect(notices().filter((t) => t.startsWith(ALL_DONE_ALREADY))).toHaveLength(1);
    // the notice is given once for the job, not again when the list is reloaded
    await useJobsStore().reloadList();
    await flushPromises();
    expect(notices().filter((t) => t.startsWith(ALL_DONE_ALREADY))).toHaveLength(1);
  });

  it('a run that ran tasks stores them and gives no such notice; its detail is fetched when it finishes', async () => {
    transport.answer(CHANNELS.sweepsRun, () => {
      listed = [sweepSummary('job-2', 'running')];
      return { jobId: 'job-2', dir: '/x/s' };
    });
    const sweeps = useSweepsStore();
    await sweeps.resume(folder);
    await flushPromises();
    expect(sweeps.running).toBe(true);
    expect(transport.callsTo(CHANNELS.jobsGet)).toHaveLength(0);
    listed = [sweepSummary('job-2', 'done')];
    results['job-2'] = sweepResult(4);
    await useJobsStore().reloadList();
    await flushPromises();
    expect(transport.callsTo(CHANNELS.jobsGet)).toEqual([{ jobId: 'job-2' }]);
    expect(sweeps.jobResult?.done).toBe(4);
    expect(notices().some((t) => t.startsWith(ALL_DONE_ALREADY))).toBe(false);
  });
});
