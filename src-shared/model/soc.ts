/**
 * Stability-optimised circuits (SOC; Hennequin, Vogels & Gerstner 2014) as built by the code
 * published with Stroud et al. 2018 — model-spec §4.
 *
 * Initial matrix: round(N(N−1)p) off-diagonal entries chosen uniformly at random, E entries
 * +w0/√N, I entries −γ·w0/√N, w0 = √2·R/√(p(1−p)(1+γ²)). Then, while α(W) = max Re λ(W) > target:
 *   1. s = max(1.5α, α + 0.2), A = W − s·I
 *   2. Q, P: Aᵀ·Q + Q·A = −2I, A·P + P·Aᵀ = −2I (one Schur form of W serves α, Q and P)
 *   3. G = Q·P / trace(Q·P); W[:, I] −= η·G[:, I]
 *   4. Dale's law: positive I weights → 0
 *   5. balance: scale W[E,I] so mean(W[E,I]) = −γ·mean(W[E,E]); W[I,I] so mean(W[I,I]) = −γ·mean(W[I,E])
 *   6. keep the round(0.4·N·N/2) − 1 most negative I entries, zero the rest
 *   7. zero the diagonal
 *
 * Recipes:
 *  - 'published': exactly the above with fixed η (default 10).
 *  - 'adaptive' [GainLab]: the same step, constraints and stopping rule, one Schur form per
 *    iteration as well, but η adapts ("bold driver"): after a step that lowered α, η grows by
 *    `etaGrowth` (up to `etaMax`); after one that raised it, η shrinks by `etaShrink`, never below
 *    `etaMin` (default: the published η). The long early descent from α ≈ 10 then takes large steps;
 *    near the target, where pruning and rebalancing make α noisy, η falls back towards the published
 *    value. Once α ≤ target it takes steps of size etaMin until one ends with α ≤ target, because
 *    the final step's pruning sets the E/I balance error (∝ η). For N = 200 this cuts the published
 *    ~1 300–1 900 iterations to a few hundred.
 */

import { Rng } from './rng.js';
import { OperationStopped, withInterrupt } from '../linalg/interrupt.js';
import { createSchurWorkspace, maxReal, realSchurInto, type SchurWorkspace } from '../linalg/schur.js';
import { createLyapunovWorkspace, solveLyapunovPairSchurCoordinatesInto, type LyapunovWorkspace } from '../linalg/lyapunov.js';
import { matmulInto, matmulTransBInto } from '../linalg/dense.js';

export type SocRecipe = 'published' | 'adaptive';

export interface SocOptions {
  /** Number of neurons N (even, ≥ 4); the first N/2 are excitatory. */
  n: number;
  /** Connection probability of the initial matrix (0 < p < 1). Default 0.1. */
  p?: number;
  /** Initial spectral radius parameter R. Default 10. */
  R?: number;
  /** Inhibition/excitation ratio γ. Default 3. */
  gamma?: number;
  /** Stop when α(W) ≤ targetAlpha. Default 0.15. */
  targetAlpha?: number;
  /** Learning rate η (the starting η for 'adaptive'). Default 10. */
  eta?: number;
  seed: number;
  recipe?: SocRecipe;
  /** Safety cap on the number of weight updates. Default 20 000. */
  maxIterations?: number;
  /** Send the full spectrum with the progress report every this many iterations (default 25); it is
   *  always sent with the first and the last report (0 = only those). */
  eigenvalueEvery?: number;
  /** 'adaptive' only: factor by which η grows after a step that lowered α. Default 1.3. */
  etaGrowth?: number;
  /** 'adaptive' only: factor by which η shrinks after a step that raised α. Default 0.6. */
  etaShrink?: number;
  /** 'adaptive' only: bounds on η. Defaults eta and 20·eta. */
  etaMin?: number;
  etaMax?: number;
}

export interface SocProgress {
  /** Weight updates done so far. */
  iteration: number;
  /** α(W) of the current matrix. */
  alpha: number;
  /** Learning rate used for the last accepted step. */
  eta: number;
  /** Spectrum of W (every `eigenvalueEvery` iterations and at the end). */
  eigenvalues?: { re: Float64Array; im: Float64Array };
}

