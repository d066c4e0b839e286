import { afterAll, describe, expect, it } from 'vitest';
import { INVOKE_CHANNELS, type Envelope } from '../../src-shared/ipc/contract.js';
import { createHandlers, dispatch, type AppServices } from '../../src-main/services/handlers.js';
import { createInvokeHandler } from '../../src-main/electron/ipcCore.js';
import { createJobManager } from '../../src-main/services/jobManager.js';
import { testProjects } from '../main/fixtures/testProjects.js';
import { syntheticExampleProject } from '../../src-main/services/example.js';
import { APP_ENTRY_URL } from '../../src-main/electron/security.js';

// The handler table with real services but a pool that must never be reached by invalid requests.
let poolRuns = 0;
const jobs = createJobManager({
  pool: {
    run: async () => {
      poolRuns++;
      throw new Error('the pool must not run for these tests');
    },
    destroy: async () => undefined,
  },
  emit: () => undefined,
  resolveSource: () => {
    throw new Error('unused');
  },
});
const projects = testProjects({ loadExample: () => syntheticExampleProject(new Date(0), 20) });
const services: AppServices = { mode: 'web', version: '0.0.0-test', platform: 'test', workerThreads: 1, jobs, projects };
const handlers = createHandlers(services);

afterAll(() => jobs.dispose());

/** Payloads no channel accepts: wrong types everywhere. */
const MALFORMED: unknown[] = [42, 'text', [1, 2], { unexpected: { deeply: true }, trials: 'many', jobId: 7, path: 12, bytes: 'x', restore: 'yes', source: 1 }];

describe('handler table', () => {
  it('has a handler for every invoke channel', () => {
    expect(Object.keys(handlers).sort()).toEqual([...INVOKE_CHANNELS].sort());
  });

  it('answers malformed payloads on every channel with an invalid-payload envelope, never a throw', async () => {
    for (const channel of INVOKE_CHANNELS) {
      for (const payload of MALFORMED) {
        const envelope = await dispatch(handlers, channel, payload);
        expect(envelope.ok, `${channel} accepted ${JSON.stringify(payload)}`).toBe(false);
        if (!envelope.ok) expect(envelope.error.code, channel).toBe('invalid-payload');
      }
    }
    expect(poolRuns).toBe(0);
  });

  it('rejects unknown channels and names the problem field', async () => {
    const unknown = await dispatch(handlers, 'shell:exec', { command: 'rm -rf /' });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    const badTraining = (await dispatch(handlers, 'jobs:start-training', {
      source: { kind: 'project', networkId: 'n', targetIds: ['t'] },
      rule: 'reward',
      trials: -5,
      groups: { kind: 'neuron' },
      seed: 1,
    })) as Envelope<unknown>;
    expect(badTraining.ok).toBe(false);
    if (!badTraining.ok) expect(badTraining.error.message).toMatch(/trials/);
  });

  it('a request with several long problems is refused on one short line (fuzz: tests/fuzz/ipcRequests seed 8086 case 126)', async () => {
    const envelope = await dispatch(handlers, 'project:remove-items', { items: [{ collection: [[['networks']]], id: 'x'.repeat(1_000_000) }], withDependents: [true] });
    expect(envelope).toMatchObject({ ok: false, error: { code: 'invalid-payload', message: expect.stringMatching(/^Invalid request for project:remove-items: items\.0\.collection: .*problems?$/) } });
    if (!envelope.ok) expect(envelope.error.message.length).toBeLessThan(300);
  });

  it('maps service errors to envelope codes', async () => {
    expect(await dispatch(handlers, 'jobs:get', { jobId: 'missing' })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await dispatch(handlers, 'project:open', { path: '/nonexistent/dir/x.gainlab' })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    // web mode has no dialogs: saving an unsaved project needs a path
    expect(await dispatch(handlers, 'project:save', {})).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    // a training job against ids that the open project lacks
    const missing = await dispatch(handlers, 'simulate:run', { network: { networkId: 'nope' } });
    expect(missing).toMatchObject({ ok: false, error: { code: 'not-found' } });
    const bad = await dispatch(handlers, 'project:import', { fileName: 'x.gainlab', bytes: new Uint8Array([1, 2, 3]) });
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad-file' } });
  });

  it('answers app:info and loads the example', async () => {
    expect(await dispatch(handlers, 'app:info', {})).toEqual({
      ok: true,
      value: { name: 'GainLab', version: '0.0.0-test', mode: 'web', platform: 'test', workerThreads: 1 },
    });
    const example = await dispatch(handlers, 'example:load', {});
    expect(example.ok).toBe(true);
    if (example.ok) {
      const summary = example.value as { project: { networks: unknown[]; targets: unknown[] }; dirty: boolean };
      expect(summary.project.networks).toHaveLength(1);
      expect(summary.project.targets).toHaveLength(2);
    }
  });

  it('the Electron invoke handler refuses senders other than the app window', async () => {
    const invoke = createInvokeHandler(handlers);
    expect(await invoke('https://evil.example/', 'app:info', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await invoke('file:///tmp/page.html', 'app:info', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await invoke(undefined, 'app:info', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await invoke(APP_ENTRY_URL, 'app:info', {})).toMatchObject({ ok: true });
    expect(await invoke(APP_ENTRY_URL, 'jobs:get', 5)).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
  });
});
