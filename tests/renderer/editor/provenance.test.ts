/**
 * Issue 4: a target made by the editor's generator records { kind: 'generated', seed }, one read
 * from a file { kind: 'imported' }, an untouched copy keeps its source; only hand-drawn or
 * hand-edited ones are 'drawn' — also across undo/redo (the editor's own history clones).
 */
import { describe, expect, it } from 'vitest';
import { generateTarget } from '../../../src-shared/model/targets.js';
import { targetSourceJsonSchema } from '../../../src-shared/project/schema.js';
import { cloneTarget, createTarget, type EditableTarget } from '../../../src-renderer/editor/editableTarget.js';
import { drawStroke, smoothChannel } from '../../../src-renderer/editor/editorCommands.js';
import { EditHistory } from '../../../src-renderer/editor/history.js';
import { defaultDraftName, DraftProvenance, draftIdPrefix } from '../../../src-renderer/editor/provenance.js';

function generated(seed: number, nSamples = 200, duration = 500, channels = 2): EditableTarget {
  const g = generateTarget(seed, { duration, nSamples }, channels);
  return { samples: g.values, channels: g.channels, nSamples: g.nSamples, duration: g.duration };
}

describe('draft provenance', () => {
  it('a generated target is "generated" with its seed until a hand edit makes it "drawn"', () => {
    const origins = new DraftProvenance();
    const start = createTarget(2, 200, 500);
    expect(origins.sourceOf(start)).toEqual({ kind: 'drawn' });

    const made = generated(7);
    origins.record(made, { kind: 'generated', seed: 7 });
    // the editor hands the parent its own objects: name by content, not identity
    expect(origins.sourceOf(cloneTarget(made))).toEqual({ kind: 'generated', seed: 7 });

    const stroked = drawStroke(made, 0, [
      { t: 100, y: 1 },
      { t: 200, y: 2 },
    ]);
    expect(origins.sourceOf(stroked)).toEqual({ kind: 'drawn' });
    expect(origins.sourceOf(smoothChannel(made, 1, 10))).toEqual({ kind: 'drawn' });
    // the same generator with another seed is another target
    expect(origins.sourceOf(generated(8))).toEqual({ kind: 'drawn' });
  });

  it('follows undo and redo through the editor history', () => {
    const origins = new DraftProvenance();
    const history = new EditHistory<EditableTarget>(cloneTarget, 100);
    let current = createTarget(1, 120, 400);
    // generate (seed 3), then draw over it
    history.record(current);
    current = generated(3, 120, 400, 1);
    origins.record(current, { kind: 'generated', seed: 3 });
    history.record(current);
    current = drawStroke(current, 0, [
      { t: 50, y: 3 },
      { t: 150, y: -1 },
    ]);
    expect(origins.sourceOf(current)).toEqual({ kind: 'drawn' });
    current = history.undo(current)!; // back to the generated content
    expect(origins.sourceOf(current)).toEqual({ kind: 'generated', seed: 3 });
    current = history.undo(current)!; // the blank start
    expect(origins.sourceOf(current)).toEqual({ kind: 'drawn' });
    current = history.redo(current)!;
    expect(origins.sourceOf(current)).toEqual({ kind: 'generated', seed: 3 });
  });

  it('keeps a copy: editing the recorded object in place does not change what was recorded', () => {
    const origins = new DraftProvenance();
    const made = generated(11);
    origins.record(made, { kind: 'generated', seed: 11 });
    const pristine = cloneTarget(made);
    made.samples[5] += 1;
    expect(origins.sourceOf(made)).toEqual({ kind: 'drawn' });
    expect(origins.sourceOf(pristine)).toEqual({ kind: 'generated', seed: 11 });
  });

  it('imports and untouched copies keep their source; the newest origin wins for the same content', () => {
    const origins = new DraftProvenance();
    const content = generated(5);
    origins.record(content, { kind: 'published' });
    expect(origins.sourceOf(content)).toEqual({ kind: 'published' });
    origins.record(content, { kind: 'imported', fileName: 'reach.csv' });
    expect(origins.sourceOf(content)).toEqual({ kind: 'imported', fileName: 'reach.csv' });
    // same samples on another grid are not the same target
    expect(origins.sourceOf({ ...content, duration: 1000 })).toEqual({ kind: 'drawn' });
  });

  it('forgets the oldest origins beyond its limit', () => {
    const origins = new DraftProvenance(3);
    for (let seed = 1; seed <= 4; seed++) origins.record(generated(seed, 50, 500, 1), { kind: 'generated', seed });
    expect(origins.sourceOf(generated(1, 50, 500, 1))).toEqual({ kind: 'drawn' });
    expect(origins.sourceOf(generated(4, 50, 500, 1))).toEqual({ kind: 'generated', seed: 4 });
  });

  it('ids and default names follow the source, and a generated target passes the project schema', () => {
    expect(draftIdPrefix({ kind: 'generated', seed: 9 })).toBe('generated');
    expect(draftIdPrefix({ kind: 'imported', fileName: null })).toBe('imported');
    expect(draftIdPrefix({ kind: 'published' })).toBe('drawn');
    expect(defaultDraftName({ kind: 'generated', seed: 9 }, 0)).toBe('Generated movement (seed 9)');
    expect(defaultDraftName({ kind: 'imported', fileName: 'emg.npy' }, 0)).toBe('emg');
    expect(defaultDraftName({ kind: 'drawn' }, 2)).toBe('Drawn movement 3');
    const made = generated(9, 200, 500, 1);
    const origins = new DraftProvenance();
    origins.record(made, { kind: 'generated', seed: 9 });
    const source = origins.sourceOf(cloneTarget(made));
    expect(source).toEqual({ kind: 'generated', seed: 9 });
    // what the project file stores for it
    expect(targetSourceJsonSchema.parse(source)).toEqual({ kind: 'generated', seed: 9 });
  });
});
