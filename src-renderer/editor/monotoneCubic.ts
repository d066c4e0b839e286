/**
 * Monotone piecewise-cubic Hermite interpolation (Fritsch & Carlson 1980, SIAM J. Numer. Anal. 17:238).
 * Through knots (x_i, y_i) with strictly increasing x it never overshoots: on an interval where the
 * data are monotone the interpolant is monotone too, and at a local extremum of the data it is flat.
 * That is what a user dragging control points expects (no ringing between points).
 */

/** Knot tangents m_i (length n). x strictly increasing, n ≥ 2. */
export function fritschCarlsonTangents(x: ArrayLike<number>, y: ArrayLike<number>): Float64Array {
  const n = x.length;
  if (n < 2 || y.length !== n) throw new RangeError('need at least 2 knots with matching x and y');
  const secant = new Float64Array(n - 1);
  for (let i = 0; i < n - 1; i++) {
    const h = x[i + 1] - x[i];
    if (!(h > 0)) throw new RangeError('knot x must be strictly increasing');
    secant[i] = (y[i + 1] - y[i]) / h;
  }
  const m = new Float64Array(n);
  // Step 1: end tangents are the one-sided secants, interior ones the secant average...
  m[0] = secant[0];
  m[n - 1] = secant[n - 2];
  for (let i = 1; i < n - 1; i++) {
    // ...except at a local extremum or a flat stretch, where the curve must be flat to stay monotone.
    m[i] = secant[i - 1] * secant[i] <= 0 ? 0 : (secant[i - 1] + secant[i]) / 2;
  }
  // Step 2: in each interval keep (α, β) = (m_i, m_{i+1})/δ_i inside the circle α² + β² ≤ 9,
  // a sufficient condition for monotonicity.
  for (let i = 0; i < n - 1; i++) {
    if (secant[i] === 0) {
      m[i] = 0;
      m[i + 1] = 0;
      continue;
    }
    const alpha = m[i] / secant[i];
    const beta = m[i + 1] / secant[i];
    const radius2 = alpha * alpha + beta * beta;
    if (radius2 > 9) {
      const tau = 3 / Math.sqrt(radius2);
      m[i] = tau * alpha * secant[i];
      m[i + 1] = tau * beta * secant[i];
    }
  }
  return m;
}

/**
 * Evaluates the interpolant at each `at[j]` into `out`. Outside [x_0, x_{n−1}] it holds the end
 * value (a target is never extrapolated by a cubic). At a knot it returns y_i exactly.
 */
export function evaluateMonotoneCubic(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  tangents: ArrayLike<number>,
  at: ArrayLike<number>,
  out: Float64Array,
): Float64Array {
  const n = x.length;
  let interval = 0;
  for (let j = 0; j < at.length; j++) {
    const t = at[j];
    if (t <= x[0]) {
      out[j] = y[0];
      continue;
    }
    if (t >= x[n - 1]) {
      out[j] = y[n - 1];
      continue;
    }
    // Queries are usually ascending: walk forward from the previous interval, restart if not.
    if (t < x[interval]) interval = 0;
    while (t >= x[interval + 1]) interval++;
    const h = x[interval + 1] - x[interval];
    const s = (t - x[interval]) / h;
    if (s === 0) {
      out[j] = y[interval];
      continue;
    }
    const s2 = s * s;
    const s3 = s2 * s;
    const h00 = 2 * s3 - 3 * s2 + 1;
    const h10 = s3 - 2 * s2 + s;
    const h01 = -2 * s3 + 3 * s2;
    const h11 = s3 - s2;
    out[j] = h00 * y[interval] + h10 * h * tangents[interval] + h01 * y[interval + 1] + h11 * h * tangents[interval + 1];
  }
  return out;
}
