/**
 * What a running job's progress events (~10 a second) write to the page: only what they change.
 * The Train form (src-renderer/components/TrainPanel.vue) rendered the run's progress in its own
 * template, so every event rendered the whole form again, and Vue writes an option's bound `value`
 * at every patch (the attribute is set again in the browser: 990 mutation records in 10 s of a
 * 10-session run, on the "Session to stop" select). The run's progress is now its own component
 * (training/RunStatus.vue). The jobs list (JobsPanel.vue) rendered every card at every event;
 * each card is now its own component (jobs/JobRow.vue) and only the running job's card renders.
 * Events are fed to the jobs store (src-renderer/stores/jobs.ts) through tests/renderer/fakes.ts;
 * the components are mounted with tests/renderer/mountComponent.ts, which logs every write.
 */
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { CHANNELS, EVENTS, type JobDetail, type JobSummary } from '../../src-shared/ipc/contract.js';
import { installTransport } from '../../src-renderer/stores/api.js';
import { useJobsStore } from '../../src-renderer/stores/jobs.js';
import { useProjectStore } from '../../src-renderer/stores/project.js';
import { formatError } from '../../src-renderer/plots/options.js';
import TrainPanel from '../../src-renderer/components/TrainPanel.vue';
import JobsPanel from '../../src-renderer/components/JobsPanel.vue';
import { createEmptyProject } from '../../src-shared/project/schema.js';
import { FakeTransport, flushPromises, jobSummary, rewardJobDetail, summaryOf, tinyNetwork, tinyTarget } from './fakes.js';
import { findByTestId, isWithin, mountComponent, type FakeNode } from './mountComponent.js';

const SESSIONS = 10;
const TRIALS = 5_000;

/** The elements under `root` for which `test` holds. */
function findAll(root: FakeNode, test: (node: FakeNode) => boolean): FakeNode[] {
  return [...(test(root) ? [root] : []), ...root.children.flatMap((child) => findAll(child, test))];
}
const textOf = (node: FakeNode): string => (node.tag === '#text' ? node.text : node.children.map(textOf).join(''));

let transport: FakeTransport;
let trial = 0;

/** The reward run's summary and detail as main sends them (SESSIONS sessions of TRIALS trials). */
function runningJob(): JobSummary {
  return jobSummary('run', { label: 'Reward rule', percent: 0, trial: 0, totalTrials: SESSIONS * TRIALS, bestError: null, projectId: 'p1', createdAt: 3000 });
}
function detailOf(summary: JobSummary): JobDetail {
  return rewardJobDetail(summary, { trials: TRIALS, sessions: SESSIONS, networkId: 'n', targetId: 't' });
}

/** One progress event of the run: 10 new error points in each session. */
function progressEvent(): void {
  const errors = Array.from({ length: SESSIONS }, (_, session) => ({ session, fromTrial: trial, values: Array.from({ length: 10 }, (_, k) => 4 / (1 + (trial + k) / 100)) }));
  trial += 10;
  transport.emit(EVENTS.jobsProgress, { jobId: 'run', status: 'running', percent: (100 * trial) / TRIALS, trial: trial * SESSIONS, bestError: 4 / (1 + trial / 100), errors });
}

beforeEach(async () => {
  setActivePinia(createPinia());
  transport = new FakeTransport();
  installTransport(transport);
  trial = 0;
  const finished = [1, 2, 3].map((k) => jobSummary(`old-${k}`, { label: `Earlier run ${k}`, status: 'done', percent: 100, projectId: 'p1', createdAt: 1000 + k, finishedAt: 1500 + k }));
  transport.answer(CHANNELS.jobsList, () => [runningJob(), ...finished]);
  transport.answer(CHANNELS.jobsGet, ({ jobId }) => detailOf(jobId === 'run' ? runningJob() : finished.find((j) => j.jobId === jobId)!));
  transport.answer(CHANNELS.jobsCancel, ({ jobId }) => ({ jobId, status: 'running' as const }));
  // the open project the jobs belong to (the jobs list shows its jobs first)
  const project = createEmptyProject('Study', new Date(0), 'p1');
  project.networks = [tinyNetwork('n')];
  project.targets = [tinyTarget('t', 'Target')];
  transport.answer(CHANNELS.projectCurrent, () => summaryOf(project));
  await useProjectStore().init();
  await useJobsStore().init(); // selects the newest job: the running one
});

