import { describe, expect, it } from 'vitest';
import { cloneTarget, createTarget, targetsIdentical, type EditableTarget } from '../../../src-renderer/editor/editableTarget.js';
import { drawStroke, smoothChannel, taperChannel, setFromControlPoints } from '../../../src-renderer/editor/editorCommands.js';
import { EditHistory } from '../../../src-renderer/editor/history.js';
import { addChannel } from '../../../src-renderer/editor/editableTarget.js';
import { withSampleCount } from '../../../src-renderer/editor/dimensions.js';
import { Rng } from '../../../src-shared/model/rng.js';

function randomTarget(seed: number): EditableTarget {
  const rng = new Rng(seed);
  const target = createTarget(2, 200, 500);
  for (let i = 0; i < target.samples.length; i++) target.samples[i] = rng.normal() * 1e3;
  return target;
}

describe('undo/redo history', () => {
  it('undo after a chain of edits restores every earlier state bit for bit, redo replays them', () => {
    const history = new EditHistory(cloneTarget);
    const states: EditableTarget[] = [randomTarget(41)];
    const edits: ((t: EditableTarget) => EditableTarget)[] = [
      (t) => drawStroke(t, 0, [{ t: 100, y: 3 }, { t: 0.1, y: -2 }, { t: 333.3, y: 7.77 }]),
      (t) => smoothChannel(t, 1, 12.5),
      (t) => taperChannel(t, 0, { start: true, end: true, rampMs: 40 }),
      (t) => setFromControlPoints(t, 1, [{ index: 0, y: 0 }, { index: 99, y: 5 }, { index: 199, y: 0 }]),
      (t) => addChannel(t, 0),
      (t) => withSampleCount(t, 317),
    ];
    let current = states[0];
    for (const edit of edits) {
      history.record(current);
      current = edit(current);
      states.push(current);
    }
    expect(history.undoDepth).toBe(edits.length);
    for (let i = states.length - 2; i >= 0; i--) {
      current = history.undo(current)!;
      expect(targetsIdentical(current, states[i])).toBe(true);
    }
    expect(history.canUndo).toBe(false);
    expect(history.undo(current)).toBeUndefined();
    for (let i = 1; i < states.length; i++) {
      current = history.redo(current)!;
      expect(targetsIdentical(current, states[i])).toBe(true);
    }
    expect(history.canRedo).toBe(false);
  });

  it('a new edit after undo clears redo', () => {
    const history = new EditHistory(cloneTarget);
    let current = randomTarget(42);
    history.record(current);
    current = smoothChannel(current, 0, 10);
    current = history.undo(current)!;
    expect(history.canRedo).toBe(true);
    history.record(current);
    current = taperChannel(current, 0, { start: true, end: false, rampMs: 20 });
    expect(history.canRedo).toBe(false);
    expect(history.redo(current)).toBeUndefined();
    expect(history.undoDepth).toBe(1);
  });

  it('is bounded: beyond the limit the oldest states are dropped', () => {
    const history = new EditHistory<number>((x) => x, 100);
    for (let state = 0; state < 150; state++) history.record(state);
    expect(history.undoDepth).toBe(100);
    let current = 150;
    const seen: number[] = [];
    for (;;) {
      const previous = history.undo(current);
      if (previous === undefined) break;
      seen.push(previous);
      current = previous;
    }
    expect(seen).toEqual(Array.from({ length: 100 }, (_, i) => 149 - i));
    // Redo is bounded the same way while replaying.
    for (let i = 0; i < 100; i++) current = history.redo(current)!;
    expect(current).toBe(150);
  });

  it('snapshots are isolated from later mutation on either side', () => {
    const history = new EditHistory(cloneTarget);
    const original = randomTarget(43);
    const pristine = cloneTarget(original);
    history.record(original);
    original.samples[0] = 12345; // the caller mutates its object after recording
    const restored = history.undo(randomTarget(44))!;
    expect(targetsIdentical(restored, pristine)).toBe(true);
    restored.samples[1] = -1; // and mutates what it got back
    const again = history.redo(restored)!;
    const back = history.undo(again)!;
    expect(back.samples[1]).toBe(-1); // what was handed to redo() was the mutated state, copied then
    expect(() => new EditHistory(cloneTarget, 0)).toThrow(RangeError);
  });
});
