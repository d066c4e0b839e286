/**
 * Sparse storage of W for the fast kernels, exploiting the SOC structure: in an SOC network every
 * non-zero excitatory weight has one value wE (model-spec §4: "E weights never change"), so the
 * E input of neuron i is wE · Σ_{j ∈ E-neighbours(i)} r_j — indices only, no weights to stream.
 * The remaining non-zeros (all of them when the E weights differ) go to a CSR block with values.
 */
export interface SplitSparse {
  n: number;
  /** The shared E weight, or 0 when E weights are not all equal (then eRowStart is all zeros). */
  sharedWeight: number;
  /** eRowStart[i]..eRowStart[i+1]−1 index eCols: columns of row i whose weight is sharedWeight. */
  eRowStart: Int32Array;
  eCols: Int32Array;
  /** CSR of every other non-zero. */
  rowStart: Int32Array;
  cols: Int32Array;
  values: Float64Array;
}

/**
 * Split W. The shared-weight block is used only when every non-zero in columns 0..nE−1 has the
 * same value (exactly); otherwise everything is plain CSR.
 */
export function splitSparse(W: Float64Array, n: number, nE: number): SplitSparse {
  let shared = NaN;
  let uniform = nE > 0;
  for (let i = 0; i < n && uniform; i++) {
    for (let j = 0; j < nE; j++) {
      const w = W[i * n + j];
      if (w === 0) continue;
      if (Number.isNaN(shared)) shared = w;
      else if (w !== shared) {
        uniform = false;
        break;
      }
    }
  }
  if (Number.isNaN(shared)) uniform = false;
  const sharedWeight = uniform ? shared : 0;
  const eRowStart = new Int32Array(n + 1);
  const rowStart = new Int32Array(n + 1);
  const eColsList: number[] = [];
  const colsList: number[] = [];
  const valuesList: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const w = W[i * n + j];
      if (w === 0) continue;
      if (uniform && j < nE) eColsList.push(j);
      else {
        colsList.push(j);
        valuesList.push(w);
      }
    }
    eRowStart[i + 1] = eColsList.length;
    rowStart[i + 1] = colsList.length;
  }
  return {
    n,
    sharedWeight,
    eRowStart,
    eCols: Int32Array.from(eColsList),
    rowStart,
    cols: Int32Array.from(colsList),
    values: Float64Array.from(valuesList),
  };
}