export interface SocResult {
  W: Float64Array;
  n: number;
  nE: number;
  /** α(W) before any update, then after every accepted update (length iterations + 1). */
  alphaHistory: Float64Array;
  /** Accepted weight updates. */
  iterations: number;
  /** Schur forms computed (iterations + 1: one per update plus the initial one). */
  schurForms: number;
  seed: number;
  recipe: SocRecipe;
  /** True when shouldStop() ended the run early (W is the partial result). */
  stopped: boolean;
  /** True when α(W) ≤ targetAlpha at the end. */
  converged: boolean;
  elapsedMs: number;
  options: Required<Omit<SocOptions, 'seed' | 'recipe'>>;
}

interface ResolvedOptions {
  n: number;
  p: number;
  R: number;
  gamma: number;
  targetAlpha: number;
  eta: number;
  seed: number;
  recipe: SocRecipe;
  maxIterations: number;
  eigenvalueEvery: number;
  etaGrowth: number;
  etaShrink: number;
  etaMin: number;
  etaMax: number;
}

function finite(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`SOC: ${name} must be a finite number, got ${String(v)}`);
  return v;
}

export function resolveSocOptions(o: SocOptions): ResolvedOptions {
  if (o === null || typeof o !== 'object') throw new TypeError('SOC: options object required');
  const n = finite('n', o.n);
  if (!Number.isInteger(n) || n < 4 || n % 2 !== 0) throw new RangeError(`SOC: n must be an even integer ≥ 4, got ${n}`);
  const p = finite('p', o.p ?? 0.1);
  if (!(p > 0 && p < 1)) throw new RangeError(`SOC: p must be in (0, 1), got ${p}`);
  const R = finite('R', o.R ?? 10);
  if (!(R > 0)) throw new RangeError(`SOC: R must be positive, got ${R}`);
  const gamma = finite('gamma', o.gamma ?? 3);
  if (!(gamma > 0)) throw new RangeError(`SOC: gamma must be positive, got ${gamma}`);
  const targetAlpha = finite('targetAlpha', o.targetAlpha ?? 0.15);
  const eta = finite('eta', o.eta ?? 10);
  if (!(eta > 0)) throw new RangeError(`SOC: eta must be positive, got ${eta}`);
  const seed = finite('seed', o.seed);
  if (!Number.isSafeInteger(seed)) throw new RangeError(`SOC: seed must be a safe integer, got ${seed}`);
  const recipe = o.recipe ?? 'published';
  if (recipe !== 'published' && recipe !== 'adaptive') throw new RangeError(`SOC: recipe must be 'published' or 'adaptive', got ${String(recipe)}`);
  const maxIterations = finite('maxIterations', o.maxIterations ?? 20000);
  if (!Number.isInteger(maxIterations) || maxIterations < 0) throw new RangeError(`SOC: maxIterations must be a non-negative integer, got ${maxIterations}`);
  const eigenvalueEvery = finite('eigenvalueEvery', o.eigenvalueEvery ?? 25);
  if (!Number.isInteger(eigenvalueEvery) || eigenvalueEvery < 0) throw new RangeError(`SOC: eigenvalueEvery must be a non-negative integer, got ${eigenvalueEvery}`);
  const etaGrowth = finite('etaGrowth', o.etaGrowth ?? 1.3);
  if (!(etaGrowth >= 1)) throw new RangeError(`SOC: etaGrowth must be ≥ 1, got ${etaGrowth}`);
  const etaShrink = finite('etaShrink', o.etaShrink ?? 0.6);
  if (!(etaShrink > 0 && etaShrink <= 1)) throw new RangeError(`SOC: etaShrink must be in (0, 1], got ${etaShrink}`);
  const etaMin = finite('etaMin', o.etaMin ?? eta);
  if (!(etaMin > 0 && etaMin <= eta)) throw new RangeError(`SOC: etaMin must be in (0, eta], got ${etaMin}`);
  const etaMax = finite('etaMax', o.etaMax ?? 20 * eta);
  if (!(etaMax >= eta)) throw new RangeError(`SOC: etaMax must be ≥ eta, got ${etaMax}`);
  return { n, p, R, gamma, targetAlpha, eta, seed, recipe, maxIterations, eigenvalueEvery, etaGrowth, etaShrink, etaMin, etaMax };
}

