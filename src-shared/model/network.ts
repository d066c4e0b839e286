/**
 * A network with its initial condition and fixed readout.
 * W is row-major: W[i * n + j] = weight from neuron j onto neuron i. Neurons 0..nE−1 are
 * excitatory (read out), nE..n−1 inhibitory.
 */

export interface Readout {
  channels: number;
  /** channels × (1 + nE), row per channel: offset b first, then β for the nE excitatory neurons. */
  weights: Float64Array;
}

export interface Network {
  n: number;
  nE: number;
  W: Float64Array;
  x0: Float64Array;
  readout: Readout;
}

function allFinite(values: Float64Array): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return i;
  return -1;
}

/** null when the shapes fit and every value is finite; otherwise a one-line message. */
export function validateReadout(readout: Readout, nE: number): string | null {
  if (!Number.isInteger(readout.channels) || readout.channels < 1) {
    return `readout.channels must be a positive integer, got ${readout.channels}`;
  }
  if (!(readout.weights instanceof Float64Array)) return 'readout.weights must be a Float64Array';
  const expected = readout.channels * (1 + nE);
  if (readout.weights.length !== expected) {
    return `readout.weights has ${readout.weights.length} values, expected channels × (1 + nE) = ${expected}`;
  }
  const bad = allFinite(readout.weights);
  if (bad >= 0) return `readout.weights[${bad}] is not finite`;
  return null;
}

/** null when valid; otherwise a one-line message naming the first problem. */
export function validateNetwork(network: Network): string | null {
  const { n, nE, W, x0 } = network;
  if (!Number.isInteger(n) || n < 1) return `n must be a positive integer, got ${n}`;
  if (!Number.isInteger(nE) || nE < 0 || nE > n) return `nE must be an integer in [0, n], got ${nE}`;
  if (!(W instanceof Float64Array)) return 'W must be a Float64Array';
  if (W.length !== n * n) return `W has ${W.length} values, expected n² = ${n * n}`;
  if (!(x0 instanceof Float64Array)) return 'x0 must be a Float64Array';
  if (x0.length !== n) return `x0 has ${x0.length} values, expected n = ${n}`;
  let bad = allFinite(W);
  if (bad >= 0) return `W[${Math.floor(bad / n)}, ${bad % n}] is not finite`;
  bad = allFinite(x0);
  if (bad >= 0) return `x0[${bad}] is not finite`;
  if (!network.readout) return 'readout is missing';
  return validateReadout(network.readout, nE);
}
