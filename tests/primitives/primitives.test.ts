import { describe, expect, it } from 'vitest';
import { expectClose } from '../helpers/expectClose.js';
import { prepareNetwork } from '../../src-shared/experiments/support.js';
import {
  baselineOutput,
  combineGains,
  combineOutputs,
  evaluateCombination,
  fitNovelTarget,
  gainDeviationDistribution,
  libraryFromPatterns,
  libraryGains,
  libraryOutput,
  networkOutput,
  pearson,
  randomControlLibrary,
  subLibrary,
  COEFFICIENT_BOUND,
  LibraryCombiner,
} from '../../src-shared/primitives/library.js';
import { normalisedError } from '../../src-shared/model/dynamics.js';
import { Rng } from '../../src-shared/model/rng.js';

// A small SOC network (N = 40) keeps every simulation well under a millisecond or so.
const prepared = prepareNetwork({ n: 40, seed: 3 });
const { network, params } = prepared;
const n = network.n;

function randomPatterns(count: number, epsilon: number, seed: number): Float64Array[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, () => {
    const g = new Float64Array(n);
    for (let i = 0; i < n; i++) g[i] = 1 + epsilon * rng.normal();
    return g;
  });
}

describe('motor primitives (model-spec §9)', () => {
  const baseline = baselineOutput(network, params);
  const library = libraryFromPatterns(network, params, randomPatterns(4, 0.05, 11));

  it('a combination with one coefficient 1 and the rest 0 reproduces that pattern exactly', () => {
    for (let k = 0; k < library.size; k++) {
      const c = new Float64Array(library.size);
      c[k] = 1;
      const gains = combineGains(library, c);
      // Bit for bit: 1 + (g − 1) = g exactly for gains in [0.5, 2].
      expect(Array.from(gains)).toEqual(Array.from(libraryGains(library, k)));
      const output = networkOutput(network, params, gains);
      expect(Array.from(output)).toEqual(Array.from(libraryOutput(library, k)));
      // The fitted combination m(1) + 1·(m_k − m(1)) is m_k up to rounding.
      expectClose(combineOutputs(library, baseline, c), libraryOutput(library, k), { rtol: 1e-12, atol: 1e-12 });
      // And least squares on target m_k finds c = e_k with zero error.
      const fit = fitNovelTarget(library, baseline, libraryOutput(library, k));
      expectClose(fit.coefficients, c, { atol: 1e-8 });
      expect(fit.fitError).toBeLessThan(1e-16);
      const combination = evaluateCombination(network, params, library, baseline, libraryOutput(library, k));
      expect(combination.outputError).toBeLessThan(1e-14);
    }
  });

  it('the combined output matches the combination of outputs to first order: the gap shrinks like ε²', () => {
    const c = Float64Array.from([0.7, -0.4, 1.3]);
    const directions = randomPatterns(3, 1, 21).map((g) => g.map((v) => v - 1));
    const gap = (epsilon: number): number => {
      const patterns = directions.map((d) => d.map((v) => 1 + epsilon * v));
      const lib = libraryFromPatterns(network, params, patterns);
      const combined = networkOutput(network, params, combineGains(lib, c));
      const predicted = combineOutputs(lib, baseline, c);
      let sum = 0;
      for (let t = 0; t < combined.length; t++) sum += (combined[t] - predicted[t]) ** 2;
      return Math.sqrt(sum);
    };
    const gaps = [0.02, 0.01, 0.005, 0.0025].map(gap);
    for (let k = 0; k + 1 < gaps.length; k++) {
      const ratio = gaps[k] / gaps[k + 1];
      expect(ratio).toBeGreaterThan(3.6);
      expect(ratio).toBeLessThan(4.4);
    }
    // The gap is genuinely second order: far below the size of the first-order change itself.
    const lib = libraryFromPatterns(network, params, directions.map((d) => d.map((v) => 1 + 0.0025 * v)));
    const change = combineOutputs(lib, baseline, c).map((v, t) => v - baseline[t]);
    const changeNorm = Math.sqrt(change.reduce((s, v) => s + v * v, 0));
    expect(gaps[3]).toBeLessThan(0.05 * changeNorm);
  });

  it('the least-squares coefficients solve the normal equations (independent check of the QR solve)', () => {
    const target = libraryOutput(library, 0).map((v, t) => 0.5 * v + 0.3 * libraryOutput(library, 2)[t] + Math.sin(t / 9));
    const fit = fitNovelTarget(library, baseline, target, { rule: 'least-squares' });
    const l = library.size;
    // Aᵀ(A c − b) = 0 with A_tk = m_k(t) − m1(t), b = m* − m1.
    const residual = fit.fit.map((v, t) => v - target[t]);
    for (let k = 0; k < l; k++) {
      let dot = 0;
      let scale = 0;
      const mk = libraryOutput(library, k);
      for (let t = 0; t < residual.length; t++) {
        dot += (mk[t] - baseline[t]) * residual[t];
        scale += Math.abs((mk[t] - baseline[t]) * target[t]);
      }
      expect(Math.abs(dot)).toBeLessThan(1e-10 * scale);
    }
    expectClose(fit.fitError, normalisedError(fit.fit, target, 1, params.nSamples), { rtol: 1e-12 });
  });

  it('duplicate patterns (rank-deficient design) still give a fit', () => {
    const dup = subLibrary(library, [0, 0, 1]);
    const fit = fitNovelTarget(dup, baseline, libraryOutput(library, 1), { rule: 'least-squares' });
    expect(fit.fitError).toBeLessThan(1e-8);
    expectClose(fit.coefficients[0] + fit.coefficients[1], 0, { atol: 1e-4 });
    expectClose(fit.coefficients[2], 1, { atol: 1e-4 });
  });

  it('control libraries follow the normal fit of the learned deviations', () => {
    const dist = gainDeviationDistribution(library);
    const control = randomControlLibrary(network, params, dist, 200, 5);
    const drawn = gainDeviationDistribution(control);
    expectClose(drawn.mean, dist.mean, { atol: 4 * dist.sd / Math.sqrt(200 * n) });
    expectClose(drawn.sd, dist.sd, { rtol: 0.05 });
    // Grouped: one draw per group, so gains are constant within groups.
    const groups = Int32Array.from({ length: n }, (_, i) => i % 4);
    const grouped = randomControlLibrary(network, params, dist, 3, 6, groups);
    for (let i = 4; i < n; i++) expect(grouped.gains[i]).toBe(grouped.gains[i - 4]);
  });

  it('pearson', () => {
    expectClose(pearson([1, 2, 3, 4], [2, 4, 6, 8]), 1, { rtol: 1e-12 });
    expectClose(pearson([1, 2, 3, 4], [8, 6, 4, 2]), -1, { rtol: 1e-12 });
    expectClose(pearson([1, 2, 3], [1, 3, 2]), 0.5, { rtol: 1e-12 });
  });
});