/** w0 of model-spec §4. */
export function socW0(p: number, R: number, gamma: number): number {
  return (Math.SQRT2 * R) / Math.sqrt(p * (1 - p) * (1 + gamma * gamma));
}

/** The initial sparse E/I matrix of model-spec §4 (N(N−1)p uniformly chosen off-diagonal entries). */
export function initialSocMatrix(n: number, p: number, R: number, gamma: number, rng: Rng): Float64Array {
  const nE = n / 2;
  const offDiagonal = n * (n - 1);
  const count = Math.round(offDiagonal * p);
  // partial Fisher–Yates over the off-diagonal positions: the first `count` are a uniform subset
  const positions = new Int32Array(offDiagonal);
  for (let t = 0; t < offDiagonal; t++) positions[t] = t;
  for (let t = 0; t < count; t++) {
    const u = t + rng.int(offDiagonal - t);
    const tmp = positions[t];
    positions[t] = positions[u];
    positions[u] = tmp;
  }
  const scale = socW0(p, R, gamma) / Math.sqrt(n);
  const W = new Float64Array(n * n);
  for (let t = 0; t < count; t++) {
    const pos = positions[t];
    const i = Math.floor(pos / (n - 1));
    const jj = pos - i * (n - 1);
    const j = jj < i ? jj : jj + 1; // skip the diagonal
    W[i * n + j] = j < nE ? scale : -gamma * scale;
  }
  return W;
}

/** Preallocated buffers for one SOC run (nothing is allocated per iteration). */
class SocWorkspace {
  readonly schur: SchurWorkspace;
  readonly lyap: LyapunovWorkspace;
  /** Lyapunov solutions in Schur coordinates and the products of the gradient. */
  readonly Y: Float64Array;
  readonly X: Float64Array;
  readonly ZY: Float64Array;
  readonly XZI: Float64Array;
  /** η-free step direction on the I columns: G[:, I] (n × nI, row-major). */
  readonly gradI: Float64Array;
  readonly sortBuffer: Float64Array;
  constructor(n: number) {
    this.schur = createSchurWorkspace(n);
    this.lyap = createLyapunovWorkspace(n);
    this.Y = new Float64Array(n * n);
    this.X = new Float64Array(n * n);
    this.ZY = new Float64Array(n * n);
    this.XZI = new Float64Array(n * (n / 2));
    this.gradI = new Float64Array(n * (n / 2));
    this.sortBuffer = new Float64Array(n * (n / 2));
  }
}

/**
 * gradI = (Q·P)[:, I] / trace(Q·P) for the Schur form in `schur` and shift s, formed in Schur
 * coordinates: with Q = Z·Y·Zᵀ and P = Z·X·Zᵀ, Q·P = (Z·Y)·(X·Zᵀ) and trace(Q·P) = trace(Y·X),
 * so Q and P themselves are never built (2n³ multiply-adds instead of 3.5n³).
 */
function socGradient(ws: SocWorkspace, schur: SchurWorkspace, n: number, nE: number, s: number): void {
  const { Y, X, ZY, XZI, gradI } = ws;
  const nI = n - nE;
  solveLyapunovPairSchurCoordinatesInto(schur, Y, X, ws.lyap, s, 2);
  // trace(Y·X) = Σ Y ∘ Xᵀ = Σ Y ∘ X (X symmetric)
  let trace = 0;
  for (let i = 0; i < n * n; i++) trace += Y[i] * X[i];
  matmulInto(schur.Z, Y, n, n, n, ZY);
  // (X·Zᵀ)[:, I]: column j of Zᵀ is row nE + j of Z
  matmulTransBInto(X, schur.Z.subarray(nE * n, n * n), n, n, nI, XZI);
  matmulInto(ZY, XZI, n, n, nI, gradI);
  const inv = 1 / trace;
  for (let i = 0; i < n * nI; i++) gradI[i] *= inv;
}

/**
 * Steps 3–7 on the I columns: Wout[:, I] = project(Win[:, I] − η·gradI). E columns are copied.
 * Win and Wout may be the same array.
 */
