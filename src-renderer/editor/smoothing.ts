import { gridStep } from './editableTarget.js';

/**
 * Gaussian smoothing of one channel, kernel standard deviation `sigmaMs` in ms (so the same setting
 * means the same thing whatever the sample count). The kernel is truncated at ±6σ (the tail beyond
 * holds 2e−9 of its mass) and normalised.
 *
 * Edges: the trace is extended beyond each end by point reflection about the end sample,
 * x(−j) = 2·x(0) − x(j) (and likewise at T). A straight line is its own point reflection, and a
 * symmetric normalised kernel maps a straight line to itself, so smoothing keeps constants and
 * linear trends exactly — including at the ends, where a plain renormalised or zero-padded kernel
 * would bend them — and it keeps the end values of a locally linear trace instead of pulling them
 * towards the interior.
 */
export function gaussianSmooth(channel: ArrayLike<number>, duration: number, sigmaMs: number): Float64Array {
  const n = channel.length;
  const out = Float64Array.from(channel);
  if (!(sigmaMs > 0) || !Number.isFinite(sigmaMs) || n < 2) return out;
  const sigma = sigmaMs / gridStep(n, duration);
  // Beyond 2(n−1) samples two reflections no longer cover the kernel; a kernel that wide is
  // already far wider than the trace, so truncating it there changes nothing a user could see.
  const radius = Math.min(Math.ceil(6 * sigma), 2 * (n - 1));
  if (radius === 0) return out;
  const weights = new Float64Array(radius + 1);
  let weightSum = 0;
  for (let j = 0; j <= radius; j++) {
    weights[j] = Math.exp((-0.5 * j * j) / (sigma * sigma));
    weightSum += j === 0 ? weights[j] : 2 * weights[j];
  }
  for (let j = 0; j <= radius; j++) weights[j] /= weightSum;

  const extended = new Float64Array(n + 2 * radius);
  for (let i = -radius; i < n + radius; i++) extended[i + radius] = reflected(channel, i);

  for (let k = 0; k < n; k++) {
    const centre = k + radius;
    let sum = weights[0] * extended[centre];
    // Pair the symmetric taps: x(k−j) + x(k+j) keeps a linear trend's slope terms cancelling exactly.
    for (let j = 1; j <= radius; j++) sum += weights[j] * (extended[centre - j] + extended[centre + j]);
    out[k] = sum;
  }
  return out;
}

/** x(i) for i in [−2(n−1), 3(n−1)] under point reflection about both end samples. */
function reflected(x: ArrayLike<number>, i: number): number {
  const last = x.length - 1;
  if (i < 0) return 2 * x[0] - reflected(x, -i);
  if (i > last) return 2 * x[last] - reflected(x, 2 * last - i);
  return x[i];
}
