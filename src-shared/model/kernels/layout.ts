/**
 * How the fast kernels store W, and the one summation order they all follow.
 *
 * Summation order of row i of W·r (assembly/common.ts pairSum, the batch rows of
 * assembly/dynamics.ts, csrJs.ts): with the split of ./sparseStructure.ts (E entries: shared
 * weight wE, index sums; I entries: weights), entries of a row in increasing column order,
 *   e = Σ r over the E entries (in entry order),  y = wE·e,  then y = y + w·r for each I entry.
 * One chain per row: the batch kernel keeps five session vectors' chains in registers (the
 * paper's 10 sessions in one pass over W); the row-pair kernel runs two pairs' chains at once.
 * The RK4 update and the rate (assembly/common.ts rate2, ./fastTanh.ts) are also the same
 * operations in the same order everywhere, so 'csr', 'wasm-pairs', 'wasm-threads' (any number of
 * threads), 'wasm-batch' (any number of sessions) and the batch's 'csr-loop' give the same bits:
 * which kernel a run uses, and how many sessions share a batch, never changes its numbers
 * (tests/model/kernelsThreaded.test.ts). They differ from the dense reference (j = 0..n−1 order,
 * Math.tanh) by ~1e-15 relative.
 *
 * Row pairs (the single-session WebAssembly kernels and the gradient kernel): rows are paired and
 * the two rows of a pair run in the two f64x2 lanes; entries of a pair side by side — u16 byte
 * offsets (a, b) in one u32, weights (a, b) in one v128 — the shorter row padded with weight 0 at
 * a zero slot of r. Rows are sorted by their number of I entries, then of E entries, and paired in
 * that order (least padding).
 */
import type { SplitSparse } from './sparseStructure.js';

/** A sparse matrix in the row-pair layout. */
export interface RowPairs {
  pairCount: number;
  /** row a, row b per pair (b = n for the lone last row of an odd n: the padding slot). */
  rows: Int32Array;
  eStart: Int32Array;
  /** (u16 byte offset a) | (u16 byte offset b) << 16 */
  eOffsets: Uint32Array;
  iStart: Int32Array;
  iOffsets: Uint32Array;
  /** (w_a, w_b) per entry */
  iWeights: Float64Array;
  sharedWeight: number;
}

/** Byte offsets are u16 and the zero slot sits at 8·nPad: n ≤ 8190. */
export const ROW_PAIRS_MAX_N = 8190;

/**
 * Stages of one trial of `nSamples` samples: the initial state, then four per RK4 step (the
 * kernels' stage loop, the adjoint's tape rows, the helpers' chunk counts).
 */
export const trialStages = (nSamples: number): number => 1 + 4 * (nSamples - 1);

/**
 * The pairing order: rows sorted by (I entries, E entries), the padding row n last for odd n.
 * With `ranges` (even row bounds 0 = b0 < b1 < … = nPad), rows are sorted and paired within each
 * range [b_t, b_t+1) only, so pairs b_t/2 … b_t+1/2 − 1 hold exactly the rows of range t (one
 * thread's rows in the threaded gradient kernel). Which row a row is paired with never changes its
 * sum (each lane sums its own row in entry order; padding adds +0).
 */
export function pairOrder(sparse: SplitSparse, ranges?: ArrayLike<number>): Int32Array {
  const n = sparse.n;
  const iLength = (row: number) => sparse.rowStart[row + 1] - sparse.rowStart[row];
  const eLength = (row: number) => sparse.eRowStart[row + 1] - sparse.eRowStart[row];
  const bounds = ranges ?? [0, n + (n % 2)];
  const order: number[] = [];
  for (let t = 0; t + 1 < bounds.length; t++) {
    const rows = Array.from({ length: Math.min(bounds[t + 1], n) - bounds[t] }, (_, i) => bounds[t] + i);
    rows.sort((a, b) => iLength(a) - iLength(b) || eLength(a) - eLength(b) || a - b);
    order.push(...rows);
    if (bounds[t + 1] > n) order.push(n);
  }
  return Int32Array.from(order);
}

/**
 * The row pairs of a split-sparse matrix. `slotOf(column)` is where column j's value sits in the
 * multiplied vector (default j; the single-session kernels renumber neurons so that pair p holds
 * slots 2p, 2p+1); the zero slot is nPad.
 */
