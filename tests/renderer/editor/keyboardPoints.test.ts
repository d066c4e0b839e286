/**
 * The movement plot from the keyboard (src-renderer/editor/keyboardPoints.ts, applied by
 * src-renderer/editor/MovementEditor.vue through src-renderer/editor/editorCommands.ts movePointOf,
 * the edit a drag makes; the chosen point drawn by src-renderer/editor/chartModel.ts): which point a
 * key chooses, the value a key moves it to (snapped to the step, kept on the plot), what is said of
 * it, and that the edit moves exactly that point. The keys in the running app: e2e/keyboard.spec.ts.
 */
import { describe, expect, it } from 'vitest';
import { describePoint, pointKeyAction, pointSteps, steppedValue } from '../../../src-renderer/editor/keyboardPoints.js';
import { movePointOf } from '../../../src-renderer/editor/editorCommands.js';
import { buildEditorChartOption, CONTROL_POINT_SERIES_ID, SELECTED_POINT_SIZE } from '../../../src-renderer/editor/chartModel.js';
import { createTarget, getChannel, gridTime } from '../../../src-renderer/editor/editableTarget.js';
import type { ControlPoint } from '../../../src-renderer/editor/controlPoints.js';

/** A 0–1.2 axis ticked every 0.2: steps of 0.02 and 0.2. */
const RANGE = { min: 0, max: 1.2, step: 0.2 };
const POINTS: ControlPoint[] = [
  { index: 0, y: 0 },
  { index: 48, y: 0.4237 },
  { index: 120, y: 1.19 },
  { index: 200, y: 0 },
];

describe('choosing a point', () => {
  it('the first key chooses a point without moving it; Left and Right step, Home and End jump, no wrap', () => {
    expect(pointKeyAction('ArrowUp', false, null, POINTS, RANGE)).toEqual({ kind: 'select', index: 0 });
    expect(pointKeyAction('ArrowRight', false, null, POINTS, RANGE)).toEqual({ kind: 'select', index: 0 });
    expect(pointKeyAction('End', false, null, POINTS, RANGE)).toEqual({ kind: 'select', index: 3 });
    expect(pointKeyAction('ArrowRight', false, 1, POINTS, RANGE)).toEqual({ kind: 'select', index: 2 });
    expect(pointKeyAction('ArrowLeft', false, 1, POINTS, RANGE)).toEqual({ kind: 'select', index: 0 });
    expect(pointKeyAction('ArrowLeft', false, 0, POINTS, RANGE)).toEqual({ kind: 'select', index: 0 });
    expect(pointKeyAction('ArrowRight', false, 3, POINTS, RANGE)).toEqual({ kind: 'select', index: 3 });
    expect(pointKeyAction('Home', false, 2, POINTS, RANGE)).toEqual({ kind: 'select', index: 0 });
    expect(pointKeyAction('End', false, 0, POINTS, RANGE)).toEqual({ kind: 'select', index: 3 });
    // a choice left over from more points starts again
    expect(pointKeyAction('ArrowDown', false, 7, POINTS, RANGE)).toEqual({ kind: 'select', index: 0 });
    // keys that are not the plot's, and no points
    expect(pointKeyAction('a', false, 1, POINTS, RANGE)).toBeNull();
    expect(pointKeyAction('Enter', false, 1, POINTS, RANGE)).toBeNull();
    expect(pointKeyAction('ArrowUp', false, null, [], RANGE)).toBeNull();
  });
});