describe('a running job’s progress events', () => {
  it('leave the Train form and its “Session to stop” select untouched; a stopped session’s option is disabled at once', async () => {
    const mounted = mountComponent(TrainPanel, {});
    await flushPromises();
    const select = findAll(mounted.root, (node) => node.tag === 'select' && node.attributes['aria-label'] === 'Session to stop')[0];
    expect(select).toBeDefined();
    const options = select.children.filter((node) => node.tag === 'option');
    expect(options.map((option) => option.value)).toEqual([...Array(SESSIONS).keys()]);

    mounted.writes.length = 0;
    for (let k = 0; k < 50; k++) {
      progressEvent();
      await flushPromises();
    }
    // the events were shown (the run's progress renders at each one)...
    expect(textOf(findByTestId(mounted.root, 'run-progress')!)).toContain(`${trial.toLocaleString('en-US')} / ${TRIALS.toLocaleString('en-US')}`);
    // ...and nothing of the select was written, nor anything else of the form
    const selectWrites = mounted.writes.filter((write) => isWithin(write.target, select));
    expect({ selectWrites: selectWrites.length, formRenders: mounted.renders.get('TrainPanel') ?? 0 }).toEqual({ selectWrites: 0, formRenders: 0 });

    // stop session 3: its option is disabled at once, the others stay enabled
    select.options = options;
    options[2].selected = true;
    for (const listener of select.listeners.change ?? []) listener({ target: select });
    (findByTestId(mounted.root, 'stop-session')!.attributes.onClick as () => void)();
    await flushPromises();
    expect(transport.callsTo(CHANNELS.jobsCancel)).toEqual([{ jobId: 'run', session: 2 }]);
    expect(options.map((option) => !!option.attributes.disabled)).toEqual(options.map((_, k) => k === 2));

    // later events leave it as it is
    mounted.writes.length = 0;
    for (let k = 0; k < 20; k++) {
      progressEvent();
      await flushPromises();
    }
    expect(mounted.writes.filter((write) => isWithin(write.target, select))).toHaveLength(0);
    expect(options.map((option) => !!option.attributes.disabled)).toEqual(options.map((_, k) => k === 2));
    mounted.unmount();
  });

  it('render the running job’s card in the jobs list, not the list nor the finished jobs’ cards', async () => {
    const mounted = mountComponent(JobsPanel, {});
    await flushPromises();
    const rows = findAll(mounted.root, (node) => node.attributes['data-testid'] === 'job-row');
    expect(rows.map((row) => row.attributes['data-status'])).toEqual(['running', 'done', 'done', 'done']);
    const finishedRows = rows.slice(1);

    mounted.writes.length = 0;
    const events = 30;
    for (let k = 0; k < events; k++) {
      progressEvent();
      await flushPromises();
    }
    // the running card follows the events (its percent and best error)
    expect(textOf(rows[0])).toContain(`${Math.round((100 * trial) / TRIALS)}%`);
    expect(textOf(findByTestId(rows[0], 'job-value')!)).toBe(`E ${formatError(4 / (1 + trial / 100))}`);
    // each event rendered that card once, and nothing else of the list
    expect(Object.fromEntries(mounted.renders)).toEqual({ JobRow: events, ProgressBar: events });
    expect(mounted.writes.filter((write) => finishedRows.some((row) => isWithin(write.target, row)))).toHaveLength(0);
    mounted.unmount();
  });
});
