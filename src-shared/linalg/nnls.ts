/**
 * Non-negative least squares: minimise ‖A x − b‖₂ subject to x ≥ 0.
 *
 * Algorithm: Lawson & Hanson, "Solving Least Squares Problems" (1974), ch. 23, algorithm NNLS —
 * the active-set method also behind MATLAB's lsqnonneg and scipy.optimize.nnls.
 *   P = ∅ (passive set, free variables), Z = all indices (held at zero), x = 0
 *   w = Aᵀ(b − A x)
 *   while some j ∈ Z has w_j > tol:
 *     move t = argmax_{j∈Z} w_j into P
 *     repeat: z = least-squares solution on the columns in P (z_j = 0 for j ∈ Z)
 *             if every z_j (j ∈ P) > 0: x = z, stop repeating
 *             else step from x towards z until the first passive variable hits 0,
 *                  move every passive variable that is now ≤ 0 back to Z
 *     w = Aᵀ(b − A x)
 * On exit x satisfies the KKT conditions: x ≥ 0, w ≤ tol on Z, w ≈ 0 on P.
 *
 * The passive-set subproblems are solved by Householder QR of the selected columns (more accurate
 * than the normal equations, which square the condition number). The problems GainLab solves are
 * small (readout fit: 200·channels rows, 1 + N_E columns), so refactoring from scratch each time
 * costs well under a second.
 *
 * A is row-major m × n: A[i * n + j].
 */

export interface NnlsOptions {
  /** Dual-feasibility tolerance; default 10·ε·max(m, n)·‖A‖₁ (as in scipy/lsqnonneg). */
  tolerance?: number;
  /** Bound on outer iterations (each adds one variable); default 3·n. */
  maxIterations?: number;
}

export interface NnlsResult {
  /** The solution, all entries ≥ 0. */
  x: Float64Array;
  /** ‖A x − b‖₂ */
  residualNorm: number;
  /** Outer iterations used. */
  iterations: number;
  /** False when maxIterations stopped the solver before the KKT conditions were met. */
  converged: boolean;
}

/**
 * Least-squares solution restricted to the columns `cols[0..k)` of A, by Householder QR.
 * Writes the k coefficients into `z` (in the order of `cols`). Columns that are numerically
 * dependent on earlier ones get coefficient 0 (their R diagonal is below `rankTolerance`).
 * `work` must hold m·k values, `rhs` m values, `beta` k values.
 */
function solvePassiveLeastSquares(
  A: Float64Array,
  m: number,
  n: number,
  b: Float64Array,
  cols: Int32Array,
  k: number,
  z: Float64Array,
  work: Float64Array,
  rhs: Float64Array,
  rankTolerance: number,
): void {
  // Column-major copy of the selected columns: work[c * m + i] = A[i, cols[c]].
  for (let c = 0; c < k; c++) {
    const j = cols[c];
    const base = c * m;
    for (let i = 0; i < m; i++) work[base + i] = A[i * n + j];
  }
  rhs.set(b.subarray(0, m));
  const steps = Math.min(k, m);
  for (let c = 0; c < steps; c++) {
    const base = c * m;
    // Householder vector v for column c below the diagonal: H = I − 2 v vᵀ / vᵀv.
    let normSq = 0;
    for (let i = c; i < m; i++) normSq += work[base + i] * work[base + i];
    const norm = Math.sqrt(normSq);
    if (norm === 0) continue;
    const alpha = work[base + c] > 0 ? -norm : norm;
    work[base + c] -= alpha; // v = a − alpha·e_c, stored in place of the column
    let vNormSq = 0;
    for (let i = c; i < m; i++) vNormSq += work[base + i] * work[base + i];
    const scale = 2 / vNormSq;
    for (let cc = c + 1; cc < k; cc++) {
      const other = cc * m;
      let dot = 0;
      for (let i = c; i < m; i++) dot += work[base + i] * work[other + i];
      dot *= scale;
      for (let i = c; i < m; i++) work[other + i] -= dot * work[base + i];
    }
    let dot = 0;
    for (let i = c; i < m; i++) dot += work[base + i] * rhs[i];
    dot *= scale;
    for (let i = c; i < m; i++) rhs[i] -= dot * work[base + i];
    // R's diagonal entry for this column is alpha; the sub-diagonal part is no longer needed.
    work[base + c] = alpha;
  }
  // Back substitution R z = Qᵀ b (first `steps` rows); columns beyond m or rank-deficient → 0.
  for (let c = k - 1; c >= 0; c--) {
    if (c >= steps) {
      z[c] = 0;
      continue;
    }
    const diag = work[c * m + c];
    if (Math.abs(diag) <= rankTolerance) {
      z[c] = 0;
      continue;
    }
    let sum = rhs[c];
    for (let cc = c + 1; cc < k; cc++) sum -= work[cc * m + c] * z[cc];
    z[c] = sum / diag;
  }
}

