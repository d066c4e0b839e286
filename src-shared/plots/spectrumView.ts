/**
 * The visible window of an eigenvalue scatter. A spectrum is a compact cloud plus, now and then,
 * a lone far eigenvalue (one at Re λ = −22 squeezed the rest of a spectrum into a thin strip).
 * We clip the view to the cloud rather than use a symlog axis: a symlog axis bends the geometry a
 * reader judges a spectrum by (its radius, how far the rightmost point sits from the stability
 * line), while clipping keeps the axes linear and names what is left out. The cloud is the 2–98 %
 * quantile range of each coordinate widened by half its span; a point beyond that is "outside":
 * drawn on the window's edge with its own mark, its count in the legend, its true value in the
 * tooltip and the CSV. Reference values (α, Re λ = 1) are always inside the window.
 */

import { niceBounds } from './format.js';

export interface SpectrumWindow {
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
  /** Indices of the eigenvalues outside the window. */
  outside: number[];
}

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = q * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(sorted.length - 1, below + 1);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}

/** [lo, hi] of the values' cloud: 2–98 % quantiles widened by half their span each side. */
function cloud(values: Float64Array): [number, number] {
  const sorted = Float64Array.from(values).sort();
  const lo = quantile(sorted, 0.02);
  const hi = quantile(sorted, 0.98);
  const reach = Math.max(0.5 * (hi - lo), 1e-9 * Math.max(1, Math.abs(lo), Math.abs(hi)));
  return [lo - reach, hi + reach];
}

/**
 * The window of the points (re[k], im[k]): every non-outlying point and every `reference` x value,
 * padded by 6 % so no point sits on the frame. The imaginary axis is symmetric (spectra of real
 * matrices are).
 */
export function spectrumWindow(re: ArrayLike<number>, im: ArrayLike<number>, references: number[] = []): SpectrumWindow {
  const count = Math.min(re.length, im.length);
  const finite: number[] = [];
  for (let k = 0; k < count; k++) if (Number.isFinite(re[k]) && Number.isFinite(im[k])) finite.push(k);
  const reValues = Float64Array.from(finite, (k) => re[k]);
  const imValues = Float64Array.from(finite, (k) => Math.abs(im[k]));
  const [reLo, reHi] = finite.length ? cloud(reValues) : [0, 0];
  const [, imHi] = finite.length ? cloud(imValues) : [0, 0];
  const outside: number[] = [];
  let xMin = Infinity;
  let xMax = -Infinity;
  let yMax = 0;
  for (const k of finite) {
    if (re[k] < reLo || re[k] > reHi || Math.abs(im[k]) > imHi) {
      outside.push(k);
      continue;
    }
    xMin = Math.min(xMin, re[k]);
    xMax = Math.max(xMax, re[k]);
    yMax = Math.max(yMax, Math.abs(im[k]));
  }
  for (const value of references) {
    if (!Number.isFinite(value)) continue;
    xMin = Math.min(xMin, value);
    xMax = Math.max(xMax, value);
  }
  if (!Number.isFinite(xMin)) [xMin, xMax] = [-1, 1];
  if (xMax - xMin < 1e-12) [xMin, xMax] = [xMin - 1, xMax + 1];
  if (!(yMax > 0)) yMax = 0.5 * (xMax - xMin);
  // 6 % of room, then out to the ticks' own step, so the frame's end labels are round numbers
  const padX = 0.06 * (xMax - xMin);
  const x = niceBounds(xMin - padX, xMax + padX);
  const y = niceBounds(0, yMax * 1.06, 3);
  return { xMin: x.min, xMax: x.max, yMin: -y.max, yMax: y.max, outside };
}

/** A point of the window's edge nearest to (x, y): where an outside eigenvalue is drawn. */
export function clampToWindow(view: SpectrumWindow, x: number, y: number): [number, number] {
  return [Math.min(view.xMax, Math.max(view.xMin, x)), Math.min(view.yMax, Math.max(view.yMin, y))];
}
