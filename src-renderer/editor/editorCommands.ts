import { getChannel, withChannel, type EditableTarget } from './editableTarget.js';
import { moveControlPoint, rebuildFromControlPoints, type ControlPoint } from './controlPoints.js';
import { gaussianSmooth } from './smoothing.js';
import { applyStroke, type StrokePoint } from './stroke.js';
import { taperToZero, type TaperOptions } from './taper.js';

/**
 * The editor's edits, each a pure map from one target to the next acting on one channel. The
 * component records the old target in its history and emits the new one; nothing here mutates.
 */

export function drawStroke(target: EditableTarget, channel: number, stroke: readonly StrokePoint[]): EditableTarget {
  return withChannel(target, channel, applyStroke(getChannel(target, channel), target.duration, stroke));
}

export function smoothChannel(target: EditableTarget, channel: number, sigmaMs: number): EditableTarget {
  return withChannel(target, channel, gaussianSmooth(getChannel(target, channel), target.duration, sigmaMs));
}

export function taperChannel(target: EditableTarget, channel: number, options: TaperOptions): EditableTarget {
  return withChannel(target, channel, taperToZero(getChannel(target, channel), target.duration, options));
}

export function setFromControlPoints(
  target: EditableTarget,
  channel: number,
  points: readonly ControlPoint[],
): EditableTarget {
  return withChannel(target, channel, rebuildFromControlPoints(points, target.nSamples, target.duration));
}

/**
 * Control point `which` of `points` (on `channel`) moved to (t, y), and the channel rebuilt through
 * the moved points: one step of a drag, and one arrow key in the plot (the same edit either way).
 */
export function movePointOf(
  target: EditableTarget,
  channel: number,
  points: readonly ControlPoint[],
  which: number,
  t: number,
  y: number,
): { points: ControlPoint[]; target: EditableTarget } {
  const moved = moveControlPoint(points, which, t, y, target.nSamples, target.duration);
  return { points: moved, target: setFromControlPoints(target, channel, moved) };
}