/** Dual vector w = Aᵀ(b − A x); also returns ‖b − A x‖₂. `residual` holds m values. */
function dual(
  A: Float64Array,
  m: number,
  n: number,
  b: Float64Array,
  x: Float64Array,
  w: Float64Array,
  residual: Float64Array,
): number {
  let residualSq = 0;
  for (let i = 0; i < m; i++) {
    let s = b[i];
    const row = i * n;
    for (let j = 0; j < n; j++) s -= A[row + j] * x[j];
    residual[i] = s;
    residualSq += s * s;
  }
  w.fill(0);
  for (let i = 0; i < m; i++) {
    const r = residual[i];
    const row = i * n;
    for (let j = 0; j < n; j++) w[j] += A[row + j] * r;
  }
  return Math.sqrt(residualSq);
}

export function nnls(A: Float64Array, m: number, n: number, b: Float64Array, options: NnlsOptions = {}): NnlsResult {
  if (!Number.isInteger(m) || !Number.isInteger(n) || m < 1 || n < 1) {
    throw new RangeError(`nnls: bad dimensions ${m} × ${n}`);
  }
  if (A.length < m * n) throw new RangeError(`nnls: A has ${A.length} values, needs ${m * n}`);
  if (b.length < m) throw new RangeError(`nnls: b has ${b.length} values, needs ${m}`);

  let normA1 = 0; // max column sum, ‖A‖₁
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < m; i++) s += Math.abs(A[i * n + j]);
    if (s > normA1) normA1 = s;
  }
  const tolerance = options.tolerance ?? 10 * Number.EPSILON * Math.max(m, n) * normA1;
  const maxIterations = options.maxIterations ?? 3 * n;
  const rankTolerance = 10 * Number.EPSILON * Math.max(m, n) * Math.max(normA1, Number.MIN_VALUE);

  const x = new Float64Array(n);
  const w = new Float64Array(n);
  const residual = new Float64Array(m);
  const passive = new Uint8Array(n);
  const cols = new Int32Array(n);
  const zPassive = new Float64Array(n);
  const zFull = new Float64Array(n);
  const work = new Float64Array(m * n);
  const rhs = new Float64Array(m);

  let residualNorm = dual(A, m, n, b, x, w, residual);
  let iterations = 0;
  let converged = false;
  // Variables whose w was positive but whose LS coefficient came out ≤ 0 right after entering
  // (a rounding artefact of Lawson–Hanson); they are barred until x changes.
  const barred = new Uint8Array(n);

  for (;;) {
    let t = -1;
    let best = tolerance;
    for (let j = 0; j < n; j++) {
      if (!passive[j] && !barred[j] && w[j] > best) {
        best = w[j];
        t = j;
      }
    }
    if (t < 0) {
      converged = true;
      break;
    }
    if (iterations >= maxIterations) break;
    iterations++;
    passive[t] = 1;

    let firstInner = true;
    for (;;) {
      let k = 0;
      for (let j = 0; j < n; j++) if (passive[j]) cols[k++] = j;
      solvePassiveLeastSquares(A, m, n, b, cols, k, zPassive, work, rhs, rankTolerance);
      zFull.fill(0);
      let allPositive = true;
      for (let c = 0; c < k; c++) {
        zFull[cols[c]] = zPassive[c];
        if (zPassive[c] <= 0) allPositive = false;
      }
      if (allPositive) {
        x.set(zFull);
        break;
      }
      if (firstInner && zFull[t] <= 0) {
        // The entering variable cannot improve the fit numerically: take it back out and bar it.
        passive[t] = 0;
        barred[t] = 1;
        break;
      }
      firstInner = false;
      // Step length: largest step from x towards z that keeps every passive variable ≥ 0.
      let step = Infinity;
      let stepIndex = -1;
      for (let c = 0; c < k; c++) {
        const j = cols[c];
        if (zFull[j] <= 0) {
          const ratio = x[j] / (x[j] - zFull[j]);
          if (ratio < step) {
            step = ratio;
            stepIndex = j;
          }
        }
      }
      for (let j = 0; j < n; j++) {
        if (passive[j]) x[j] += step * (zFull[j] - x[j]);
      }
      // The variable that set the step is now zero (up to rounding), as is any other passive
      // variable driven to ≤ 0: they leave the passive set.
      x[stepIndex] = 0;
      for (let c = 0; c < k; c++) {
        const j = cols[c];
        if (x[j] <= 0) {
          x[j] = 0;
          passive[j] = 0;
        }
      }
      barred.fill(0);
      let anyPassive = false;
      for (let j = 0; j < n; j++) if (passive[j]) anyPassive = true;
      if (!anyPassive) break;
    }
    if (!barred[t]) barred.fill(0);
    residualNorm = dual(A, m, n, b, x, w, residual);
  }
  return { x, residualNorm, iterations, converged };
}

/**
 * Unconstrained least squares min ‖A x − b‖₂ (A row-major m × n, m ≥ n, full column rank) by
 * Householder QR. Used by tests and by callers that need the plain solution.
 */
export function leastSquares(A: Float64Array, m: number, n: number, b: Float64Array): Float64Array {
  const cols = new Int32Array(n);
  for (let j = 0; j < n; j++) cols[j] = j;
  const z = new Float64Array(n);
  solvePassiveLeastSquares(A, m, n, b, cols, n, z, new Float64Array(m * n), new Float64Array(m), 0);
  return z;
}