export function rowPairs(
  sparse: SplitSparse,
  nPad: number,
  slotOf: (column: number) => number = (j) => j,
  ranges?: ArrayLike<number>,
): RowPairs {
  const n = sparse.n;
  if (n > ROW_PAIRS_MAX_N) throw new RangeError(`the row-pair layout handles n ≤ ${ROW_PAIRS_MAX_N} (u16 byte offsets), got ${n}`);
  const zeroOffset = 8 * nPad;
  const iLength = (row: number) => (row < n ? sparse.rowStart[row + 1] - sparse.rowStart[row] : 0);
  const eLength = (row: number) => (row < n ? sparse.eRowStart[row + 1] - sparse.eRowStart[row] : 0);
  const order = pairOrder(sparse, ranges);
  const pairCount = order.length / 2;
  const eStart = new Int32Array(pairCount + 1);
  const iStart = new Int32Array(pairCount + 1);
  for (let p = 0; p < pairCount; p++) {
    const a = order[2 * p];
    const b = order[2 * p + 1];
    eStart[p + 1] = eStart[p] + Math.max(eLength(a), eLength(b));
    iStart[p + 1] = iStart[p] + Math.max(iLength(a), iLength(b));
  }
  const eOffsets = new Uint32Array(eStart[pairCount]);
  const iOffsets = new Uint32Array(iStart[pairCount]);
  const iWeights = new Float64Array(2 * iStart[pairCount]);
  for (let p = 0; p < pairCount; p++) {
    const pair = [order[2 * p], order[2 * p + 1]];
    for (let k = 0; k < eStart[p + 1] - eStart[p]; k++) {
      const [a, b] = pair.map((row) => (k < eLength(row) ? 8 * slotOf(sparse.eCols[sparse.eRowStart[row] + k]) : zeroOffset));
      eOffsets[eStart[p] + k] = (a | (b << 16)) >>> 0;
    }
    for (let k = 0; k < iStart[p + 1] - iStart[p]; k++) {
      const entry = iStart[p] + k;
      const [a, b] = pair.map((row, lane) => {
        if (k < iLength(row)) {
          iWeights[2 * entry + lane] = sparse.values[sparse.rowStart[row] + k];
          return 8 * slotOf(sparse.cols[sparse.rowStart[row] + k]);
        }
        return zeroOffset;
      });
      iOffsets[entry] = (a | (b << 16)) >>> 0;
    }
  }
  return { pairCount, rows: order, eStart, eOffsets, iStart, iOffsets, iWeights, sharedWeight: sparse.sharedWeight };
}

/**
 * Dense I columns for the row-pair kernels (assembly/dynamics.ts denseBlock): the columns that
 * hold any CSR entry (the I neurons of an SOC network), in increasing order, and per column the
 * weights of every pair (w_a, w_b) — zeros included — at (c·pairCount + p)·2. A row's chain over
 * them is its chain over its own entries with +0 added in between: the same bits.
 */
export interface DenseColumns {
  /** The columns, increasing. */
  columns: Int32Array;
  /** Byte offset of each column's value in the multiplied vector (8·slotOf(column)). */
  offsets: Uint32Array;
  weights: Float64Array;
}

/**
 * Time of a dense pair-column against a listed I pair entry: a column costs one weight load per
 * pair (and a rate per seven pairs), an entry from the lists four loads (its offsets, two gathered
 * rates, its weights), and a stage's products are bound by loads. Measured on the published
 * network (2-core AMD EPYC Zen 5, one thread, alternated in one process): its I part as 10.5 k
 * dense pair-columns took 1.84–1.97 µs per stage against 2.2 µs for its 4.0 k listed pair
 * entries, a ratio of 0.34 (at 100 × 100 columns against 3 957 entries, dense wins by ~14 %).
 */
export const DENSE_COLUMN_COST = 0.34;

/** Above this many bytes of dense weights the lists are kept (the columns stream from L2 every stage). */
export const DENSE_COLUMNS_MAX_BYTES = 1 << 20;

/** The columns that hold CSR entries, increasing. */
function csrColumns(sparse: SplitSparse): Int32Array {
  const used = new Uint8Array(sparse.n);
  for (const j of sparse.cols) used[j] = 1;
  const columns: number[] = [];
  used.forEach((u, j) => u && columns.push(j));
  return Int32Array.from(columns);
}

/**
 * Whether dense I columns beat the row-pair lists for `pairs` (built from `sparse`): their cost,
 * pairCount × columns × DENSE_COLUMN_COST, below the listed pair entries', within
 * DENSE_COLUMNS_MAX_BYTES.
 */
export function denseColumnsPay(sparse: SplitSparse, pairs: RowPairs): boolean {
  const columns = csrColumns(sparse).length;
  if (columns === 0 || pairs.pairCount * columns * 16 > DENSE_COLUMNS_MAX_BYTES) return false;
  return pairs.pairCount * columns * DENSE_COLUMN_COST < pairs.iStart[pairs.pairCount];
}

/** The dense I columns of `pairs` (built from `sparse` with the same `slotOf`). */
export function denseColumns(sparse: SplitSparse, pairs: RowPairs, slotOf: (column: number) => number = (j) => j): DenseColumns {
  const columns = csrColumns(sparse);
  const columnIndex = new Int32Array(sparse.n).fill(-1);
  columns.forEach((j, c) => (columnIndex[j] = c));
  const pairCount = pairs.pairCount;
  const weights = new Float64Array(2 * pairCount * columns.length);
  for (let p = 0; p < pairCount; p++) {
    for (let lane = 0; lane < 2; lane++) {
      const row = pairs.rows[2 * p + lane];
      if (row >= sparse.n) continue; // the padding row of an odd n
      for (let k = sparse.rowStart[row]; k < sparse.rowStart[row + 1]; k++) {
        weights[2 * (columnIndex[sparse.cols[k]] * pairCount + p) + lane] = sparse.values[k];
      }
    }
  }
  return { columns, offsets: Uint32Array.from(columns, (j) => 8 * slotOf(j)), weights };
}
