import { afterAll, describe, expect, it } from 'vitest';
import type { EventChannel, ProjectSummary } from '../../src-shared/ipc/contract.js';
import { dispatch } from '../../src-main/services/handlers.js';
import { sourceAppContext } from './fixtures/sourceAppContext.js';

// The whole main side as web mode wires it: file-backed projects (temp config dir), the shipped
// example, jobs resolved from project ids, the real worker (TypeScript source through tsx).
const context = sourceAppContext({ version: '1.2.3' });
const events: Array<{ channel: EventChannel; payload: unknown }> = [];
context.hub.subscribe((channel, payload) => events.push({ channel, payload }));

afterAll(() => context.dispose());

describe('app context (web mode wiring)', () => {
  it('loads the example, trains on project ids, main stores the run, and reports project changes', async () => {
    const example = await dispatch(context.handlers, 'example:load', {});
    expect(example.ok).toBe(true);
    const summary = (example as { value: ProjectSummary }).value;
    const network = summary.project.networks[0];
    const target = summary.project.targets[summary.project.targets.length - 1];
    expect(events.some((e) => e.channel === 'project:changed')).toBe(true);

    const started = await dispatch(context.handlers, 'jobs:start-training', {
      source: { kind: 'project', networkId: network.id, targetIds: [target.id], initialConditionIndices: [0] },
      rule: 'reward',
      trials: 40,
      groups: { kind: 'random', count: 10 },
      seed: 4,
    });
    expect(started.ok).toBe(true);
    const { jobId } = (started as { value: { jobId: string } }).value;
    const detail = await context.jobs.whenFinished(jobId);
    expect(detail.status).toBe('done');
    expect(events.filter((e) => e.channel === 'jobs:finished')).toHaveLength(1);

    // nobody asked to keep it: main adds a finished run of the open project to it
    const changed = events.filter((e) => e.channel === 'project:changed').map((e) => e.payload as ProjectSummary);
    const stored = changed[changed.length - 1];
    const view = stored.project.runs.find((r) => r.id === jobId)!;
    expect(view.networkId).toBe(network.id);
    expect(view.targetIds).toEqual([target.id]);
    expect(view.groupLabels).toHaveLength(network.n);
    expect(stored.dirty).toBe(true);
    // the summary carries no curves; the full run is fetched by id
    const run = await dispatch(context.handlers, 'project:run', { runId: jobId });
    expect(run.ok && (run.value as { sessions: { errorCurve: Float64Array }[] }).sessions[0].errorCurve.length).toBe(41);

    // unknown ids are not-found envelopes, not crashes
    const missing = await dispatch(context.handlers, 'jobs:start-training', {
      source: { kind: 'project', networkId: 'nope', targetIds: [target.id] },
      rule: 'reward',
      trials: 5,
      groups: { kind: 'neuron' },
      seed: 1,
    });
    expect(missing).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });
});
