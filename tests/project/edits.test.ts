/**
 * Project edits as operations (src-shared/project/edits.ts): apply, dependents, and undo/redo
 * that restores exactly what an edit touched — and nothing else.
 */
import { describe, expect, it } from 'vitest';
import { applyEdit, dependentsOf, reapplyEdit, removalOf, revertEdit } from '../../src-shared/project/edits.js';
import { validateProject } from '../../src-shared/project/validate.js';
import { createProjectViewer } from '../../src-shared/project/view.js';
import { sampleProject } from './fixtures.js';

const now = new Date(Date.UTC(2026, 11, 2));

describe('dependents of a removal', () => {
  it('a target takes the runs that learned it and its slow variants; a network its runs, libraries, manifolds and results', () => {
    const project = sampleProject();
    expect(dependentsOf(project, [{ collection: 'targets', id: 'reach' }])).toEqual([
      { collection: 'runs', id: 'run-1' },
      { collection: 'targets', id: 'reach-slow' },
    ]);
    expect(dependentsOf(project, [{ collection: 'targets', id: 'emg' }])).toEqual([]);
    expect(dependentsOf(project, [{ collection: 'networks', id: 'net-a' }])).toEqual([
      { collection: 'runs', id: 'run-1' },
      { collection: 'primitiveLibraries', id: 'lib-1' },
      { collection: 'speedManifolds', id: 'speed-1' },
      ...project.experimentResults.filter((r) => r.networkId === 'net-a').map((r) => ({ collection: 'experimentResults', id: r.id })),
    ]);
    // removing both does not list one as the other's dependent again
    expect(dependentsOf(project, [{ collection: 'targets', id: 'reach' }, { collection: 'runs', id: 'run-1' }])).toEqual([{ collection: 'targets', id: 'reach-slow' }]);
  });

  it('removing with the dependents leaves a valid project; without them the references dangle', () => {
    const project = sampleProject();
    const items = [{ collection: 'targets' as const, id: 'reach' }];
    const alone = applyEdit(project, removalOf(items), now).project;
    expect(() => validateProject(alone)).toThrow(/reach/);
    const withDependents = applyEdit(project, removalOf([...items, ...dependentsOf(project, items)]), now).project;
    expect(() => validateProject(withDependents)).not.toThrow();
    // the library keeps its patterns and drops the run it named
    expect(withDependents.primitiveLibraries[0].runIds).toEqual([]);
    expect(withDependents.primitiveLibraries[0].gains).toBe(project.primitiveLibraries[0].gains);
    // the readout fitted to the target keeps its weights; only the record of what it was fitted to goes
    expect(project.networks[0].readout!.fittedTo).toBe('reach');
    expect(withDependents.networks[0].readout!.fittedTo).toBeNull();
    expect(withDependents.networks[0].readout!.weights).toBe(project.networks[0].readout!.weights);
  });
});

describe('undo and redo', () => {
  it('undo restores removed items at their positions, redo removes them again', () => {
    const project = sampleProject();
    const items = [{ collection: 'targets' as const, id: 'reach' }];
    const applied = applyEdit(project, removalOf([...items, ...dependentsOf(project, items)]), now);
    const undone = revertEdit(applied.project, applied, now);
    expect(undone.targets).toEqual(project.targets);
    expect(undone.runs).toEqual(project.runs);
    expect(undone.primitiveLibraries).toEqual(project.primitiveLibraries);
    // the very same objects come back (nothing copied, arrays untouched)
    expect(undone.runs[0]).toBe(project.runs[0]);
    const redone = reapplyEdit(undone, applied, now);
    expect(redone.targets.map((t) => t.id)).toEqual(applied.project.targets.map((t) => t.id));
    expect(redone.runs).toEqual([]);
  });

  it('undoing a deletion keeps a run added after it (a job result is not part of the edit)', () => {
    const project = sampleProject();
    const deletion = applyEdit(project, removalOf([{ collection: 'targets', id: 'emg' }]), now);
    const late = { ...project.runs[0], id: 'run-late', name: 'Finished later' };
    const withLate = applyEdit(deletion.project, { addRuns: [late] }, now).project;
    const undone = revertEdit(withLate, deletion, now);
    expect(undone.targets.map((t) => t.id)).toEqual(project.targets.map((t) => t.id));
    expect(undone.runs.map((r) => r.id)).toEqual(['run-1', 'run-late']);
  });

  it('renames and replaced items undo to the previous version', () => {
    const project = sampleProject();
    const renamed = applyEdit(project, { name: 'New name', addRuns: [{ ...project.runs[0], name: 'Renamed run', notes: 'looked good' }] }, now);
    expect(renamed.project.runs[0].name).toBe('Renamed run');
    expect(renamed.fields).toEqual([{ field: 'name', before: 'Sample study', after: 'New name' }]);
    const undone = revertEdit(renamed.project, renamed, now);
    expect(undone.name).toBe('Sample study');
    expect(undone.runs[0]).toBe(project.runs[0]);
  });

  it('an edit that changes nothing records nothing', () => {
    const project = sampleProject();
    const applied = applyEdit(project, { name: project.name, removeTargetIds: ['no-such-target'] }, now);
    expect(applied.items).toEqual([]);
    expect(applied.fields).toEqual([]);
    expect(applied.project.modifiedAt).toBe(project.modifiedAt);
  });
});

describe('the project view', () => {
  it('leaves out the bulk arrays and summarises runs', () => {
    const project = sampleProject();
    const view = createProjectViewer()(project);
    expect(view.networks[0].W).toEqual({ shape: [12, 12], length: 144, key: expect.stringMatching(/^net-a@/) });
    expect(view.networks[0].initialConditions).toBe(project.networks[0].initialConditions);
    const run = view.runs[0];
    expect(run).not.toHaveProperty('sessions.0.errorCurve');
    expect(run.sessions[0]).toEqual({ session: 0, seed: project.runs[0].sessions[0].seed, bestError: 0.5, bestTrial: 7, trialsRun: 10 });
    expect(run.bestError).toBe(0.5);
    expect(run.bestSession).toBe(0);
    expect(run.trials).toBe(20);
    expect(run.durationMs).toBe(60_000);
    expect(view.primitiveLibraries[0]).toMatchObject({ id: 'lib-1', size: 1 });
    expect(view.primitiveLibraries[0]).not.toHaveProperty('gains');
    // the view of an unchanged item is reused, a replaced network gets a new key
    const viewer = createProjectViewer();
    const first = viewer(project);
    const edited = applyEdit(project, { upsertNetworks: [{ ...project.networks[0], name: 'Renamed' }] }, now).project;
    const second = viewer(edited);
    expect(second.runs[0]).toBe(first.runs[0]);
    expect(second.networks[0].W.key).not.toBe(first.networks[0].W.key);
  });
});
