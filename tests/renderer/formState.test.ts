/**
 * Issue 14, renderer state: the selection and the form settings come back after a reload (per
 * project), "E with g = 1" never shows the previous target's value, and renaming the project and
 * editing its notes go through main's project:update (undoable there).
 */
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { nextTick, reactive, ref } from 'vue';
import { CHANNELS, type ProjectSummary, type SimulateResponse } from '../../src-shared/ipc/contract.js';
import { createEmptyProject } from '../../src-shared/project/schema.js';
import { installTransport } from '../../src-renderer/stores/api.js';
import { persistForm, recall, remember, restoreFields } from '../../src-renderer/stores/formMemory.js';
import { useProjectStore } from '../../src-renderer/stores/project.js';
import { useSimulationStore } from '../../src-renderer/stores/simulation.js';
import { defaultTrainForm } from '../../src-renderer/stores/trainForm.js';
import { FakeTransport, flushPromises, summaryOf, tinyNetwork, tinyTarget } from './fakes.js';

let projectCounter = 0;
function summary(projectId: string, name = 'Study', notes = ''): ProjectSummary {
  const project = createEmptyProject(name, new Date(0), projectId);
  project.networks = [tinyNetwork('net-a'), tinyNetwork('net-b')];
  project.targets = [tinyTarget('t1', 'Target 1'), tinyTarget('t2', 'Target 2'), tinyTarget('t3', 'Target 3')];
  project.notes = notes;
  return summaryOf(project);
}

let transport: FakeTransport;
beforeEach(() => {
  setActivePinia(createPinia());
  transport = new FakeTransport();
  installTransport(transport);
});

describe('what survives a reload', () => {
  it('the selected network and target come back per project (a fresh store = a reloaded page)', async () => {
    const id = `reload-${++projectCounter}`;
    transport.answer(CHANNELS.projectCurrent, () => summary(id));
    const first = useProjectStore();
    await first.init();
    expect(first.selectedTargetId).toBe('t1');
    first.selectedNetworkId = 'net-b';
    first.selectedTargetId = 't3';
    await nextTick();

    setActivePinia(createPinia()); // the page reloads: every store starts again
    const reloaded = useProjectStore();
    await reloaded.init();
    expect(reloaded.selectedNetworkId).toBe('net-b');
    expect(reloaded.selectedTargetId).toBe('t3');

    // another project does not inherit it
    setActivePinia(createPinia());
    transport.answer(CHANNELS.projectCurrent, () => summary(`other-${++projectCounter}`));
    const other = useProjectStore();
    await other.init();
    expect(other.selectedTargetId).toBe('t1');
  });

  it('the Train settings (Sessions, trials, σ) come back per project; another project starts from the defaults', async () => {
    const projectId = ref<string | null>(`train-${++projectCounter}`);
    const fields = reactive(defaultTrainForm());
    const stop = persistForm('train', fields, defaultTrainForm, () => projectId.value);
    fields.sessions = 3;
    fields.trials = 2000;
    fields.sigma = 0.003;
    await nextTick();
    stop();

    const reloaded = reactive(defaultTrainForm());
    expect(reloaded.sessions).toBe(10);
    const stopReloaded = persistForm('train', reloaded, defaultTrainForm, () => projectId.value);
    expect(reloaded).toMatchObject({ sessions: 3, trials: 2000, sigma: 0.003 });
    projectId.value = `fresh-${++projectCounter}`;
    await nextTick();
    expect(reloaded).toMatchObject({ sessions: 10, trials: 5000, sigma: 0.001 });
    stopReloaded();
  });

  it('never restores a value of the wrong type, an unknown key or a half-typed NaN', () => {
    const fields = defaultTrainForm();
    restoreFields(fields, { sessions: '3', trials: null, sigma: Number.NaN, seed: 7, evil: 1, rule: 'gradient', specialisedFrom: ['r1', { x: 1 }] });
    expect(fields).toMatchObject({ sessions: 10, trials: 5000, sigma: 0.001, seed: 7, rule: 'gradient', specialisedFrom: [] });
    expect('evil' in fields).toBe(false);
    remember('bounded', 'big', 'x'.repeat(70_000));
    expect(recall('bounded', 'big')).toBeUndefined();
  });
});

describe('E with g = 1 after switching the target', () => {
  it('is null (the view shows a placeholder) while the new target is computed, never the previous value', async () => {
    const answers: Array<(value: SimulateResponse) => void> = [];
    transport.handle(CHANNELS.simulateRun, () => new Promise((resolve) => answers.push((value) => resolve({ ok: true, value }))));
    const response = (error: number) => ({ nSamples: 3, channels: 1, output: new Float64Array(3), rates: null, error, durationMs: 1 }) as SimulateResponse;
    const simulation = useSimulationStore();
    const first = simulation.refreshBaseline('net-a', 't1');
    answers[0](response(4.18));
    await first;
    expect(simulation.currentBaseline?.error).toBe(4.18);

    const second = simulation.refreshBaseline('net-a', 't2');
    await flushPromises();
    // the old number is gone at once: nothing claims 4.18 is the new target's error
    expect(simulation.currentBaseline).toBeNull();
    expect(simulation.baselineLoading).toBe(true);
    answers[1](response(1.25));
    await second;
    expect(simulation.currentBaseline?.error).toBe(1.25);
  });
});

describe('the output with g = 1 of a project with no network', () => {
  it('stays empty when the previous network’s answer arrives after the switch (a new project showed the old output)', async () => {
    const answers: Array<(value: SimulateResponse) => void> = [];
    transport.handle(CHANNELS.simulateRun, () => new Promise((resolve) => answers.push((value) => resolve({ ok: true, value }))));
    const simulation = useSimulationStore();
    // the page opens on the last project: its network's output is on its way
    const previous = simulation.refreshBaseline('net-a', 't1');
    await flushPromises();
    // New project: no network, nothing to show
    await simulation.refreshBaseline(null, null);
    expect(simulation.baseline).toBeNull();
    answers[0]({ nSamples: 3, channels: 1, output: new Float64Array(3), rates: null, error: 4.18, durationMs: 1 } as SimulateResponse);
    await previous;
    expect(simulation.baseline).toBeNull();
    expect(simulation.currentBaseline).toBeNull();
    expect(simulation.baselineLoading).toBe(false);
  });
});

describe('renaming the project and editing its notes', () => {
  it('sends project:update with the new name (trimmed) or notes, and skips no-op edits', async () => {
    const id = `rename-${++projectCounter}`;
    let current = summary(id, 'Example: SOC network (N = 200) and generated movements');
    transport.answer(CHANNELS.projectCurrent, () => current);
    transport.answer(CHANNELS.projectUpdate, (request) => {
      current = summary(id, request.name ?? current.name, request.notes ?? current.project.notes);
      return current;
    });
    const project = useProjectStore();
    await project.init();
    expect(await project.rename('  Reaching study  ')).toBe(true);
    expect(project.summary?.name).toBe('Reaching study');
    expect(await project.rename('   ')).toBe(false);
    expect(await project.rename('Reaching study')).toBe(false);
    expect(await project.setNotes('σ sweep for the grant')).toBe(true);
    expect(project.summary?.project.notes).toBe('σ sweep for the grant');
    const updates = transport.calls.filter((c) => c.channel === CHANNELS.projectUpdate).map((c) => c.request);
    expect(updates).toEqual([{ name: 'Reaching study' }, { notes: 'σ sweep for the grant' }]);
  });
});
