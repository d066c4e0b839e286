import { gridTime } from './editableTarget.js';

/** A pointer position in data coordinates: t in ms, y in target units. */
export interface StrokePoint {
  t: number;
  y: number;
}

/** Inclusive range of grid indices a stroke operation wrote, or null when it wrote none. */
export type TouchedRange = { first: number; last: number } | null;

/**
 * Drawing writes only the grid points a stroke passes over, so drawing over part of a trace edits
 * just that part. A stroke is processed segment by segment in the order it was drawn: each segment
 * (p_i → p_{i+1}) linearly interpolates onto the grid points whose time lies within its t-range,
 * whichever direction it goes. Hence a stroke drawn right-to-left gives the same trace as the same
 * stroke drawn left-to-right, fast strokes leave no gaps between sparse pointer events, and where a
 * stroke back-tracks over itself the later pass wins (what the user last drew is what they see).
 */

/** Tolerance in grid units, so a pointer exactly on a grid time (up to rounding) still writes it. */
const ON_GRID_TOLERANCE = 1e-9;

function gridPosition(t: number, nSamples: number, duration: number): number {
  return (t * (nSamples - 1)) / duration;
}

/** Writes one segment into `channel` in place (channel.length = nSamples). */
export function applyStrokeSegment(
  channel: Float64Array,
  duration: number,
  from: StrokePoint,
  to: StrokePoint,
): TouchedRange {
  if (!isFinitePoint(from) || !isFinitePoint(to)) return null;
  const nSamples = channel.length;
  const tMin = Math.min(from.t, to.t);
  const tMax = Math.max(from.t, to.t);
  const first = Math.max(0, Math.ceil(gridPosition(tMin, nSamples, duration) - ON_GRID_TOLERANCE));
  const last = Math.min(nSamples - 1, Math.floor(gridPosition(tMax, nSamples, duration) + ON_GRID_TOLERANCE));
  if (first > last) return null;
  // Interpolate from the earlier end so a segment gives bit-identical values in either direction.
  const left = from.t <= to.t ? from : to;
  const right = left === from ? to : from;
  const span = right.t - left.t;
  for (let k = first; k <= last; k++) {
    if (span === 0) {
      channel[k] = to.y;
      continue;
    }
    let fraction = (gridTime(k, nSamples, duration) - left.t) / span;
    // The tolerance can admit a grid point a hair outside the segment: never extrapolate.
    if (fraction < 0) fraction = 0;
    else if (fraction > 1) fraction = 1;
    channel[k] = fraction === 1 ? right.y : left.y + fraction * (right.y - left.y);
  }
  return { first, last };
}

/**
 * Writes a single pointer position (a click or the start of a stroke) onto the nearest grid point,
 * if it lies on the time axis (within half a grid step of [0, T]).
 */
export function applyStrokePoint(channel: Float64Array, duration: number, point: StrokePoint): TouchedRange {
  if (!isFinitePoint(point)) return null;
  const nSamples = channel.length;
  const position = gridPosition(point.t, nSamples, duration);
  const k = Math.round(position);
  if (k < 0 || k > nSamples - 1 || Math.abs(position - k) > 0.5) return null;
  channel[k] = point.y;
  return { first: k, last: k };
}

/**
 * A new channel: `channel` with the whole stroke applied (the input is not modified). A stroke of
 * one point is a click and sets the nearest grid point; a longer stroke writes only the grid points
 * within its segments' t-ranges.
 */
export function applyStroke(channel: ArrayLike<number>, duration: number, points: readonly StrokePoint[]): Float64Array {
  const out = Float64Array.from(channel);
  const finite = points.filter(isFinitePoint);
  if (finite.length === 1) applyStrokePoint(out, duration, finite[0]);
  for (let i = 1; i < finite.length; i++) applyStrokeSegment(out, duration, finite[i - 1], finite[i]);
  return out;
}

function isFinitePoint(p: StrokePoint): boolean {
  return Number.isFinite(p.t) && Number.isFinite(p.y);
}
