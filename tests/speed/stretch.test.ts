import { describe, expect, it } from 'vitest';
import { expectClose } from '../helpers/expectClose.js';
import { estimateStretchFactor, stretchObjective } from '../../src-shared/speed/stretch.js';

// A smooth movement with the shape of the generated targets: Gaussian bumps over T = 500 ms.
function movement(t: number, channel = 0): number {
  const bumps = channel === 0
    ? [[120, 40, 12], [260, 55, -8], [380, 30, 15]]
    : [[200, 70, -10], [330, 35, 6]];
  let v = 0;
  for (const [c, w, a] of bumps) v += a * Math.exp(-0.5 * ((t - c) / w) ** 2);
  return v;
}

const T = 500;
const n = 200;
const h = T / (n - 1);

function reference(channels: number): Float64Array {
  const values = new Float64Array(channels * n);
  for (let c = 0; c < channels; c++) for (let k = 0; k < n; k++) values[c * n + k] = movement(k * h, c);
  return values;
}

/** y(t) = amplitude · r(t/s), sampled exactly (from the formula, not by interpolation) over 5T. */
function stretched(s: number, channels: number, amplitude = 1): { values: Float64Array; nSamples: number } {
  const nSamples = 5 * (n - 1) + 1;
  const values = new Float64Array(channels * nSamples);
  for (let c = 0; c < channels; c++) {
    for (let k = 0; k < nSamples; k++) values[c * nSamples + k] = amplitude * movement((k * h) / s, c);
  }
  return { values, nSamples };
}

describe('time-stretch factor estimator', () => {
  it('recovers known factors from synthetic stretched signals', () => {
    for (const s of [1, 1.5, 2.3, 4]) {
      const y = stretched(s, 1);
      const estimate = estimateStretchFactor({ values: reference(1), channels: 1, nSamples: n, step: h }, { values: y.values, channels: 1, nSamples: y.nSamples, step: h });
      expectClose(estimate.factor, s, { rtol: 2e-3 });
      expect(estimate.explained).toBeGreaterThan(0.999);
    }
  });

  it('recovers factors of amplitude-scaled (1/s²) copies with fitAmplitude, on two channels', () => {
    for (const s of [1.5, 2.3, 4]) {
      const y = stretched(s, 2, 1 / (s * s));
      const estimate = estimateStretchFactor(
        { values: reference(2), channels: 2, nSamples: n, step: h },
        { values: y.values, channels: 2, nSamples: y.nSamples, step: h },
        { fitAmplitude: true },
      );
      expectClose(estimate.factor, s, { rtol: 2e-3 });
      expectClose(estimate.amplitude, 1 / (s * s), { rtol: 1e-3 });
    }
  });

  it('works when the signal has a different step from the reference', () => {
    const s = 2.3;
    const nSamples = 301;
    const step = (5 * T) / (nSamples - 1);
    const values = Float64Array.from({ length: nSamples }, (_, k) => movement((k * step) / s));
    const estimate = estimateStretchFactor({ values: reference(1), channels: 1, nSamples: n, step: h }, { values, channels: 1, nSamples, step });
    expectClose(estimate.factor, s, { rtol: 5e-3 });
  });

  it('the objective is the mean squared error at the resampled times', () => {
    const ref = reference(1);
    const y = stretched(2, 1);
    // At s = 2 the resampled times 2·t_k fall on every 2nd sample exactly: J = mean (y_{2k} − r_k)².
    let direct = 0;
    for (let k = 0; k < n; k++) direct += (y.values[2 * k] - ref[k]) ** 2;
    expectClose(stretchObjective({ values: ref, channels: 1, nSamples: n, step: h }, { values: y.values, channels: 1, nSamples: y.nSamples, step: h }, 2).value, direct / n, { rtol: 1e-12, atol: 1e-24 });
    // A wrong factor is clearly worse than the right one.
    const wrong = stretchObjective({ values: ref, channels: 1, nSamples: n, step: h }, { values: y.values, channels: 1, nSamples: y.nSamples, step: h }, 2.5).value;
    expect(wrong).toBeGreaterThan(1);
  });

  it('rejects a range the signal cannot cover', () => {
    const y = stretched(2, 1);
    expect(() =>
      estimateStretchFactor({ values: reference(1), channels: 1, nSamples: n, step: h }, { values: y.values, channels: 1, nSamples: y.nSamples, step: h }, { minFactor: 6 }),
    ).toThrow(RangeError);
  });
});
