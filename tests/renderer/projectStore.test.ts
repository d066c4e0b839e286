import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { CHANNELS, EVENTS, type ProjectSummary } from '../../src-shared/ipc/contract.js';
import { createEmptyProject, type ProjectNetwork, type TargetMovement } from '../../src-shared/project/schema.js';
import { installTransport } from '../../src-renderer/stores/api.js';
import { useNotificationsStore } from '../../src-renderer/stores/notifications.js';
import { preferredTarget, useProjectStore } from '../../src-renderer/stores/project.js';
import { FakeTransport, summaryOf, tinyNetwork as network, tinyTarget as target } from './fakes.js';

function summary(networks: ProjectNetwork[], targets: TargetMovement[], name = 'p'): ProjectSummary {
  const project = createEmptyProject(name, new Date(0), 'project-1');
  project.networks = networks;
  project.targets = targets;
  return summaryOf(project);
}

describe('project store', () => {
  let transport: FakeTransport;
  beforeEach(() => {
    setActivePinia(createPinia());
    transport = new FakeTransport();
    installTransport(transport);
  });

  it('prefers the novel target of the example, else the first', () => {
    const targets = [target('published-initial', 'Initial movement'), target('published-novel', 'Novel movement')];
    expect(preferredTarget(targets)?.id).toBe('published-novel');
    expect(preferredTarget([target('a', 'A'), target('b', 'B')])?.id).toBe('a');
    expect(preferredTarget([])).toBeNull();
  });

  it('after a reload, comes back to the project main still has open (but not to an empty one)', async () => {
    transport.answer(CHANNELS.projectCurrent, () => summary([network('net')], [target('t', 'T')]));
    const project = useProjectStore();
    await project.init();
    expect(project.entered).toBe(true);
    expect(project.network?.id).toBe('net');
    // the view: initial conditions travel, W stays in main (fetched by id)
    expect(project.network?.initialConditions).toEqual(new Float64Array([1, 2]));
    expect(project.network?.W).toMatchObject({ shape: [2, 2], length: 4 });
    expect(project.canTrain).toBe(true);

    setActivePinia(createPinia());
    transport.answer(CHANNELS.projectCurrent, () => summary([], []));
    const fresh = useProjectStore();
    await fresh.init();
    expect(fresh.entered).toBe(false);
  });

  it('reads a small W in one answer and a large one in blocks of rows, put together bit for bit', async () => {
    const small = network('small');
    const n = 400; // 1.28 MB of W: over the 1 MB block
    const big: ProjectNetwork = { ...network('big'), n, nE: n / 2, W: Float64Array.from({ length: n * n }, (_, k) => Math.sin(k) * 1e-3), initialConditions: new Float64Array(n) };
    const byId = new Map([small, big].map((net) => [net.id, net]));
    transport.answer(CHANNELS.projectCurrent, () => summary([small, big], [target('t', 'T')]));
    transport.answer(CHANNELS.projectNetwork, ({ networkId, withoutWeights }) => {
      const net = byId.get(networkId)!;
      return withoutWeights ? { ...net, W: new Float64Array(0) } : net;
    });
    transport.answer(CHANNELS.projectNetworkRows, ({ networkId, from, to }) => {
      const net = byId.get(networkId)!;
      return { n: net.n, from, to, values: net.W.slice(from * net.n, to * net.n) };
    });
    const project = useProjectStore();
    await project.init();
    expect((await project.fullNetwork('small'))!.W).toEqual(small.W);
    expect(transport.callsTo(CHANNELS.projectNetwork)).toEqual([{ networkId: 'small' }]);
    const full = await project.fullNetwork('big');
    expect(Buffer.from(full!.W.buffer).equals(Buffer.from(big.W.buffer))).toBe(true);
    expect(transport.callsTo(CHANNELS.projectNetwork).at(-1)).toEqual({ networkId: 'big', withoutWeights: true });
    // 327 rows of 3.2 kB per MB: two blocks
    expect(transport.callsTo(CHANNELS.projectNetworkRows)).toEqual([
      { networkId: 'big', from: 0, to: 327 },
      { networkId: 'big', from: 327, to: 400 },
    ]);
    // cached: no second fetch
    await project.fullNetwork('big');
    expect(transport.callsTo(CHANNELS.projectNetworkRows)).toHaveLength(2);
  });

  it('hides the recent list when the channel fails, without a toast', async () => {
    transport.handle(CHANNELS.projectRecent, () => ({ ok: false, error: { code: 'internal', message: 'no store' } }));
    const project = useProjectStore();
    await project.init();
    expect(project.recent).toBeNull();
    expect(useNotificationsStore().notices).toEqual([]);
  });

  it('offers recovery and restores the autosaved project', async () => {
    const recovered = summary([network('rescued')], [target('t', 'T')], 'Rescued work');
    transport.answer(CHANNELS.projectRecover, () => ({ available: true, savedAt: 42, name: 'Rescued work', key: 'unsaved-old', originalPath: null, project: recovered }));
    const project = useProjectStore();
    await project.init();
    expect(project.recovery).toEqual({ savedAt: 42, name: 'Rescued work', key: 'unsaved-old' });
    expect(await project.restoreRecovery()).toBe(true);
    expect(project.recovery).toBeNull();
    expect(project.network?.id).toBe('rescued');
    expect(transport.callsTo(CHANNELS.projectRecover)).toEqual([{ restore: false }, { restore: true, key: 'unsaved-old' }]);
  });

  it('a cancelled open dialog is not an error; other failures are toasted', async () => {
    transport.handle(CHANNELS.projectOpen, () => ({ ok: false, error: { code: 'cancelled', message: 'closed' } }));
    const project = useProjectStore();
    expect(await project.open()).toBe(false);
    expect(useNotificationsStore().notices).toEqual([]);
    transport.handle(CHANNELS.projectOpen, () => ({ ok: false, error: { code: 'bad-file', message: 'project.json is missing' } }));
    expect(await project.open('/x.gainlab')).toBe(false);
    expect(useNotificationsStore().notices.map((n) => n.text)).toEqual([
      'The file is not a valid GainLab file: project.json is missing',
    ]);
  });

  it('follows project:changed and keeps a valid selection; a network without readout cannot train', async () => {
    const project = useProjectStore();
    await project.init();
    transport.emit(EVENTS.projectChanged, summary([network('a'), network('b', false)], [target('t1', 'T1')]));
    expect(project.selectedNetworkId).toBe('a');
    project.selectedNetworkId = 'b';
    expect(project.canTrain).toBe(false);
    transport.emit(EVENTS.projectChanged, summary([network('a')], [target('t2', 'T2')]));
    expect(project.selectedNetworkId).toBe('a'); // 'b' was removed
    expect(project.selectedTargetId).toBe('t2');
  });

  it('runs Electron menu commands', async () => {
    transport.answer(CHANNELS.projectNew, () => summary([], [], 'Untitled'));
    const project = useProjectStore();
    await project.init();
    transport.emit(EVENTS.menuCommand, { command: 'new' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(transport.callsTo(CHANNELS.projectNew)).toHaveLength(1);
    expect(project.entered).toBe(true);
    expect(project.summary?.name).toBe('Untitled');
  });

  it('puts the dirty marker in the title: "• name — GainLab", plain after a save, "GainLab" when closed', async () => {
    const project = useProjectStore();
    await project.init();
    expect(project.title).toBe('GainLab');
    transport.emit(EVENTS.projectChanged, { ...summary([network('a')], [], 'Reach study'), dirty: true, revision: 2 });
    project.entered = true;
    expect(project.title).toBe('• Reach study — GainLab');
    transport.emit(EVENTS.projectChanged, { ...summary([network('a')], [], 'Reach study'), dirty: false, path: '/x/Reach study.gainlab', revision: 3 });
    expect(project.title).toBe('Reach study — GainLab');
    project.close();
    expect(project.title).toBe('GainLab');
  });

  it('web mode: Save without a file opens the save dialog at the suggested path; saving there sends project:saveAs', async () => {
    transport.answer(CHANNELS.projectSuggestPath, () => ({ path: '/home/me/GainLab/Reach.gainlab' }));
    transport.answer(CHANNELS.projectSaveAs, (request) => ({ path: request.path! }));
    const project = useProjectStore();
    await project.init();
    transport.emit(EVENTS.projectChanged, { ...summary([network('a')], [], 'Reach'), dirty: true });
    expect(await project.save()).toBeNull();
    expect(transport.callsTo(CHANNELS.projectSave)).toHaveLength(0);
    expect(project.saveDialog).toEqual({ path: '/home/me/GainLab/Reach.gainlab' });
    // the extension is added when the typed path has none
    expect(await project.saveTo('/tmp/elsewhere/reach')).toBe('/tmp/elsewhere/reach.gainlab');
    expect(transport.callsTo(CHANNELS.projectSaveAs)).toEqual([{ path: '/tmp/elsewhere/reach.gainlab' }]);
    expect(project.saveDialog).toBeNull();
  });

  it('web mode: Save of a project that has a file writes it in place, without a dialog', async () => {
    transport.answer(CHANNELS.projectSave, () => ({ path: '/x/p.gainlab' }));
    const project = useProjectStore();
    await project.init();
    transport.emit(EVENTS.projectChanged, { ...summary([network('a')], []), path: '/x/p.gainlab', dirty: true });
    expect(await project.save()).toBe('/x/p.gainlab');
    expect(project.saveDialog).toBeNull();
  });
});
