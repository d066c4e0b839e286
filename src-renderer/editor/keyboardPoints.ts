import type { ControlPoint } from './controlPoints.js';
import type { YRange } from './chartModel.js';
import { gridTime } from './editableTarget.js';
import { formatTick } from '../../src-shared/plots/format.js';

/**
 * The movement plot from the keyboard (MovementEditor.vue): Left and Right (Home, End) choose a
 * control point, Up and Down move its value by a small step, with Shift (or Page Up, Page Down) by a
 * large one. What a key does is decided here, as plain data; the component applies a move exactly
 * as a drag to that value (editorCommands.ts movePointOf) and says where the point is.
 */

export type PointKeyAction = { kind: 'select'; index: number } | { kind: 'move'; index: number; y: number };

/**
 * Value steps on the y axis `range`: a tenth of its tick interval, and the interval itself (the
 * grid line above or below). A 0–1.2 axis ticked every 0.2 steps by 0.02 and 0.2.
 */
export function pointSteps(range: YRange): { small: number; large: number } {
  return { small: range.step / 10, large: range.step };
}

/**
 * `value` moved one `step` up (direction 1) or down (−1) onto the step's grid (0.4237 goes up to
 * 0.44 with steps of 0.02, then 0.46), kept within the axis [range.min, range.max].
 */
export function steppedValue(value: number, direction: 1 | -1, step: number, range: Pick<YRange, 'min' | 'max'>): number {
  const onGrid = value / step;
  const next = direction > 0 ? (Math.floor(onGrid + 1e-9) + 1) * step : (Math.ceil(onGrid - 1e-9) - 1) * step;
  // 12 significant digits: 3 × 0.1 is 0.3, not 0.30000000000000004
  return Math.min(range.max, Math.max(range.min, Number(next.toPrecision(12))));
}

const SELECT_KEYS = new Set(['ArrowLeft', 'ArrowRight', 'Home', 'End']);
const MOVE_KEYS: Record<string, { direction: 1 | -1; large: boolean }> = {
  ArrowUp: { direction: 1, large: false },
  ArrowDown: { direction: -1, large: false },
  PageUp: { direction: 1, large: true },
  PageDown: { direction: -1, large: true },
};

/**
 * What `key` does with `count` points, point `selected` chosen (null: none yet), on the y axis
 * `range`; null for a key that is not the plot's. With none chosen, any of its keys first chooses
 * one (End the last, the others the first) and moves nothing: the researcher hears which point it
 * is before it moves.
 */
export function pointKeyAction(key: string, shift: boolean, selected: number | null, points: readonly ControlPoint[], range: YRange): PointKeyAction | null {
  const count = points.length;
  if (count === 0 || (!SELECT_KEYS.has(key) && !(key in MOVE_KEYS))) return null;
  if (selected === null || selected < 0 || selected >= count) return { kind: 'select', index: key === 'End' ? count - 1 : 0 };
  if (key === 'Home') return { kind: 'select', index: 0 };
  if (key === 'End') return { kind: 'select', index: count - 1 };
  if (key === 'ArrowLeft') return { kind: 'select', index: Math.max(0, selected - 1) };
  if (key === 'ArrowRight') return { kind: 'select', index: Math.min(count - 1, selected + 1) };
  const { direction, large } = MOVE_KEYS[key];
  const steps = pointSteps(range);
  return { kind: 'move', index: selected, y: steppedValue(points[selected].y, direction, large || shift ? steps.large : steps.small, range) };
}

/**
 * What a screen reader is told of a chosen point: "point 3 of 8: 120 ms, 0.42", its value to the
 * small step's decimals, and when it has reached the top or the bottom of the plot, that too.
 */
export function describePoint(index: number, points: readonly ControlPoint[], grid: { nSamples: number; duration: number }, range: YRange): string {
  const point = points[index];
  const decimals = Math.max(0, Math.ceil(-Math.log10(pointSteps(range).small) - 1e-9));
  const value = point.y.toFixed(decimals).replace(/^-(0\.?0*)$/, '$1');
  const edge = point.y >= range.max ? ' (top of the plot)' : point.y <= range.min ? ' (bottom of the plot)' : '';
  return `point ${index + 1} of ${points.length}: ${formatTick(gridTime(point.index, grid.nSamples, grid.duration))} ms, ${value}${edge}`;
}