describe('project records', () => {
  it('a library survives the project record and the .gainlab archive', async () => {
    const { libraryToProject, libraryFromProject, manifoldToProject } = await import('../../src-shared/primitives/projectStore.js');
    const { createEmptyProject } = await import('../../src-shared/project/schema.js');
    const { encodeProject, decodeProject } = await import('../../src-shared/project/archive.js');
    const library = libraryFromPatterns(network, params, randomPatterns(3, 0.05, 31));
    const project = createEmptyProject('primitives');
    project.networks.push({
      id: 'net', name: 'net', n, nE: network.nE, W: network.W, initialConditions: network.x0, nInitialConditions: 1,
      readout: { channels: 1, weights: network.readout.weights, fittedTo: null, fitError: null },
      params, seed: 3, soc: null, origin: 'soc', createdAt: project.createdAt,
    });
    project.primitiveLibraries.push(libraryToProject(library, { id: 'lib', name: 'lib', networkId: 'net' }));
    project.speedManifolds.push(manifoldToProject({ durations: [500, 2500], gains: library.gains.slice(0, 2 * n) }, n, { id: 'speed', name: 'speed', networkId: 'net' }));
    const back = decodeProject(encodeProject(project));
    const restored = libraryFromProject(back.primitiveLibraries[0]);
    expect(Array.from(restored.gains)).toEqual(Array.from(library.gains));
    expect(Array.from(restored.outputs)).toEqual(Array.from(library.outputs));
    expect([restored.size, restored.n, restored.channels, restored.nSamples]).toEqual([3, n, 1, params.nSamples]);
    expect(back.speedManifolds[0].durations).toEqual([500, 2500]);
    // The restored library fits exactly as the original.
    const target = libraryOutput(library, 1);
    expectClose(fitNovelTarget(restored, baseline(), target).coefficients, fitNovelTarget(library, baseline(), target).coefficients, { rtol: 1e-12, atol: 1e-12 });
  });
});

function baseline(): Float64Array {
  return baselineOutput(network, params);
}