function applyStepAndConstraints(
  Win: Float64Array,
  Wout: Float64Array,
  ws: SocWorkspace,
  n: number,
  nE: number,
  eta: number,
  gamma: number,
  meanEE: number,
  meanIE: number,
): void {
  const nI = n - nE;
  const gradI = ws.gradI;
  if (Wout !== Win) {
    for (let i = 0; i < n; i++) {
      const row = i * n;
      for (let j = 0; j < nE; j++) Wout[row + j] = Win[row + j];
    }
  }
  // 3–4: gradient step and Dale's law on the I columns; accumulate the block sums for step 5
  let sumEI = 0;
  let sumII = 0;
  for (let i = 0; i < n; i++) {
    const row = i * n + nE;
    const gRow = i * nI;
    let rowSum = 0;
    for (let j = 0; j < nI; j++) {
      let w = Win[row + j] - eta * gradI[gRow + j];
      if (w > 0) w = 0;
      Wout[row + j] = w;
      rowSum += w;
    }
    if (i < nE) sumEI += rowSum;
    else sumII += rowSum;
  }
  // 5: balance (means over all entries of each block, zeros included)
  const meanEI = sumEI / (nE * nI);
  const meanII = sumII / (nI * nI);
  if (!(meanEI < 0) || !(meanII < 0)) {
    throw new Error('SOC: an inhibitory block has become all zero; cannot rebalance (try a smaller eta)');
  }
  const scaleEI = (-gamma * meanEE) / meanEI;
  const scaleII = (-gamma * meanIE) / meanII;
  for (let i = 0; i < n; i++) {
    const row = i * n + nE;
    const f = i < nE ? scaleEI : scaleII;
    for (let j = 0; j < nI; j++) Wout[row + j] *= f;
  }
  // 6: keep the round(0.4·N·N/2) − 1 most negative I entries
  const keep = Math.round(0.4 * n * nI) - 1;
  const sorted = ws.sortBuffer;
  let t = 0;
  for (let i = 0; i < n; i++) {
    const row = i * n + nE;
    for (let j = 0; j < nI; j++) sorted[t++] = Wout[row + j];
  }
  sorted.sort();
  if (keep <= 0) {
    for (let i = 0; i < n; i++) Wout.fill(0, i * n + nE, i * n + n);
  } else if (keep < n * nI) {
    const threshold = sorted[keep - 1];
    // entries equal to the threshold beyond the first `tiesToKeep` (column-major, MATLAB's order) go too
    let tiesToKeep = 0;
    for (let k = keep - 1; k >= 0 && sorted[k] === threshold; k--) tiesToKeep++;
    for (let j = 0; j < nI; j++) {
      for (let i = 0; i < n; i++) {
        const idx = i * n + nE + j;
        const w = Wout[idx];
        if (w < threshold) continue;
        if (w === threshold && tiesToKeep > 0) {
          tiesToKeep--;
          continue;
        }
        Wout[idx] = 0;
      }
    }
  }
  // 7: zero diagonal
  for (let i = 0; i < n; i++) Wout[i * n + i] = 0;
}

function blockMean(W: Float64Array, n: number, r0: number, r1: number, c0: number, c1: number): number {
  let s = 0;
  for (let i = r0; i < r1; i++) for (let j = c0; j < c1; j++) s += W[i * n + j];
  return s / ((r1 - r0) * (c1 - c0));
}

/**
 * Build an SOC network (model-spec §4). Long-running: reports through onProgress after every
 * accepted update and polls shouldStop(); when stopped, returns the partial W with stopped = true.
 */
