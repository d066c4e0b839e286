/**
 * Readout fit (model-spec §2) [GainLab definition]: with all gains 1, fit the offset b and the
 * weights β of every output channel to an "initial" movement by non-negative least squares on
 * the design matrix [1, f(x_E(t))]:
 *     min ‖[1, F_E] w_c − m*_c‖₂  subject to w_c ≥ 0   (w_c = [b_c, β_c]), one NNLS per channel.
 * The channels are independent, so fitting each one separately also minimises the multi-channel
 * error (numerator and denominator summed over channels).
 */
import { nnls } from '../linalg/nnls.js';
import type { Readout } from './network.js';

export interface ReadoutFitResult extends Readout {
  /** Residual ‖[1, F_E] w_c − m*_c‖₂ of every channel. */
  residualNorms: Float64Array;
}

/**
 * @param rates   firing rates f(x; g) (what the readout sees), time-major nSamples × n:
 *                rates[k * n + i]; only the first nE neurons (excitatory) are used
 * @param target  channel-major channels × nSamples: target[c * nSamples + k]
 * @returns weights channels × (1 + nE), offset first, all ≥ 0
 */
export function fitReadout(
  rates: Float64Array,
  nSamples: number,
  n: number,
  nE: number,
  target: Float64Array,
  channels: number,
): ReadoutFitResult {
  if (!Number.isInteger(nSamples) || nSamples < 1) throw new RangeError(`fitReadout: bad nSamples ${nSamples}`);
  if (!Number.isInteger(nE) || nE < 0 || nE > n) throw new RangeError(`fitReadout: nE must be in [0, ${n}], got ${nE}`);
  if (rates.length < nSamples * n) {
    throw new RangeError(`fitReadout: rates hold ${rates.length} values, need nSamples × n = ${nSamples * n}`);
  }
  if (!Number.isInteger(channels) || channels < 1 || target.length !== channels * nSamples) {
    throw new RangeError(`fitReadout: target holds ${target.length} values, expected channels × nSamples = ${channels * nSamples}`);
  }
  const columns = 1 + nE;
  const design = new Float64Array(nSamples * columns);
  for (let k = 0; k < nSamples; k++) {
    design[k * columns] = 1;
    for (let i = 0; i < nE; i++) design[k * columns + 1 + i] = rates[k * n + i];
  }
  const weights = new Float64Array(channels * columns);
  const residualNorms = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    const { x, residualNorm } = nnls(design, nSamples, columns, target.subarray(c * nSamples, (c + 1) * nSamples));
    weights.set(x, c * columns);
    residualNorms[c] = residualNorm;
  }
  return { channels, weights, residualNorms };
}
