/**
 * Issue 4: before New / Open / Open recent / the example / an imported (dropped) file / Close
 * replaces a project with unsaved changes, the store asks "Save changes to NAME?" and does what
 * the answer says: Cancel keeps everything, Don't save goes on, Save saves first (the web-mode
 * Save As dialog when the project has no file) and goes on only once it has saved.
 */
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { CHANNELS, type ProjectSummary } from '../../src-shared/ipc/contract.js';
import { createEmptyProject } from '../../src-shared/project/schema.js';
import { installTransport } from '../../src-renderer/stores/api.js';
import { useProjectStore } from '../../src-renderer/stores/project.js';
import { FakeTransport, flushPromises, summaryOf } from './fakes.js';

function summary(name: string, dirty: boolean, path: string | null = null): ProjectSummary {
  return summaryOf(createEmptyProject(name), { path, dirty });
}

describe('unsaved changes guard', () => {
  let transport: FakeTransport;
  let project: ReturnType<typeof useProjectStore>;

  beforeEach(async () => {
    setActivePinia(createPinia());
    transport = new FakeTransport();
    installTransport(transport);
    transport.answer(CHANNELS.projectNew, () => summary('Untitled', false));
    transport.answer(CHANNELS.exampleLoad, () => summary('Example', false));
    transport.answer(CHANNELS.projectOpen, ({ path }) => summary(path ?? 'picked', false, path ?? '/picked.gainlab'));
    transport.answer(CHANNELS.projectImport, ({ fileName }) => summary(fileName, false, null));
    project = useProjectStore();
    await project.init();
  });

  /** The workspace shows `name` with (dirty) or without unsaved changes. */
  async function enter(name: string, dirty: boolean, path: string | null = null): Promise<void> {
    transport.answer(CHANNELS.projectNew, () => summary(name, dirty, path));
    await project.newProject();
    transport.answer(CHANNELS.projectNew, () => summary('Untitled', false));
    expect(project.entered).toBe(true);
    expect(project.dirty).toBe(dirty);
  }

  it('asks nothing when there is nothing unsaved', async () => {
    await enter('Clean', false);
    expect(await project.loadExample()).toBe(true);
    expect(project.unsavedPrompt).toBeNull();
    expect(project.summary?.name).toBe('Example');
  });

  it('Cancel keeps the project: nothing is replaced, nothing is saved', async () => {
    await enter('Reach study', true);
    const pending = project.newProject();
    await flushPromises();
    expect(project.unsavedPrompt).toEqual({ name: 'Reach study' });
    expect(transport.callsTo(CHANNELS.projectNew)).toHaveLength(1); // only the one that entered
    project.answerUnsaved('cancel');
    expect(await pending).toBe(false);
    expect(project.unsavedPrompt).toBeNull();
    expect(project.summary?.name).toBe('Reach study');
    expect(project.dirty).toBe(true);
    expect(transport.callsTo(CHANNELS.projectNew)).toHaveLength(1);
    expect(transport.callsTo(CHANNELS.projectSave)).toHaveLength(0);
  });

  it("Don't save goes on for every way of replacing the project", async () => {
    const ways: Array<[string, () => Promise<boolean>, string]> = [
      ['new', () => project.newProject(), 'Untitled'],
      ['example', () => project.loadExample(), 'Example'],
      ['open recent', () => project.open('/recent.gainlab'), '/recent.gainlab'],
      ['open (dialog)', () => project.open(), 'picked'],
      ['drop / import', () => project.importFile('dropped.gainlab', new Uint8Array([1])), 'dropped.gainlab'],
    ];
    for (const [way, replace, expected] of ways) {
      await enter('Reach study', true);
      const pending = replace();
      await flushPromises();
      expect(project.unsavedPrompt, way).toEqual({ name: 'Reach study' });
      project.answerUnsaved('discard');
      expect(await pending, way).toBe(true);
      expect(project.summary?.name, way).toBe(expected);
    }
    expect(transport.callsTo(CHANNELS.projectSave)).toHaveLength(0);
  });

  it('Save saves to the project file first, then goes on', async () => {
    await enter('Reach study', true, '/data/reach.gainlab');
    const order: string[] = [];
    transport.answer(CHANNELS.projectSave, () => {
      order.push('save');
      return { path: '/data/reach.gainlab' };
    });
    transport.answer(CHANNELS.exampleLoad, () => {
      order.push('example');
      return summary('Example', false);
    });
    const pending = project.loadExample();
    await flushPromises();
    project.answerUnsaved('save');
    expect(await pending).toBe(true);
    expect(order).toEqual(['save', 'example']);
  });

  it('Save that fails (or whose native dialog is closed) keeps the project', async () => {
    await enter('Reach study', true, '/data/reach.gainlab');
    transport.handle(CHANNELS.projectSave, () => ({ ok: false, error: { code: 'cancelled', message: 'closed' } }));
    const pending = project.newProject();
    await flushPromises();
    project.answerUnsaved('save');
    expect(await pending).toBe(false);
    expect(project.summary?.name).toBe('Reach study');
  });

  it('web mode, never saved: Save goes through the Save As dialog and goes on only once it saved', async () => {
    transport.answer(CHANNELS.projectSuggestPath, () => ({ path: '/home/me/GainLab/Reach study.gainlab' }));
    transport.answer(CHANNELS.projectSaveAs, (request) => ({ path: request.path! }));
    await enter('Reach study', true, null);

    // closing the save dialog without saving cancels the replacement
    let pending = project.newProject();
    await flushPromises();
    project.answerUnsaved('save');
    await flushPromises();
    expect(project.saveDialog).toEqual({ path: '/home/me/GainLab/Reach study.gainlab' });
    project.saveDialog = null;
    expect(await pending).toBe(false);
    expect(project.summary?.name).toBe('Reach study');
    expect(transport.callsTo(CHANNELS.projectSaveAs)).toHaveLength(0);

    // saving there lets it go on
    pending = project.newProject();
    await flushPromises();
    project.answerUnsaved('save');
    await flushPromises();
    expect(project.saveDialog).not.toBeNull();
    expect(await project.saveTo('/tmp/reach')).toBe('/tmp/reach.gainlab');
    expect(await pending).toBe(true);
    expect(transport.callsTo(CHANNELS.projectSaveAs)).toEqual([{ path: '/tmp/reach.gainlab' }]);
    expect(project.summary?.name).toBe('Untitled');
  });

  it('Close asks too; Cancel stays in the workspace, Don\'t save goes back to the welcome screen', async () => {
    await enter('Reach study', true);
    let pending = project.close();
    await flushPromises();
    expect(project.unsavedPrompt).toEqual({ name: 'Reach study' });
    project.answerUnsaved('cancel');
    expect(await pending).toBe(false);
    expect(project.entered).toBe(true);

    pending = project.close();
    await flushPromises();
    project.answerUnsaved('discard');
    expect(await pending).toBe(true);
    expect(project.entered).toBe(false);
    // on the welcome screen nothing is shown any more: starting anew asks nothing
    expect(await project.newProject()).toBe(true);
    expect(project.unsavedPrompt).toBeNull();
  });
});