describe('moving it', () => {
  it('steps are a tenth of the tick interval and the interval', () => {
    expect(pointSteps(RANGE)).toEqual({ small: 0.02, large: 0.2 });
    expect(pointSteps({ min: -50, max: 50, step: 10 })).toEqual({ small: 1, large: 10 });
  });

  it('Up and Down go to the next value on the step, Shift and the Page keys by the large step', () => {
    expect(pointKeyAction('ArrowUp', false, 1, POINTS, RANGE)).toEqual({ kind: 'move', index: 1, y: 0.44 });
    expect(pointKeyAction('ArrowDown', false, 1, POINTS, RANGE)).toEqual({ kind: 'move', index: 1, y: 0.42 });
    expect(pointKeyAction('ArrowUp', true, 1, POINTS, RANGE)).toEqual({ kind: 'move', index: 1, y: 0.6 });
    expect(pointKeyAction('PageUp', false, 1, POINTS, RANGE)).toEqual({ kind: 'move', index: 1, y: 0.6 });
    expect(pointKeyAction('PageDown', false, 1, POINTS, RANGE)).toEqual({ kind: 'move', index: 1, y: 0.4 });
    // on the step already: one whole step, free of float noise
    expect(steppedValue(0.44, 1, 0.02, RANGE)).toBe(0.46);
    expect(steppedValue(0.3, -1, 0.1, RANGE)).toBe(0.2);
    expect(steppedValue(-0.02, -1, 0.05, { min: -1, max: 1 })).toBe(-0.05);
    expect(steppedValue(-0.05, 1, 0.05, { min: -1, max: 1 })).toBe(0);
  });

  it('values stay on the plot: the top and bottom of the axis hold', () => {
    expect(pointKeyAction('ArrowUp', true, 2, POINTS, RANGE)).toEqual({ kind: 'move', index: 2, y: 1.2 });
    expect(steppedValue(1.2, 1, 0.02, RANGE)).toBe(1.2);
    expect(steppedValue(0, -1, 0.2, RANGE)).toBe(0);
    expect(steppedValue(0.01, -1, 0.2, RANGE)).toBe(0);
  });

  it("the edit moves that point's value and nothing else: the trace passes through it, the other points and all times stay", () => {
    const target = createTarget(1, 201, 500);
    const action = pointKeyAction('ArrowUp', false, 1, POINTS, RANGE)!;
    expect(action.kind).toBe('move');
    const y = (action as { y: number }).y;
    const moved = movePointOf(target, 0, POINTS, 1, gridTime(POINTS[1].index, 201, 500), y);
    expect(moved.points).toEqual([POINTS[0], { index: 48, y: 0.44 }, POINTS[2], POINTS[3]]);
    const channel = getChannel(moved.target, 0);
    for (const point of moved.points) expect(channel[point.index]).toBeCloseTo(point.y, 12);
    // an end point keeps its time too
    expect(movePointOf(target, 0, POINTS, 3, 480, 0.2).points[3]).toEqual({ index: 200, y: 0.2 });
  });
});

describe('what is said and drawn', () => {
  const grid = { nSamples: 201, duration: 500 };

  it('"point 2 of 4: 120 ms, 0.42", with the edges of the plot named', () => {
    expect(describePoint(1, POINTS, grid, RANGE)).toBe('point 2 of 4: 120 ms, 0.42');
    expect(describePoint(0, POINTS, grid, RANGE)).toBe('point 1 of 4: 0 ms, 0.00 (bottom of the plot)');
    expect(describePoint(2, [...POINTS.slice(0, 2), { index: 120, y: 1.2 }, POINTS[3]], grid, RANGE)).toBe('point 3 of 4: 300 ms, 1.20 (top of the plot)');
    // whole steps: no decimals; a negative zero reads 0
    expect(describePoint(1, [{ index: 0, y: 3 }, { index: 100, y: -0.2 }], grid, { min: -50, max: 50, step: 10 })).toBe('point 2 of 2: 250 ms, 0');
  });

  it('the chosen point is drawn larger and filled; the others as before', () => {
    const target = createTarget(1, 201, 500);
    const series = (choice: number | null) =>
      (buildEditorChartOption({ target, selectedChannel: 0, controlPoints: POINTS, selectedPoint: choice, yRange: RANGE }).series as { id: string; data: unknown[] }[]).find((s) => s.id === CONTROL_POINT_SERIES_ID)!.data;
    const none = series(null);
    expect(none).toEqual(POINTS.map((p) => [gridTime(p.index, 201, 500), p.y]));
    const chosen = series(1);
    expect(chosen[1]).toMatchObject({ value: none[1], symbolSize: SELECTED_POINT_SIZE });
    expect([chosen[0], chosen[2], chosen[3]]).toEqual([none[0], none[2], none[3]]);
  });
});