describe('ridge option of the fit', () => {
  it('δ = 0 is the plain fit; δ > 0 solves the damped normal equations and shrinks the coefficients', () => {
    const lib = libraryFromPatterns(network, params, randomPatterns(4, 0.05, 41));
    const m1 = baselineOutput(network, params);
    const target = libraryOutput(lib, 0).map((v, t) => v + 2 * Math.sin(t / 13));
    const plain = fitNovelTarget(lib, m1, target, { rule: 'least-squares' });
    expect(Array.from(fitNovelTarget(lib, m1, target, { ridge: 0 }).coefficients)).toEqual(Array.from(plain.coefficients));
    const delta = 0.05;
    const ridged = fitNovelTarget(lib, m1, target, { ridge: delta });
    // (AᵀA + δ s̄ I) c = Aᵀ b, checked directly.
    const l = lib.size;
    const len = target.length;
    const col = (k: number, t: number) => libraryOutput(lib, k)[t] - m1[t];
    let sbar = 0;
    for (let k = 0; k < l; k++) for (let t = 0; t < len; t++) sbar += col(k, t) ** 2;
    sbar /= l;
    for (let j = 0; j < l; j++) {
      let lhs = delta * sbar * ridged.coefficients[j];
      let rhs = 0;
      for (let t = 0; t < len; t++) {
        let ac = 0;
        for (let k = 0; k < l; k++) ac += col(k, t) * ridged.coefficients[k];
        lhs += col(j, t) * ac;
        rhs += col(j, t) * (target[t] - m1[t]);
      }
      expectClose(lhs, rhs, { rtol: 1e-8, atol: 1e-8 * sbar });
    }
    const norm = (c: Float64Array) => Math.hypot(...c);
    expect(norm(ridged.coefficients)).toBeLessThan(norm(plain.coefficients));
    expect(ridged.fitError).toBeGreaterThanOrEqual(plain.fitError);
  });
});

describe('bounded coefficients (GainLab definition primitives-combination)', () => {
  const m1 = baselineOutput(network, params);
  const absSum = (c: ArrayLike<number>) => Array.from(c).reduce((a, v) => a + Math.abs(v), 0);

  it('least squares when Σ|c| ≤ 2; otherwise the smallest ridge δ whose coefficients meet the bound', () => {
    const lib = libraryFromPatterns(network, params, randomPatterns(6, 0.05, 51));
    // Within the bound: a target that is 0.6·m_0 + 0.3·m_1 in the first-order sense.
    const inside = libraryOutput(lib, 0).map((v, t) => m1[t] + 0.6 * (v - m1[t]) + 0.3 * (libraryOutput(lib, 1)[t] - m1[t]));
    const plainInside = fitNovelTarget(lib, m1, inside, { rule: 'least-squares' });
    const boundedInside = fitNovelTarget(lib, m1, inside);
    expect(absSum(plainInside.coefficients)).toBeLessThanOrEqual(COEFFICIENT_BOUND);
    expect(Array.from(boundedInside.coefficients)).toEqual(Array.from(plainInside.coefficients));
    expect(boundedInside.ridge).toBe(0);
    // Beyond the bound: a target far from the library's span needs large coefficients.
    const far = m1.map((v, t) => v + 6 * Math.sin(t / 11));
    const plain = fitNovelTarget(lib, m1, far, { rule: 'least-squares' });
    expect(absSum(plain.coefficients)).toBeGreaterThan(COEFFICIENT_BOUND);
    const bounded = fitNovelTarget(lib, m1, far);
    expect(bounded.ridge).toBeGreaterThan(0);
    expect(bounded.coefficientSum).toBeLessThanOrEqual(COEFFICIENT_BOUND * (1 + 1e-9));
    // the same δ as a fixed ridge gives the same coefficients; a δ 2 % smaller breaks the bound
    expectClose(fitNovelTarget(lib, m1, far, { ridge: bounded.ridge }).coefficients, bounded.coefficients, { rtol: 1e-10, atol: 1e-12 });
    expect(absSum(fitNovelTarget(lib, m1, far, { ridge: bounded.ridge / 1.02 }).coefficients)).toBeGreaterThan(COEFFICIENT_BOUND);
    // shrinking costs fit error
    expect(bounded.fitError).toBeGreaterThanOrEqual(plain.fitError);
  });

  it('one combiner fits many targets exactly as separate fits do', () => {
    const lib = libraryFromPatterns(network, params, randomPatterns(5, 0.1, 52));
    const combiner = new LibraryCombiner(lib, m1);
    for (const k of [0, 3]) {
      const target = m1.map((v, t) => v + (k + 1) * Math.cos(t / (7 + k)));
      expect(Array.from(combiner.fit(target).coefficients)).toEqual(Array.from(fitNovelTarget(lib, m1, target).coefficients));
    }
  });
});