export function buildSoc(
  options: SocOptions,
  onProgress?: (p: SocProgress) => void,
  shouldStop?: () => boolean,
): SocResult {
  const started = Date.now();
  const o = resolveSocOptions(options);
  const { n, gamma, targetAlpha, recipe, maxIterations, eigenvalueEvery } = o;
  const nE = n / 2;
  const adaptive = recipe === 'adaptive';
  const rng = new Rng(o.seed);
  const W = initialSocMatrix(n, o.p, o.R, gamma, rng);
  // E weights never change, so the E-block means (and with them the balance targets) are fixed.
  const meanEE = blockMean(W, n, 0, nE, 0, nE);
  const meanIE = blockMean(W, n, nE, n, 0, nE);
  if (!(meanEE > 0) || !(meanIE > 0)) {
    throw new RangeError(`SOC: the initial matrix has an empty E block (n = ${n}, p = ${o.p}); increase n or p`);
  }

  const ws = new SocWorkspace(n);
  const history: number[] = [];
  const schur = ws.schur;
  let iterations = 0;
  let stopped = false;
  let schurForms = 0;
  let alpha = NaN;
  const result = (): SocResult => ({
      W,
      n,
      nE,
      alphaHistory: Float64Array.from(history),
      iterations,
      schurForms,
      seed: o.seed,
      recipe,
      stopped,
      converged: alpha <= targetAlpha,
      elapsedMs: Date.now() - started,
      options: {
        n,
        p: o.p,
        R: o.R,
        gamma,
        targetAlpha,
        eta: o.eta,
        maxIterations,
        eigenvalueEvery,
        etaGrowth: o.etaGrowth,
        etaShrink: o.etaShrink,
        etaMin: o.etaMin,
        etaMax: o.etaMax,
      },
    });
  // every O(N³) step stops within a row or column of its work when a stop is asked (linalg/interrupt.ts):
  // at N = 2000 one iteration takes minutes, and a cancel must not wait for it
  try {
    withInterrupt(shouldStop, () => realSchurInto(W, n, schur));
  } catch (error) {
    if (!(error instanceof OperationStopped)) throw error;
    stopped = true;
    return result();
  }
  schurForms = 1;
  alpha = maxReal(schur.wr, n);
  history.push(alpha);
  /** W before the step being taken: a step stopped half-way is undone. */
  const previousW = new Float64Array(n * n);
  let eta = o.eta;
  let lastEta = eta;

  let lastSpectrumAt = -1;
  const report = (force: boolean): void => {
    if (!onProgress) return;
    const withSpectrum = force || (eigenvalueEvery > 0 && iterations % eigenvalueEvery === 0);
    if (withSpectrum) lastSpectrumAt = iterations;
    onProgress({
      iteration: iterations,
      alpha,
      eta: lastEta,
      eigenvalues: withSpectrum ? { re: Float64Array.from(schur.wr), im: Float64Array.from(schur.wi) } : undefined,
    });
  };
  report(true);

  // 'adaptive' stops only after a step of the published size: the block balance is exact after
  // step 5 and only the final step's pruning (step 6) moves it, by an amount that grows with η, so
  // ending on an η0 step leaves the same ~0.1 % imbalance as the published recipe.
  while ((alpha > targetAlpha || (adaptive && lastEta > o.etaMin)) && iterations < maxIterations) {
    if (shouldStop?.()) {
      stopped = true;
      break;
    }
    const s = Math.max(1.5 * alpha, alpha + 0.2);
    previousW.set(W);
    try {
      withInterrupt(shouldStop, () => {
        socGradient(ws, schur, n, nE, s);
        applyStepAndConstraints(W, W, ws, n, nE, eta, gamma, meanEE, meanIE);
        realSchurInto(W, n, schur);
      });
    } catch (error) {
      if (!(error instanceof OperationStopped)) throw error;
      // stopped within the step: W goes back to the last accepted matrix (whose α is the last in the history)
      W.set(previousW);
      stopped = true;
      break;
    }
    schurForms++;
    const previousAlpha = alpha;
    alpha = maxReal(schur.wr, n);
    lastEta = eta;
    if (adaptive) {
      // "Bold driver": grow η while α falls, shrink it (never below the published η) when α rises.
      eta = alpha < previousAlpha ? Math.min(eta * o.etaGrowth, o.etaMax) : Math.max(eta * o.etaShrink, o.etaMin);
      if (alpha <= targetAlpha) eta = o.etaMin; // on target: finish with a published-size step
    }
    iterations++;
    history.push(alpha);
    report(false);
  }
  // the final spectrum, unless the last report already carried it (or a stop left the Schur form half done)
  if (lastSpectrumAt !== iterations && !stopped) report(true);

  return result();
}
