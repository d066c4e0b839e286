import { gridTime } from './editableTarget.js';
import { evaluateMonotoneCubic, fritschCarlsonTangents } from './monotoneCubic.js';

/**
 * Control points for the "Edit points" mode. Each point sits on a grid index (its time is
 * gridTime(index)), so the monotone cubic rebuilt from the points passes through every one of them
 * exactly on the grid, and a dragged point snaps to the grid instead of drifting between samples.
 */
export interface ControlPoint {
  index: number;
  y: number;
}

export type ControlPointStrategy = 'greedy' | 'uniform';

export const MIN_CONTROL_POINTS = 2;
export const MAX_CONTROL_POINTS = 64;

/**
 * K control points describing `channel`. Both end points are always included.
 * - 'uniform': evenly spaced grid indices.
 * - 'greedy' (default): starting from the ends, repeatedly add the grid point where the monotone
 *   cubic through the current points misses the trace most, so peaks and kinks get a point first
 *   and rebuilding from the points reproduces the trace as closely as K points allow.
 * Fewer than K points are returned when the trace is already reproduced exactly.
 */
export function deriveControlPoints(
  channel: ArrayLike<number>,
  duration: number,
  count: number,
  strategy: ControlPointStrategy = 'greedy',
): ControlPoint[] {
  const nSamples = channel.length;
  const k = Math.max(MIN_CONTROL_POINTS, Math.min(Math.round(count), nSamples, MAX_CONTROL_POINTS));
  if (strategy === 'uniform') {
    const points: ControlPoint[] = [];
    let previous = -1;
    for (let j = 0; j < k; j++) {
      const index = Math.round((j * (nSamples - 1)) / (k - 1));
      if (index === previous) continue;
      points.push({ index, y: channel[index] });
      previous = index;
    }
    return points;
  }
  const chosen = [0, nSamples - 1];
  const rebuilt = new Float64Array(nSamples);
  // Misses at rounding level are not worth a point.
  let scale = 0;
  for (let i = 0; i < nSamples; i++) scale = Math.max(scale, Math.abs(channel[i]));
  const negligible = 1e-12 * scale;
  while (chosen.length < k) {
    rebuildFromControlPoints(
      chosen.map((index) => ({ index, y: channel[index] })),
      nSamples,
      duration,
      rebuilt,
    );
    let worst = -1;
    let worstError = negligible;
    for (let i = 0; i < nSamples; i++) {
      const error = Math.abs(rebuilt[i] - channel[i]);
      if (error > worstError) {
        worstError = error;
        worst = i;
      }
    }
    if (worst < 0) break;
    chosen.push(worst);
    chosen.sort((a, b) => a - b);
  }
  return chosen.map((index) => ({ index, y: channel[index] }));
}

/**
 * Samples of the monotone (Fritsch–Carlson) cubic through `points` on the grid of nSamples points
 * over `duration` ms. Points must have strictly increasing indices; before the first and after the
 * last point the trace holds the end value.
 */
export function rebuildFromControlPoints(
  points: readonly ControlPoint[],
  nSamples: number,
  duration: number,
  out: Float64Array = new Float64Array(nSamples),
): Float64Array {
  if (points.length === 0) return out.fill(0);
  if (points.length === 1) return out.fill(points[0].y);
  const x = new Float64Array(points.length);
  const y = new Float64Array(points.length);
  for (let i = 0; i < points.length; i++) {
    const { index } = points[i];
    if (!Number.isInteger(index) || index < 0 || index >= nSamples || (i > 0 && index <= points[i - 1].index)) {
      throw new RangeError('control points need strictly increasing grid indices inside the grid');
    }
    x[i] = gridTime(index, nSamples, duration);
    y[i] = points[i].y;
  }
  const at = new Float64Array(nSamples);
  for (let k = 0; k < nSamples; k++) at[k] = gridTime(k, nSamples, duration);
  return evaluateMonotoneCubic(x, y, fritschCarlsonTangents(x, y), at, out);
}

/**
 * Points after dragging point `which` to (t, y) in data coordinates. The end points keep their
 * times (a target spans all of [0, T]); an interior point snaps to the nearest grid index strictly
 * between its neighbours, so points never cross or merge. Non-finite coordinates are ignored.
 */
export function moveControlPoint(
  points: readonly ControlPoint[],
  which: number,
  t: number,
  y: number,
  nSamples: number,
  duration: number,
): ControlPoint[] {
  const next = points.map((p) => ({ ...p }));
  const point = next[which];
  if (!point) throw new RangeError(`no control point ${which}`);
  if (Number.isFinite(y)) point.y = y;
  const isEnd = which === 0 || which === next.length - 1;
  if (!isEnd && Number.isFinite(t)) {
    const lowest = next[which - 1].index + 1;
    const highest = next[which + 1].index - 1;
    const wanted = Math.round((t * (nSamples - 1)) / duration);
    point.index = Math.min(highest, Math.max(lowest, wanted));
  }
  return next;
}

/** Index of the control point nearest to a pointer, within `radius` (same units as dx, dy), or −1. */
export function nearestControlPoint(
  pixels: readonly { x: number; y: number }[],
  pointerX: number,
  pointerY: number,
  radius: number,
): number {
  let best = -1;
  let bestDistance2 = radius * radius;
  for (let i = 0; i < pixels.length; i++) {
    const dx = pixels[i].x - pointerX;
    const dy = pixels[i].y - pointerY;
    const distance2 = dx * dx + dy * dy;
    if (distance2 <= bestDistance2) {
      bestDistance2 = distance2;
      best = i;
    }
  }
  return best;
}
