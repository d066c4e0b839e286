import { describe, expect, it } from 'vitest';
import { expectClose } from '../../helpers/expectClose.js';
import { gridTime } from '../../../src-renderer/editor/editableTarget.js';
import { gaussianSmooth } from '../../../src-renderer/editor/smoothing.js';
import { Rng } from '../../../src-shared/model/rng.js';

function sampled(n: number, T: number, f: (t: number) => number): Float64Array {
  return Float64Array.from({ length: n }, (_, k) => f(gridTime(k, n, T)));
}

describe('Gaussian smoothing', () => {
  it('keeps a constant exactly, for narrow, wide and wider-than-the-movement kernels', () => {
    const constant = new Float64Array(200).fill(-7.25);
    for (const sigma of [0.5, 5, 40, 300, 2000]) {
      expectClose(gaussianSmooth(constant, 500, sigma), constant, { rtol: 1e-13 });
    }
  });

  it('keeps a linear trend exactly, including at both ends', () => {
    const line = sampled(200, 500, (t) => 3 - 0.04 * t);
    for (const sigma of [0.5, 5, 40, 300, 2000]) {
      expectClose(gaussianSmooth(line, 500, sigma), line, { rtol: 1e-12, atol: 1e-12 });
    }
  });

  it('adds σ² to a parabola in the interior (Gaussian convolution of t²)', () => {
    // Grid step 1 ms, σ = 10 ms: the discrete kernel's variance is σ² up to its ±6σ truncation (~1e-7 relative).
    const n = 1001;
    const T = 1000;
    const sigma = 10;
    const smoothed = gaussianSmooth(sampled(n, T, (t) => (t / 100) ** 2), T, sigma);
    for (let k = 100; k <= 900; k += 50) {
      const t = gridTime(k, n, T);
      expectClose(smoothed[k], (t / 100) ** 2 + (sigma / 100) ** 2, { rtol: 1e-8 });
    }
  });

  it('attenuates a sinusoid by exp(−2π²f²σ²) in the interior', () => {
    const n = 1001;
    const T = 1000;
    const sigma = 10; // ms
    const f = 1 / 100; // per ms
    const smoothed = gaussianSmooth(sampled(n, T, (t) => Math.sin(2 * Math.PI * f * t)), T, sigma);
    const gain = Math.exp(-2 * Math.PI ** 2 * f ** 2 * sigma ** 2);
    for (let k = 60; k <= 940; k += 7) /* ≥ 6σ from the ends */ {
      const t = gridTime(k, n, T);
      expectClose(smoothed[k], gain * Math.sin(2 * Math.PI * f * t), { atol: 1e-7 });
    }
  });

  it('σ is in ms: the same setting gives the same curve at different sample counts', () => {
    const curve = (t: number) => Math.sin(t / 40) + 0.3 * Math.cos(t / 13);
    const coarse = gaussianSmooth(sampled(201, 500, curve), 500, 15);
    const fine = gaussianSmooth(sampled(801, 500, curve), 500, 15);
    for (let k = 0; k < 201; k++) expectClose(coarse[k], fine[4 * k], { atol: 2e-3 });
  });

  it('reduces white noise variance and leaves its input untouched; σ ≤ 0 is the identity', () => {
    const rng = new Rng(21);
    const noise = Float64Array.from({ length: 2000 }, () => rng.normal());
    const copy = Float64Array.from(noise);
    const smoothed = gaussianSmooth(noise, 2000, 5);
    expect(Array.from(noise)).toEqual(Array.from(copy));
    const variance = (x: Float64Array) => x.reduce((s, v) => s + v * v, 0) / x.length;
    // Σ w_j² ≈ 1/(2σ√π) ≈ 0.056 for σ = 5 samples.
    expect(variance(smoothed)).toBeLessThan(0.1 * variance(noise));
    expect(Array.from(gaussianSmooth(noise, 2000, 0))).toEqual(Array.from(noise));
    expect(Array.from(gaussianSmooth(noise, 2000, -3))).toEqual(Array.from(noise));
  });
});
