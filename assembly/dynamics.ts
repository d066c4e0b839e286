// GainLab dynamics kernels in AssemblyScript, built twice by scripts/build-wasm.mjs and embedded as
// base64 in src-shared/model/wasm/: 'dynamics' (SIMD, its own memory) and 'dynamicsShared' (SIMD +
// threads, an imported shared memory, so several threads can work on one trial).
//
// Same RK4 scheme as src-shared/model/dynamics.ts: h = T/(n−1), one step per interval,
//   k1 = F(x)/τ, k2 = F(x + h/2·k1)/τ, k3 = F(x + h/2·k2)/τ, k4 = F(x + h·k3)/τ,
//   x ← x + h/6·(k1 + 2k2 + 2k3 + k4),   F(v) = −v + W f(v; g).
//
// A trial is a sequence of stages: stage 0 sets the initial state, stage s ≥ 1 is RK4 evaluation
// m = (s − 1) mod 4 of step (s − 1)/4 + 1. A stage is ONE pass over the units (row pairs, or rows
// of the batch): for each unit it forms y = W·r (the summation order of assembly/common.ts), then
// at once the slope, the RK4 sum, the next probe state and its rate, written to the other rate
// buffer (rates are double-buffered, so a stage reads only the previous stage's rates). The units
// of a stage are therefore independent: they are cut into chunks that any thread may compute, and
// a trial gives the same bits on 1 thread or many (tests/model/kernelsThreaded.test.ts).
//
// Two kinds of kernel share this scheme:
//  - PAIRS (one session, 'wasm-pairs' / 'wasm-threads'): neurons renumbered so that the rows of pair
//    p are slots 2p, 2p+1 (layout.ts pairs rows of similar length); all vectors live in slot order,
//    so every per-neuron operation is one f64x2 op per pair. Inputs (x0, gains) and outputs
//    (rates, states: time-major, original order) are permuted at the edges of the trial.
//  - BATCH (K sessions in lockstep, 'wasm-batch'): rows in original order, sessions interleaved
//    (value (i, s) at [i·KP + s], KP = K rounded up to even), f64x2 lanes over sessions; each W
//    entry read once serves all K sessions. The readout is computed here too, in the order of
//    computeOutput, so a batched session gives the same bits as the same session run alone.
//
// All buffers are allocated by the host through `allocate` at setup (never during a trial).

import { constant, helperIdle, helperWorked, HELPER_NAP_NS, madd, FIXED_RATES_A, FIXED_RATES_B, FIXED_RATES_BYTES, FixedA, FixedB, PairMatrix, pairESum, pairESum2, pairSum, pairSum2, rate2, RATE_PARAMS_BYTES, rateSplat, rateVecWith, setRateParams, TWO } from './common';

export { allocate, rateVec } from './common';
export { rateVecF32, setNetworkF32, batchTrialF32 } from './batchF32';

const KIND_PAIRS: i32 = 0;
const KIND_BATCH: i32 = 1;

// One kernel: its layout, buffers and per-trial parameters, in memory (not in globals), so that
// every instance on a shared memory (one per thread) reads the same description.
@unmanaged
class Kernel {
  kind: i32 = 0;
  n: i32 = 0;
  // pairs (PAIRS) or rows (BATCH)
  units: i32 = 0;
  // BATCH: f64x2 session vectors per row (KP/2)
  vectors: i32 = 0;
  nSamples: i32 = 0;
  linear: i32 = 0;
  // threaded trials: the parts (one per thread) and chunks per part (see "Threads" below)
  parts: i32 = 0;
  perPart: i32 = 0;
  chunkCount: i32 = 0;
  channels: i32 = 0;
  nE: i32 = 0;
  h: f64 = 0;
  invTau: f64 = 0;
  cNeg: f64 = 0;
  cPos: f64 = 0;
  // threaded trials: global stage numbers (never reset) of the current trial's first stage and of
  // the first stage after it
  trialStart: i64 = 0;
  sequence: i64 = 0;
  // W (a PairMatrix, common.ts): E entries (offsets only) and I entries (offsets and weights) per
  // unit; BATCH: i32 byte offsets j·rowStride and one f64 weight per entry
  matrix: usize = 0;
  slotRow: usize = 0; // PAIRS: i32[2·pairs], original neuron of each slot (n for the padding slot)
  // inputs: PAIRS original order (n values); BATCH interleaved (gainsIn is the gains buffer)
  gainsIn: usize = 0;
  x0In: usize = 0;
  // state, in slot order (PAIRS) or interleaved (BATCH); rA, rB have a zero slot after the last unit
  gains: usize = 0;
  x: usize = 0;
  probe: usize = 0;
  acc: usize = 0;
  y: usize = 0; // W·r of the current stage (units' share of it)
  rA: usize = 0;
  rB: usize = 0;
  // outputs (0 = not kept): PAIRS nSamples × n time-major original order; BATCH nSamples × n·KP
  rates: usize = 0;
  states: usize = 0;
  // BATCH readout: channels × (1 + nE) weights (offset first); outputs channels × nSamples × KP
  readout: usize = 0;
  outputs: usize = 0;
  chunkStart: usize = 0; // i32[chunkCount + 1], units (placeChunks)
  costPrefix: usize = 0; // f64[units + 1]: the summed work of units 0..u−1
  shares: usize = 0; // f64[parts]: each part's fraction of the work (rebalance)
  // per-trial constants as v128 pairs: the rate parameters (common.ts), then invTau, h/2, h, h/6
  params: usize = 0;
  // the thread protocol's words, one 64-byte line each (see "Threads"); 0 until setChunks or setSplit
  sync: usize = 0;
  // a session split ("Sessions split between threads" below): the number of part kernels (0: this
  // is no split) and usize[split] of them
  split: i32 = 0;
  partKernels: usize = 0;
  // PAIRS with dense I columns (setDenseColumns; 0: every I entry from the row-pair lists): the
  // weights of column c for pair p at denseW + (c·units + p)·16, and the byte offset in r of each
  // column's rate (u32[denseCols])
  denseW: usize = 0;
  denseCols: i32 = 0;
  denseColumnOffsets: usize = 0;
  // BATCH of up to three session vectors: W also as row pairs (setBatchPairs; 0: none), used by
  // whole-range stages (one thread, or a part of a session split)
  pairMatrix: usize = 0;
  pairRows: usize = 0; // i32[2·pairCount]: rows a, b of each pair (b = n: the padding row)
  pairCount: i32 = 0;
  // a part of a shared-vector split ("A session vector shared by two parts" below; 0: not one):
  // the rows and row pairs whose last session vector this part computes, the other part's, the
  // exchange buffer of that vector's rates, this part's and the other's published-stage words, and
  // the trial's progress (stages, the next stage to compute, the global number of stage 0)
  coupled: i32 = 0;
  // the split kernel of a shared-vector split: the parts of each mode (splitMode), usize[2] each
  plainParts: usize = 0;
  coupledParts: usize = 0;
  sharedRow0: i32 = 0;
  sharedRow1: i32 = 0;
  sharedPair0: i32 = 0;
  sharedPair1: i32 = 0;
  otherRow0: i32 = 0;
  otherRow1: i32 = 0;
  otherPair0: i32 = 0;
  otherPair1: i32 = 0;
  exchange: usize = 0;
  exchangeParity: usize = 0; // bytes between the two parities' buffers
  ownWord: usize = 0;
  otherWord: usize = 0;
  stages: i32 = 0;
  nextStage: i32 = 0;
  stageBase: i64 = 0;
}

const P_INV_TAU: usize = RATE_PARAMS_BYTES;
const P_HALF_H: usize = RATE_PARAMS_BYTES + 16;
const P_FULL_H: usize = RATE_PARAMS_BYTES + 32;
const P_SIXTH_H: usize = RATE_PARAMS_BYTES + 48;
const PARAMS_BYTES: usize = RATE_PARAMS_BYTES + 64;

export function newKernel(): usize {
  const bytes = offsetof<Kernel>();
  const ptr = heap.alloc(bytes + 16);
  const aligned = (ptr + 15) & ~(<usize>15);
  memory.fill(aligned, 0, bytes);
  changetype<Kernel>(aligned).matrix = (heap.alloc(offsetof<PairMatrix>() + 16) + 15) & ~(<usize>15);
  const params = (heap.alloc(PARAMS_BYTES + 16) + 15) & ~(<usize>15);
  memory.fill(params, 0, PARAMS_BYTES);
  changetype<Kernel>(aligned).params = params;
  return aligned;
}

export function setLayout(
  kernel: usize,
  kind: i32,
  n: i32,
  units: i32,
  vectors: i32,
  sharedWeight: f64,
  eStart: usize,
  eOffsets: usize,
  iStart: usize,
  iOffsets: usize,
  iWeights: usize,
  slotRow: usize,
): void {
  const k = changetype<Kernel>(kernel);
  k.kind = kind;
  k.n = n;
  k.units = units;
  k.vectors = vectors;
  const m = changetype<PairMatrix>(k.matrix);
  m.sharedWeight = sharedWeight;
  m.eStart = eStart;
  m.eOffsets = eOffsets;
  m.iStart = iStart;
  m.iOffsets = iOffsets;
  m.iWeights = iWeights;
  k.slotRow = slotRow;
}

export function setBuffers(
  kernel: usize,
  gainsIn: usize,
  x0In: usize,
  gains: usize,
  x: usize,
  probe: usize,
  acc: usize,
  y: usize,
  rA: usize,
  rB: usize,
  rates: usize,
  states: usize,
): void {
  const k = changetype<Kernel>(kernel);
  k.gainsIn = gainsIn;
  k.x0In = x0In;
  k.gains = gains;
  k.x = x;
  k.probe = probe;
  k.acc = acc;
  k.y = y;
  k.rA = rA;
  k.rB = rB;
  k.rates = rates;
  k.states = states;
}

export function setReadout(kernel: usize, readout: usize, channels: i32, nE: i32, outputs: usize): void {
  const k = changetype<Kernel>(kernel);
  k.readout = readout;
  k.channels = channels;
  k.nE = nE;
  k.outputs = outputs;
}

// Chunks of a threaded trial: `parts` parts (one per thread, the calling thread's is part 0) of
// `perPart` chunks each, written to chunkStart (i32[parts·perPart + 1], units) from costPrefix
// (f64[units + 1], the summed work of units 0..u−1), equal shares to begin with. Allocates the
// words of the thread protocol ("Threads" below), so call it once, before any helper starts.
export function setChunks(kernel: usize, parts: i32, perPart: i32, chunkStart: usize, costPrefix: usize): void {
  const k = changetype<Kernel>(kernel);
  k.parts = parts;
  k.perPart = perPart;
  k.chunkCount = parts * perPart;
  k.chunkStart = chunkStart;
  k.costPrefix = costPrefix;
  k.shares = (heap.alloc(<usize>parts << 3) + 7) & ~(<usize>7);
  for (let t = 0; t < parts; t++) store<f64>(k.shares + (<usize>t << 3), 1.0 / <f64>parts);
  placeChunks(k);
  const lines = <usize>(SYNC_PARTS_LINE + 2 * parts);
  const sync = (heap.alloc((lines + 1) << 6) + 63) & ~(<usize>63);
  memory.fill(sync, 0, lines << 6);
  k.sync = sync;
}

// chunkStart from the shares: part t gets the units whose work falls in its share, cut into
// perPart chunks of about equal work (a unit goes where the larger half of its work lies).
function placeChunks(k: Kernel): void {
  const units = k.units;
  const prefix = k.costPrefix;
  const total = load<f64>(prefix + (<usize>units << 3));
  let from: f64 = 0;
  let u = 0;
  store<i32>(k.chunkStart, 0);
  for (let t = 0; t < k.parts; t++) {
    const share = load<f64>(k.shares + (<usize>t << 3));
    for (let c = 1; c <= k.perPart; c++) {
      const goal = total * (from + (share * <f64>c) / <f64>k.perPart);
      while (u < units && 0.5 * (load<f64>(prefix + (<usize>u << 3)) + load<f64>(prefix + (<usize>(u + 1) << 3))) < goal) u++;
      store<i32>(k.chunkStart + (<usize>(t * k.perPart + c) << 2), u);
    }
    from += share;
  }
  store<i32>(k.chunkStart + (<usize>k.chunkCount << 2), units);
}

// ---------------------------------------------------------------------------------------------
// One stage for a range of units: the products y = W·r for those units, then the fused RK4
// update of the same units (two loops, so that neither holds the other's values in registers).

// The RK4 update of units [byteStart, byteEnd) (f64x2 at a time), given y: slope, RK4 sum, next
// probe state and its rate, written to rNext. Two f64x2 per iteration: their rates' constants are
// loaded once for both (the pass is bound by loads, and V8 merges the repeated constant loads
// when no store comes between them): 0.92–0.95 of the time of one per iteration (alternated in
// one process, 200 and 1 200 values per stage; the same bits).
function updateRange(k: Kernel, m: i32, byteStart: usize, byteEnd: usize, rNext: usize): void {
  const off = updatePairs(k, m, byteStart, byteEnd, rNext, 32);
  if (off < byteEnd) v128.store(rNext + off, rate2(probeUpdate(k, m, off), v128.load(k.gains + off), k.params, k.linear != 0));
}

// The update of the f64x2 pairs at off, off + 16 for off = byteStart, byteStart + step, … while
// both lie before byteEnd; returns the first off not updated.
@inline
function updatePairs(k: Kernel, m: i32, byteStart: usize, byteEnd: usize, rNext: usize, step: usize): usize {
  // constants are read from memory at each use (see CONSTANTS in common.ts)
  const params = k.params;
  const linear = k.linear != 0;
  const gains = k.gains;
  let off = byteStart;
  for (; off + 16 < byteEnd; off += step) {
    const va = probeUpdate(k, m, off);
    const vb = probeUpdate(k, m, off + 16);
    const ra = rate2(va, v128.load(gains + off), params, linear);
    const rb = rate2(vb, v128.load(gains + off, 16), params, linear);
    v128.store(rNext + off, ra);
    v128.store(rNext + off, rb, 16);
  }
  return off;
}

// The RK4 step of the f64x2 at byte `off` for evaluation m: its slope, the RK4 sum (acc), the
// next probe state (stored, and returned), and at m = 3 the new state x.
@inline
function probeUpdate(k: Kernel, m: i32, off: usize): v128 {
  const params = k.params;
  const x = k.x;
  const acc = k.acc;
  const slope = f64x2.mul(f64x2.add(f64x2.neg(v128.load(k.probe + off)), v128.load(k.y + off)), v128.load(params + P_INV_TAU));
  const xi = v128.load(x + off);
  let v: v128;
  if (m == 0) {
    v128.store(acc + off, slope);
    v = madd(v128.load(params + P_HALF_H), slope, xi);
  } else if (m == 1) {
    v128.store(acc + off, madd(constant(TWO), slope, v128.load(acc + off)));
    v = madd(v128.load(params + P_HALF_H), slope, xi);
  } else if (m == 2) {
    v128.store(acc + off, madd(constant(TWO), slope, v128.load(acc + off)));
    v = madd(v128.load(params + P_FULL_H), slope, xi);
  } else {
    v = madd(v128.load(params + P_SIXTH_H), f64x2.add(v128.load(acc + off), slope), xi);
    v128.store(x + off, v);
  }
  v128.store(k.probe + off, v);
  return v;
}

// PAIRS: a sample's rates (from r) and states (x) of pairs p0..p1, to their original rows (the
// padding slot is skipped).
function writePairSamples(k: Kernel, sample: i32, p0: i32, p1: i32, r: usize): void {
  const n = k.n;
  const base = <usize>sample * <usize>n;
  const rates = k.rates + (base << 3);
  const states = k.states != 0 ? k.states + (base << 3) : 0;
  for (let p = p0; p < p1; p++) {
    const rowA = <usize>load<i32>(k.slotRow + (<usize>p << 3));
    const rowB = <usize>load<i32>(k.slotRow + (<usize>p << 3), 4);
    const off = <usize>p << 4;
    store<f64>(rates + (rowA << 3), load<f64>(r + off));
    if (rowB < <usize>n) store<f64>(rates + (rowB << 3), load<f64>(r + off, 8));
    if (states != 0) {
      store<f64>(states + (rowA << 3), load<f64>(k.x + off));
      if (rowB < <usize>n) store<f64>(states + (rowB << 3), load<f64>(k.x + off, 8));
    }
  }
}

// y of pairs p0..p1 from the rates r; R: where r is (common.ts gather2). With dense I columns,
// the pairs of whole blocks of DENSE_BLOCK take their E sums from the lists and their I entries
// from the dense columns; the rest of the range (fewer than DENSE_BLOCK pairs) runs as without.
@inline
function pairsProductsAt<R>(k: Kernel, p0: i32, p1: i32, r: usize): void {
  const m = changetype<PairMatrix>(k.matrix);
  const y = k.y;
  let p = p0;
  if (k.denseW != 0) {
    const end = p0 + (p1 - p0) / DENSE_BLOCK * DENSE_BLOCK;
    for (; p + 1 < end; p += 2) pairESum2<R>(m, p, r, y + (<usize>p << 4));
    if (p < end) v128.store(y + (<usize>p << 4), pairESum<R>(m, p, r));
    for (p = p0; p < end; p += DENSE_BLOCK) denseBlock<R>(k, p, r);
  }
  for (; p + 1 < p1; p += 2) pairSum2<R>(m, p, r, y + (<usize>p << 4));
  if (p < p1) v128.store(y + (<usize>p << 4), pairSum<R>(m, p, r));
}

// PAIRS, dense I columns (src-shared/model/kernels/wasmKernel.ts chooses them where W is dense
// enough). A stage's products are bound by loads (~2 per cycle on the 2-core EPYC, at 128 bits):
// a pair's I entry from the lists is four (its offsets, two gathered rates, the weights) for
// one multiply-add, a dense column one weight load per pair plus one rate for the block — so at
// the published network's 40 % I density the zeros cost less than the gathers (one thread,
// alternated in one process: the products 0.86–0.90 of the lists'). Each row's chain is the same
// as from the lists: E sum first, then its I columns in increasing order; the zero weights
// between its entries add +0 (the chain is never −0: it starts from wE·e, e from +0), so the bits
// are the same. DENSE_BLOCK pairs' chains at once: seven chains, seven weights and one rate fill
// V8's 15 allocatable SIMD registers; eight spilled (2× slower), four to six wait on the
// multiply-add latency.
const DENSE_BLOCK: i32 = 7;

function denseBlock<R>(k: Kernel, p: i32, r: usize): void {
  const o = k.y + (<usize>p << 4);
  let a0 = v128.load(o);
  let a1 = v128.load(o, 16);
  let a2 = v128.load(o, 32);
  let a3 = v128.load(o, 48);
  let a4 = v128.load(o, 64);
  let a5 = v128.load(o, 80);
  let a6 = v128.load(o, 96);
  let w = k.denseW + (<usize>p << 4);
  const stride = <usize>k.units << 4;
  let c = k.denseColumnOffsets;
  const cEnd = c + (<usize>k.denseCols << 2);
  for (; c < cEnd; c += 4) {
    const rv = rateSplat<R>(r, load<u32>(c));
    a0 = madd(v128.load(w), rv, a0);
    a1 = madd(v128.load(w, 16), rv, a1);
    a2 = madd(v128.load(w, 32), rv, a2);
    a3 = madd(v128.load(w, 48), rv, a3);
    a4 = madd(v128.load(w, 64), rv, a4);
    a5 = madd(v128.load(w, 80), rv, a5);
    a6 = madd(v128.load(w, 96), rv, a6);
    w += stride;
  }
  v128.store(o, a0);
  v128.store(o, a1, 16);
  v128.store(o, a2, 32);
  v128.store(o, a3, 48);
  v128.store(o, a4, 64);
  v128.store(o, a5, 80);
  v128.store(o, a6, 96);
}

// PAIRS: take the I entries from dense columns: `weights` as Kernel.denseW, `columnOffsets` the
// byte offset in r of each of the `columns` columns' rate (in increasing column order); weights 0
// goes back to the row-pair lists.
export function setDenseColumns(kernel: usize, weights: usize, columns: i32, columnOffsets: usize): void {
  const k = changetype<Kernel>(kernel);
  k.denseW = weights;
  k.denseCols = columns;
  k.denseColumnOffsets = columnOffsets;
}

// A PAIRS kernel's rates are always the fixed buffers (rA = FIXED_RATES_A, rB = FIXED_RATES_B:
// the host sets them from fixedRates and refuses a network they cannot hold).
function pairsProducts(k: Kernel, p0: i32, p1: i32, r: usize): void {
  if (r == FIXED_RATES_A) pairsProductsAt<FixedA>(k, p0, p1, r);
  else pairsProductsAt<FixedB>(k, p0, p1, r);
}

// The fixed rate buffers (common.ts FIXED_RATES_A/B) for a PAIRS kernel of `bytes` per buffer; 0
// when they do not fit.
export function fixedRates(which: i32, bytes: i32): usize {
  if (<usize>bytes > FIXED_RATES_BYTES) return 0;
  return which == 0 ? FIXED_RATES_A : FIXED_RATES_B;
}

function pairsInitial(k: Kernel, p0: i32, p1: i32): void {
  const n = k.n;
  for (let p = p0; p < p1; p++) {
    const rowA = load<i32>(k.slotRow + (<usize>p << 3));
    const rowB = load<i32>(k.slotRow + (<usize>p << 3), 4);
    let x0 = f64x2.splat(load<f64>(k.x0In + (<usize>rowA << 3)));
    let g = f64x2.splat(load<f64>(k.gainsIn + (<usize>rowA << 3)));
    x0 = f64x2.replace_lane(x0, 1, rowB < n ? load<f64>(k.x0In + (<usize>rowB << 3)) : 0);
    g = f64x2.replace_lane(g, 1, rowB < n ? load<f64>(k.gainsIn + (<usize>rowB << 3)) : 0);
    const off = <usize>p << 4;
    v128.store(k.x + off, x0);
    v128.store(k.probe + off, x0);
    v128.store(k.gains + off, g);
    v128.store(k.acc + off, f64x2.splat(0));
  }
  rateVecWith(k.x + (<usize>p0 << 4), k.gains + (<usize>p0 << 4), k.rA + (<usize>p0 << 4), (p1 - p0) << 1, k.params, k.linear);
  writePairSamples(k, 0, p0, p1, k.rA);
}

function pairsRange(k: Kernel, stage: i32, p0: i32, p1: i32): void {
  if (stage == 0) {
    pairsInitial(k, p0, p1);
    return;
  }
  const m = (stage - 1) & 3;
  const odd = ((stage - 1) & 1) != 0;
  const rNext = odd ? k.rA : k.rB;
  pairsProducts(k, p0, p1, odd ? k.rB : k.rA);
  updateRange(k, m, <usize>p0 << 4, <usize>p1 << 4, rNext);
  if (m == 3) writePairSamples(k, ((stage - 1) >> 2) + 1, p0, p1, rNext);
}

// BATCH: y of row i for `width` (1..5) session vectors (r and y at the group's first vector), in
// the kernels' order (common.ts): one chain per vector — five chains in registers at a time.
// Five chains leave the multiply-adds waiting on their latency (an entry takes ~4 cycles), but
// more do not fit: two rows at once (ten chains, the same bits) ran 1.40× slower, because V8
// (Node 20) issues all of an iteration's loads before its multiply-adds and, short of registers,
// keeps four chains on the stack — also with a branch between the two rows' halves; so did two
// rows of three then two vectors (1.54 against 1.33 ms). Up to three vectors, two rows at a time
// fit (batchGroup2): four sessions 1.56 against 1.92 ms per session-trial, six 1.40 against 1.56
// (one thread, bench batch.crossover.n200.k4/k6). The same loop in C (gcc -O3, 128-bit FMA, this
// machine) takes about as long as these kernels: at 128 bits the multiply-adds are the limit.
@inline
function batchGroup(m: PairMatrix, i: i32, r: usize, y: usize, width: i32): void {
  let a0 = f64x2.splat(0);
  let a1 = f64x2.splat(0);
  let a2 = f64x2.splat(0);
  let a3 = f64x2.splat(0);
  let a4 = f64x2.splat(0);
  let q = m.eOffsets + (<usize>load<i32>(m.eStart + (<usize>i << 2)) << 2);
  const qEnd = m.eOffsets + (<usize>load<i32>(m.eStart + (<usize>(i + 1) << 2)) << 2);
  for (; q < qEnd; q += 4) {
    const base = r + <usize>load<i32>(q);
    a0 = f64x2.add(a0, v128.load(base));
    if (width > 1) a1 = f64x2.add(a1, v128.load(base, 16));
    if (width > 2) a2 = f64x2.add(a2, v128.load(base, 32));
    if (width > 3) a3 = f64x2.add(a3, v128.load(base, 48));
    if (width > 4) a4 = f64x2.add(a4, v128.load(base, 64));
  }
  const shared = f64x2.splat(m.sharedWeight);
  a0 = f64x2.mul(shared, a0);
  if (width > 1) a1 = f64x2.mul(shared, a1);
  if (width > 2) a2 = f64x2.mul(shared, a2);
  if (width > 3) a3 = f64x2.mul(shared, a3);
  if (width > 4) a4 = f64x2.mul(shared, a4);
  const first = load<i32>(m.iStart + (<usize>i << 2));
  let o = m.iOffsets + (<usize>first << 2);
  let w = m.iWeights + (<usize>first << 3);
  const oEnd = m.iOffsets + (<usize>load<i32>(m.iStart + (<usize>(i + 1) << 2)) << 2);
  for (; o < oEnd; o += 4) {
    const wk = v128.load64_splat(w);
    w += 8;
    const base = r + <usize>load<i32>(o);
    a0 = madd(wk, v128.load(base), a0);
    if (width > 1) a1 = madd(wk, v128.load(base, 16), a1);
    if (width > 2) a2 = madd(wk, v128.load(base, 32), a2);
    if (width > 3) a3 = madd(wk, v128.load(base, 48), a3);
    if (width > 4) a4 = madd(wk, v128.load(base, 64), a4);
  }
  v128.store(y, a0);
  if (width > 1) v128.store(y, a1, 16);
  if (width > 2) v128.store(y, a2, 32);
  if (width > 3) v128.store(y, a3, 48);
  if (width > 4) v128.store(y, a4, 64);
}

// BATCH: y of rows i and i + 1 for `width` (1..3) session vectors: each row's chains exactly as
// batchGroup forms them (the same bits), the two rows' entries interleaved over their common
// length, then each row's rest. Up to six chains, which V8 keeps in registers.
@inline
function batchGroup2(m: PairMatrix, i: i32, r: usize, y: usize, rowStride: usize, width: i32): void {
  let a0 = f64x2.splat(0);
  let a1 = f64x2.splat(0);
  let a2 = f64x2.splat(0);
  let b0 = f64x2.splat(0);
  let b1 = f64x2.splat(0);
  let b2 = f64x2.splat(0);
  const e0 = load<i32>(m.eStart + (<usize>i << 2));
  const e1 = load<i32>(m.eStart + (<usize>(i + 1) << 2));
  const e2 = load<i32>(m.eStart + (<usize>(i + 2) << 2));
  let qa = m.eOffsets + (<usize>e0 << 2);
  const eDelta = <usize>(e1 - e0) << 2;
  const eCommonEnd = qa + (<usize>min(e1 - e0, e2 - e1) << 2);
  for (; qa < eCommonEnd; qa += 4) {
    const ba = r + <usize>load<i32>(qa);
    const bb = r + <usize>load<i32>(qa + eDelta);
    a0 = f64x2.add(a0, v128.load(ba));
    b0 = f64x2.add(b0, v128.load(bb));
    if (width > 1) {
      a1 = f64x2.add(a1, v128.load(ba, 16));
      b1 = f64x2.add(b1, v128.load(bb, 16));
    }
    if (width > 2) {
      a2 = f64x2.add(a2, v128.load(ba, 32));
      b2 = f64x2.add(b2, v128.load(bb, 32));
    }
  }
  let qb = qa + eDelta;
  const qaEnd = m.eOffsets + (<usize>e1 << 2);
  const qbEnd = m.eOffsets + (<usize>e2 << 2);
  for (; qa < qaEnd; qa += 4) {
    const ba = r + <usize>load<i32>(qa);
    a0 = f64x2.add(a0, v128.load(ba));
    if (width > 1) a1 = f64x2.add(a1, v128.load(ba, 16));
    if (width > 2) a2 = f64x2.add(a2, v128.load(ba, 32));
  }
  for (; qb < qbEnd; qb += 4) {
    const bb = r + <usize>load<i32>(qb);
    b0 = f64x2.add(b0, v128.load(bb));
    if (width > 1) b1 = f64x2.add(b1, v128.load(bb, 16));
    if (width > 2) b2 = f64x2.add(b2, v128.load(bb, 32));
  }
  const shared = f64x2.splat(m.sharedWeight);
  a0 = f64x2.mul(shared, a0);
  b0 = f64x2.mul(shared, b0);
  if (width > 1) {
    a1 = f64x2.mul(shared, a1);
    b1 = f64x2.mul(shared, b1);
  }
  if (width > 2) {
    a2 = f64x2.mul(shared, a2);
    b2 = f64x2.mul(shared, b2);
  }
  const i0 = load<i32>(m.iStart + (<usize>i << 2));
  const i1 = load<i32>(m.iStart + (<usize>(i + 1) << 2));
  const i2 = load<i32>(m.iStart + (<usize>(i + 2) << 2));
  let oa = m.iOffsets + (<usize>i0 << 2);
  let wa = m.iWeights + (<usize>i0 << 3);
  const oDelta = <usize>(i1 - i0) << 2;
  const wDelta = <usize>(i1 - i0) << 3;
  const iCommonEnd = oa + (<usize>min(i1 - i0, i2 - i1) << 2);
  for (; oa < iCommonEnd; oa += 4) {
    const wka = v128.load64_splat(wa);
    const wkb = v128.load64_splat(wa + wDelta);
    wa += 8;
    const ba = r + <usize>load<i32>(oa);
    const bb = r + <usize>load<i32>(oa + oDelta);
    a0 = madd(wka, v128.load(ba), a0);
    b0 = madd(wkb, v128.load(bb), b0);
    if (width > 1) {
      a1 = madd(wka, v128.load(ba, 16), a1);
      b1 = madd(wkb, v128.load(bb, 16), b1);
    }
    if (width > 2) {
      a2 = madd(wka, v128.load(ba, 32), a2);
      b2 = madd(wkb, v128.load(bb, 32), b2);
    }
  }
  let ob = oa + oDelta;
  let wb = wa + wDelta;
  const oaEnd = m.iOffsets + (<usize>i1 << 2);
  const obEnd = m.iOffsets + (<usize>i2 << 2);
  for (; oa < oaEnd; oa += 4) {
    const wka = v128.load64_splat(wa);
    wa += 8;
    const ba = r + <usize>load<i32>(oa);
    a0 = madd(wka, v128.load(ba), a0);
    if (width > 1) a1 = madd(wka, v128.load(ba, 16), a1);
    if (width > 2) a2 = madd(wka, v128.load(ba, 32), a2);
  }
  for (; ob < obEnd; ob += 4) {
    const wkb = v128.load64_splat(wb);
    wb += 8;
    const bb = r + <usize>load<i32>(ob);
    b0 = madd(wkb, v128.load(bb), b0);
    if (width > 1) b1 = madd(wkb, v128.load(bb, 16), b1);
    if (width > 2) b2 = madd(wkb, v128.load(bb, 32), b2);
  }
  v128.store(y, a0);
  v128.store(y + rowStride, b0);
  if (width > 1) {
    v128.store(y, a1, 16);
    v128.store(y + rowStride, b1, 16);
  }
  if (width > 2) {
    v128.store(y, a2, 32);
    v128.store(y + rowStride, b2, 32);
  }
}

// BATCH: y of the rows of pair p (rows a, b: y at ya, yb) for `width` (1..3) session vectors, from
// the row-pair lists (setBatchPairs): per entry pair one offsets load and one weights load serve
// both rows, where batchGroup2 loads each row's offset and weight, and rows of about as many
// entries are paired (layout.ts pairOrder) instead of neighbours. The pass is bound by loads:
// a trial of 2, 4, 6 sessions took 0.91, 0.92, 0.94 of its time with the row lists alone
// (published network, one thread, alternated in one process; bench batch_row_pairs.ratio.k6).
// Each row's chain is batchGroup's; the shorter row of a pair is padded with weight 0 at the zero
// row n of r (+0): the same bits.
@inline
function batchPairGroup(m: PairMatrix, p: i32, r: usize, ya: usize, yb: usize, width: i32): void {
  let a0 = f64x2.splat(0);
  let a1 = f64x2.splat(0);
  let a2 = f64x2.splat(0);
  let b0 = f64x2.splat(0);
  let b1 = f64x2.splat(0);
  let b2 = f64x2.splat(0);
  let q = m.eOffsets + (<usize>load<i32>(m.eStart + (<usize>p << 2)) << 2);
  const qEnd = m.eOffsets + (<usize>load<i32>(m.eStart + (<usize>(p + 1) << 2)) << 2);
  for (; q < qEnd; q += 4) {
    const ab = load<u32>(q);
    const ba = r + <usize>(ab & 0xffff);
    const bb = r + <usize>(ab >> 16);
    a0 = f64x2.add(a0, v128.load(ba));
    b0 = f64x2.add(b0, v128.load(bb));
    if (width > 1) {
      a1 = f64x2.add(a1, v128.load(ba, 16));
      b1 = f64x2.add(b1, v128.load(bb, 16));
    }
    if (width > 2) {
      a2 = f64x2.add(a2, v128.load(ba, 32));
      b2 = f64x2.add(b2, v128.load(bb, 32));
    }
  }
  const shared = f64x2.splat(m.sharedWeight);
  a0 = f64x2.mul(shared, a0);
  b0 = f64x2.mul(shared, b0);
  if (width > 1) {
    a1 = f64x2.mul(shared, a1);
    b1 = f64x2.mul(shared, b1);
  }
  if (width > 2) {
    a2 = f64x2.mul(shared, a2);
    b2 = f64x2.mul(shared, b2);
  }
  const first = load<i32>(m.iStart + (<usize>p << 2));
  let o = m.iOffsets + (<usize>first << 2);
  let w = m.iWeights + (<usize>first << 4);
  const oEnd = m.iOffsets + (<usize>load<i32>(m.iStart + (<usize>(p + 1) << 2)) << 2);
  for (; o < oEnd; o += 4) {
    const ab = load<u32>(o);
    const wab = v128.load(w);
    w += 16;
    const wka = v128.shuffle<f64>(wab, wab, 0, 0);
    const wkb = v128.shuffle<f64>(wab, wab, 1, 1);
    const ba = r + <usize>(ab & 0xffff);
    const bb = r + <usize>(ab >> 16);
    a0 = madd(wka, v128.load(ba), a0);
    b0 = madd(wkb, v128.load(bb), b0);
    if (width > 1) {
      a1 = madd(wka, v128.load(ba, 16), a1);
      b1 = madd(wkb, v128.load(bb, 16), b1);
    }
    if (width > 2) {
      a2 = madd(wka, v128.load(ba, 32), a2);
      b2 = madd(wkb, v128.load(bb, 32), b2);
    }
  }
  v128.store(ya, a0);
  v128.store(yb, b0);
  if (width > 1) {
    v128.store(ya, a1, 16);
    v128.store(yb, b1, 16);
  }
  if (width > 2) {
    v128.store(ya, a2, 32);
    v128.store(yb, b2, 32);
  }
}

// BATCH: y of every row from the row pairs (the padding row n of an odd n has a row of y too).
function batchPairProducts(k: Kernel, r: usize): void {
  batchPairRange(k, 0, k.pairCount, r, k.vectors);
}

// BATCH: y of the rows of pairs p0..p1 from the row pairs, for the first `width` (1..3) session
// vectors of each row.
function batchPairRange(k: Kernel, p0: i32, p1: i32, r: usize, width: i32): void {
  const m = changetype<PairMatrix>(k.pairMatrix);
  const rowStride = <usize>k.vectors << 4;
  for (let p = p0; p < p1; p++) {
    const ya = k.y + <usize>load<i32>(k.pairRows + (<usize>p << 3)) * rowStride;
    const yb = k.y + <usize>load<i32>(k.pairRows + (<usize>p << 3), 4) * rowStride;
    if (width == 3) batchPairGroup(m, p, r, ya, yb, 3);
    else if (width == 2) batchPairGroup(m, p, r, ya, yb, 2);
    else batchPairGroup(m, p, r, ya, yb, 1);
  }
}

// BATCH of up to three session vectors: W also as row pairs (common.ts PairMatrix with byte
// offsets of rows j·rowStride and the zero row n, weights (w_a, w_b) per entry; `rows` the rows of
// each pair), for stages over all rows. The host gives r and y a row n (r's stays zero).
export function setBatchPairs(kernel: usize, pairCount: i32, sharedWeight: f64, eStart: usize, eOffsets: usize, iStart: usize, iOffsets: usize, iWeights: usize, rows: usize): void {
  const k = changetype<Kernel>(kernel);
  const m = changetype<PairMatrix>((heap.alloc(offsetof<PairMatrix>() + 16) + 15) & ~(<usize>15));
  m.sharedWeight = sharedWeight;
  m.eStart = eStart;
  m.eOffsets = eOffsets;
  m.iStart = iStart;
  m.iOffsets = iOffsets;
  m.iWeights = iWeights;
  k.pairMatrix = changetype<usize>(m);
  k.pairRows = rows;
  k.pairCount = pairCount;
}

function batchProducts(k: Kernel, i0: i32, i1: i32, r: usize): void {
  if (k.pairMatrix != 0 && i0 == 0 && i1 == k.units) {
    batchPairProducts(k, r);
    return;
  }
  const m = changetype<PairMatrix>(k.matrix);
  const vectors = k.vectors;
  const rowStride = <usize>vectors << 4;
  if (vectors <= 3) {
    // two rows at a time (batchGroup2), the last row of an odd range alone
    let i = i0;
    for (; i + 1 < i1; i += 2) {
      const y = k.y + <usize>i * rowStride;
      if (vectors == 3) batchGroup2(m, i, r, y, rowStride, 3);
      else if (vectors == 2) batchGroup2(m, i, r, y, rowStride, 2);
      else batchGroup2(m, i, r, y, rowStride, 1);
    }
    if (i < i1) {
      const y = k.y + <usize>i * rowStride;
      if (vectors == 3) batchGroup(m, i, r, y, 3);
      else if (vectors == 2) batchGroup(m, i, r, y, 2);
      else batchGroup(m, i, r, y, 1);
    }
    return;
  }
  for (let i = i0; i < i1; i++) {
    const row = <usize>i * rowStride;
    let v = 0;
    for (; v + 5 <= vectors; v += 5) batchGroup(m, i, r + (<usize>v << 4), k.y + row + (<usize>v << 4), 5);
    const rest = vectors - v;
    const rv = r + (<usize>v << 4);
    const yv = k.y + row + (<usize>v << 4);
    if (rest == 4) batchGroup(m, i, rv, yv, 4);
    else if (rest == 3) batchGroup(m, i, rv, yv, 3);
    else if (rest == 2) batchGroup(m, i, rv, yv, 2);
    else if (rest == 1) batchGroup(m, i, rv, yv, 1);
  }
}

function batchRange(k: Kernel, stage: i32, i0: i32, i1: i32): void {
  const rowStride = <usize>k.vectors << 4;
  const from = <usize>i0 * rowStride;
  const bytes = <usize>(i1 - i0) * rowStride;
  if (stage == 0) {
    memory.copy(k.x + from, k.x0In + from, bytes);
    memory.copy(k.probe + from, k.x0In + from, bytes);
    memory.fill(k.acc + from, 0, bytes);
    rateVecWith(k.x + from, k.gains + from, k.rA + from, <i32>(bytes >> 3), k.params, k.linear);
    if (k.rates != 0) memory.copy(k.rates + from, k.rA + from, bytes);
    if (k.states != 0) memory.copy(k.states + from, k.x + from, bytes);
    return;
  }
  const m = (stage - 1) & 3;
  const odd = ((stage - 1) & 1) != 0;
  const rNext = odd ? k.rA : k.rB;
  batchProducts(k, i0, i1, odd ? k.rB : k.rA);
  updateRange(k, m, from, from + bytes, rNext);
  if (m == 3) {
    const at = (<usize>(((stage - 1) >> 2) + 1) * <usize>k.n) * rowStride + from;
    if (k.rates != 0) memory.copy(k.rates + at, rNext + from, bytes);
    if (k.states != 0) memory.copy(k.states + at, k.x + from, bytes);
  }
}

// BATCH readout of one sample from the rates r just computed, in the order of computeOutput
// (src-shared/model/dynamics.ts): sum = Σ_{i<nE} β_i·r_i from i = 0 on, then output = b + sum.
// outputs[(c·nSamples + sample)·KP + s].
function batchReadout(k: Kernel, r: usize, sample: i32): void {
  const rowStride = <usize>k.vectors << 4;
  const nE = k.nE;
  for (let c = 0; c < k.channels; c++) {
    const beta = k.readout + <usize>c * (<usize>(1 + nE) << 3);
    const offset = v128.load64_splat(beta);
    const out = k.outputs + (<usize>c * <usize>k.nSamples + <usize>sample) * rowStride;
    let v = 0;
    for (; v + 1 < k.vectors; v += 2) {
      const rv = r + (<usize>v << 4);
      let a = f64x2.splat(0);
      let b = f64x2.splat(0);
      for (let i = 0; i < nE; i++) {
        const w = v128.load64_splat(beta + (<usize>(i + 1) << 3));
        a = f64x2.add(a, f64x2.mul(w, v128.load(rv + <usize>i * rowStride)));
        b = f64x2.add(b, f64x2.mul(w, v128.load(rv + <usize>i * rowStride, 16)));
      }
      v128.store(out + (<usize>v << 4), f64x2.add(offset, a));
      v128.store(out + (<usize>v << 4), f64x2.add(offset, b), 16);
    }
    if (v < k.vectors) {
      const rv = r + (<usize>v << 4);
      let a = f64x2.splat(0);
      for (let i = 0; i < nE; i++) a = f64x2.add(a, f64x2.mul(v128.load64_splat(beta + (<usize>(i + 1) << 3)), v128.load(rv + <usize>i * rowStride)));
      v128.store(out + (<usize>v << 4), f64x2.add(offset, a));
    }
  }
}

@inline
function runRange(k: Kernel, stage: i32, u0: i32, u1: i32): void {
  if (k.kind == KIND_PAIRS) pairsRange(k, stage, u0, u1);
  else batchRange(k, stage, u0, u1);
}

// After every unit of a stage is done: the batch readout of a finished sample.
@inline
function finishStage(k: Kernel, stage: i32): void {
  if (k.kind != KIND_BATCH || k.outputs == 0) return;
  if (stage == 0) batchReadout(k, k.rA, 0);
  else if (((stage - 1) & 3) == 3) batchReadout(k, ((stage - 1) & 1) != 0 ? k.rA : k.rB, ((stage - 1) >> 2) + 1);
}

// Chunk `chunk` of a stage of a threaded trial. Chunk 0 also does the previous stage's
// finishStage: its rates are complete (the stage before is done) and stay untouched until the
// stage after this one, which cannot start before this chunk is done.
function runChunk(k: Kernel, stage: i32, chunk: i32): void {
  if (chunk == 0 && stage > 0) finishStage(k, stage - 1);
  runRange(k, stage, load<i32>(k.chunkStart + (<usize>chunk << 2)), load<i32>(k.chunkStart + (<usize>(chunk + 1) << 2)));
}

function setTrial(k: Kernel, nSamples: i32, h: f64, invTau: f64, cNeg: f64, cPos: f64, linear: i32): i32 {
  k.nSamples = nSamples;
  k.stages = 1 + 4 * (nSamples - 1); // layout.ts trialStages
  k.h = h;
  k.invTau = invTau;
  k.cNeg = cNeg;
  k.cPos = cPos;
  k.linear = linear;
  const params = k.params;
  setRateParams(params, cNeg, cPos);
  v128.store(params + P_INV_TAU, f64x2.splat(invTau));
  v128.store(params + P_HALF_H, f64x2.splat(0.5 * h));
  v128.store(params + P_FULL_H, f64x2.splat(h));
  v128.store(params + P_SIXTH_H, f64x2.splat(h / 6));
  return k.stages;
}

// One trial on the calling thread alone.
export function trial(kernel: usize, nSamples: i32, h: f64, invTau: f64, cNeg: f64, cPos: f64, linear: i32): void {
  const k = changetype<Kernel>(kernel);
  const stages = setTrial(k, nSamples, h, invTau, cNeg, cPos, linear);
  for (let s = 0; s < stages; s++) {
    runRange(k, s, 0, k.units);
    finishStage(k, s);
  }
}

// ---------------------------------------------------------------------------------------------
// Threads ('dynamicsShared' build only; the host runs helperLoop on each helper thread).
//
// A threaded trial is cut into parts, one per thread: the calling thread (the driver) owns part 0,
// each helper the part it took when it joined. Every stage, each thread computes the chunks of
// its own part, so the state and W rows of a part stay in one core's cache and the threads touch
// the same cache lines only where they must: the rates (each reads the other's) and one done word
// each. A stage may begin once every chunk of the stage before is done; nobody publishes it, so
// a stage boundary costs one cache-line handover each way instead of a round of contended
// compare-exchanges. (The previous protocol, chunks claimed from one shared word with a done
// counter and the driver publishing each stage, spent ~1 µs per stage on those lines: 2 threads
// were 1.3× one instead of ~2×.) After each trial the driver moves rows between the parts toward
// the thread that waited more (rebalance, below): the cores of a shared machine do not stay
// equally fast.
//
// What a stage boundary costs grows with n (2 threads on a 2-core AMD EPYC Zen 5 VM, a network
// with one entry per row so that the work is only the update: one thread 0.11, 0.33, 1.0 µs per
// stage at n = 20, 60, 200; two threads 0.81, 1.2, 2.7 µs), beyond the done words' handover
// (~0.45 µs round trip between the two cores). The rates' cache lines crossing between the cores
// are part of it: a bare exchange of the same bytes (two threads in a small AssemblyScript loop:
// read all rates, write one's half, one done word each) takes 0.49 µs per stage at n = 20 and
// 1.09 µs at n = 200 on the same machine. The other ~1.2 µs at n = 200 is not explained yet; not
// the cause (each changed alone, alternated in one process): stealing (STEAL_SPINS 1 << 16: 2.70
// against 2.84 µs), the done word's sequentially consistent store (a plain store: 2.70 against
// 2.77), the sample writes (skipped: 2.65 against 2.76), the helper's return to the host between
// stages (looping over the trial's stages inside helperStep: 2.88 against 2.95). On the published
// network a stage is ~3.5 µs on one thread, so one session gains little or nothing from a second
// core on such a machine (bench trial_ms.wasm-threads 2.80 against wasm-pairs 2.81 ms; the thread
// schedule picks whichever has lately been faster); ten sessions batched, with ten times the work
// per stage, ran in 0.5–0.7 of one thread's time this way, and now split their sessions instead
// ("Sessions split between threads", at the end of this file).
//
// Pipelining the boundary away does not pay on such a machine either (measured 2026-12-03 in a
// two-thread AssemblyScript model of a stage with synthetic work, alternated): if thread A owned
// the E rows and B the I rows, and every row summed its I entries first, each thread could do the
// part of a stage that needs only its own rates (A: the E sums, B: the I chains) before waiting
// for the other's. Against today's barrier that gave 2.33 µs per stage against 2.54 at n = 200
// (1.7 µs of work per thread), 10.7 against 11.1–11.6 at ten sessions (8.5 µs): the waits
// overlap, but the cross-core transfer of the other half's rate lines (~2.5 µs for 8 KB) stays on
// the critical path, and a new summation order would have to be taken by every kernel.
//
// Nobody waits on a missing thread: a thread whose own part is done and whose stage is not
// complete after STEAL_SPINS spins claims the chunks of the other parts that no one has claimed
// yet (the driver does so at once for parts with no helper), so a helper that is asleep,
// descheduled or not started yet only costs the driver the time to notice. Claims go through the
// part's claim word, so every chunk is computed exactly once; which thread computes it does not
// change a bit (the units of a stage are independent).
//
// Words (each on its own 64-byte line of k.sync), all counting from setChunks on, never reset:
//  - trial: the global number of the current trial's first stage (+8) and of the stage after its
//    last (+0; QUIT when the helpers are released). Global stage numbers count threaded stages.
//  - join: helpers that took a part (+0), helpers asleep (+4), and a word that never changes (+8,
//    for timed naps).
//  - claim[p]: claims taken in part p: claim v is chunk v mod perPart of part p at global stage
//    v / perPart.
//  - done[t]: chunks thread t has computed (+0; only thread t writes it; stage S is complete once
//    Σ done = (S + 1)·chunkCount) and spins it has waited for the others (+8); +16, +24: the
//    driver's rebalance bookkeeping; +32: touchRates' sum (thread t only).
// The chunk 0 of each stage also finishes the stage before it (runChunk).

const SYNC_TRIAL: usize = 0;
const SYNC_JOIN: usize = 64;
const SYNC_PARTS_LINE: i32 = 2;
const QUIT: i64 = -1;
// A spin (one look at the done words) takes ~4 ns on the 2-core EPYC.
// Spins of a thread that has finished its part before it claims chunks of late owners (and again
// every STEAL_SPINS spins while the stage is still not complete): ~1 µs.
const STEAL_SPINS: i32 = 256;
// Spins within a trial before a waiting thread naps: ~1 ms, far beyond any stage (a batch stage
// is ~25 µs of work). A nap costs more than its length (the futex wake-up, and the other threads
// then wait in turn), so a thread that napped after a few µs — the first version did, at 4000
// spins — turned a helper a little late into stages ~30× as long.
const STAGE_SPIN_LIMIT: i32 = 1 << 18;
// (An idle helper's spins and naps between trials: common.ts helperIdle.)
const DRIVER_NAP_NS: i64 = 50_000;

@inline
function claimWord(k: Kernel, part: i32): usize {
  return k.sync + (<usize>(SYNC_PARTS_LINE + part) << 6);
}

@inline
function doneWord(k: Kernel, thread: i32): usize {
  return k.sync + (<usize>(SYNC_PARTS_LINE + k.parts + thread) << 6);
}

// Chunks computed so far, by all threads.
@inline
function finishedChunks(k: Kernel): i64 {
  let total: i64 = 0;
  for (let t = 0; t < k.parts; t++) total += atomic.load<i64>(doneWord(k, t));
  return total;
}

// Give part 0 (the calling thread) `share` of a stage's work and the other parts equal shares of
// the rest, from the next trial on (tests: any split gives the same bits; rebalance moves it on).
export function setThreadShare(kernel: usize, share: f64): void {
  const k = changetype<Kernel>(kernel);
  if (k.parts < 2) return;
  store<f64>(k.shares, share);
  for (let t = 1; t < k.parts; t++) store<f64>(k.shares + (<usize>t << 3), (1 - share) / <f64>(k.parts - 1));
  placeChunks(k);
}

// Thread t's current share of the work of a stage (rebalance; tests and reports).
export function threadShare(kernel: usize, thread: i32): f64 {
  const k = changetype<Kernel>(kernel);
  return thread < k.parts ? load<f64>(k.shares + (<usize>thread << 3)) : 0;
}

export function helperChunks(kernel: usize): i64 {
  const k = changetype<Kernel>(kernel);
  if (k.split > 0) return splitHelperParts(k);
  let total: i64 = 0;
  if (ASC_FEATURE_THREADS) for (let t = 1; t < k.parts; t++) total += atomic.load<i64>(doneWord(k, t));
  return total;
}

// Load one word of every cache line of the rates stage s reads, before computing: the lines the
// other threads wrote in the stage before then come over together (their misses overlap, ~one
// cross-core latency) instead of one after another as the gathers reach them. Measured with 2
// threads, alternated with the build without it: a trial on every core 0.95–0.96 of the time,
// ten sessions batched 0.91–0.93. (Also tried, no gain: cutting the parts at cache-line bounds;
// taking this part's lines of the next rates early; stealing later.) The sum is stored on the
// thread's own line so the loads are kept.
function touchRates(k: Kernel, s: i32, mine: usize): void {
  const r = ((s - 1) & 1) != 0 ? k.rB : k.rA;
  const bytes = <usize>k.units * (k.kind == KIND_PAIRS ? 16 : <usize>k.vectors << 4);
  let sum: i64 = 0;
  for (let off: usize = 0; off < bytes; off += 64) sum += load<i64>(r + off);
  store<i64>(mine, sum, 32);
}

// Claim and compute the unclaimed chunks of `part` at global stage S (the trial's stage s);
// `mine` is the calling thread's done word.
function claimPart(k: Kernel, part: i32, S: i64, s: i32, mine: usize): void {
  const word = claimWord(k, part);
  const perPart = <i64>k.perPart;
  const first = S * perPart;
  while (true) {
    const v = atomic.load<i64>(word);
    if (v >= first + perPart) return;
    if (atomic.cmpxchg<i64>(word, v, v + 1) == v) {
      runChunk(k, s, part * k.perPart + <i32>(v - first));
      atomic.store<i64>(mine, atomic.load<i64>(mine) + 1);
    }
  }
}

// Thread `thread`'s share of global stage S (the trial's stage s): its own part, the parts from
// `unowned` on at once, late owners' unclaimed chunks after STEAL_SPINS; returns when the stage is
// complete.
function stageOn(k: Kernel, thread: i32, S: i64, s: i32, unowned: i32, napNs: i64): void {
  const mine = doneWord(k, thread);
  if (s > 0) touchRates(k, s, mine);
  claimPart(k, thread, S, s, mine);
  const parts = k.parts;
  for (let p = unowned; p < parts; p++) claimPart(k, p, S, s, mine);
  const goal = (S + 1) * <i64>k.chunkCount;
  let spins = 0;
  while (finishedChunks(k) < goal) {
    spins++;
    if (spins % STEAL_SPINS == 0) {
      for (let p = 0; p < parts; p++) if (p != thread) claimPart(k, p, S, s, mine);
    }
    if (spins > STAGE_SPIN_LIMIT) atomic.wait<i32>(k.sync + SYNC_JOIN + 8, 0, napNs);
  }
  // how long this thread waited for the others (rebalance), beside its done count
  if (spins > 0) atomic.store<i64>(mine, atomic.load<i64>(mine, 8) + <i64>spins, 8);
}

// After a threaded trial, on the driver: give more work to the threads that waited more for the
// others in it (they are the faster ones now — a neighbour on the other core's sibling, a
// frequency change) and less to those that made them wait, so that all finish a stage together.
// The step is proportional to the thread's share of the waiting, beyond a floor of
// REBALANCE_FLOOR spins per stage (the cost of the stage boundary itself), at most
// REBALANCE_GAIN of its share per trial: a few trials to follow a change, no oscillation when
// balanced. Which thread computes which unit never changes a bit of the result.
const REBALANCE_GAIN: f64 = 0.1;
const REBALANCE_FLOOR: f64 = 64;
const MIN_SHARE: f64 = 0.1;

function rebalance(k: Kernel, stages: i32): void {
  const parts = k.parts;
  let total: f64 = 0;
  for (let t = 0; t < parts; t++) {
    const word = doneWord(k, t);
    const waited = atomic.load<i64>(word, 8);
    const last = load<i64>(word, 16); // the driver's copy of the count at the last rebalance
    store<i64>(word, waited, 16);
    store<f64>(word, <f64>(waited - last), 24);
    total += <f64>(waited - last);
  }
  const mean = total / <f64>parts;
  const scale = 1.0 / (mean + REBALANCE_FLOOR * <f64>stages);
  let sum: f64 = 0;
  for (let t = 0; t < parts; t++) {
    const at = k.shares + (<usize>t << 3);
    const step = REBALANCE_GAIN * (load<f64>(doneWord(k, t), 24) - mean) * scale;
    const share = max(load<f64>(at) * (1 + min(max(step, -REBALANCE_GAIN), REBALANCE_GAIN)), MIN_SHARE / <f64>parts);
    store<f64>(at, share);
    sum += share;
  }
  for (let t = 0; t < parts; t++) store<f64>(k.shares + (<usize>t << 3), load<f64>(k.shares + (<usize>t << 3)) / sum);
  placeChunks(k);
}

// One trial with the helpers that have joined (any number, none included: same bits).
export function trialThreaded(kernel: usize, nSamples: i32, h: f64, invTau: f64, cNeg: f64, cPos: f64, linear: i32): void {
  if (ASC_FEATURE_THREADS) threadedStages(changetype<Kernel>(kernel), nSamples, h, invTau, cNeg, cPos, linear);
  else trial(kernel, nSamples, h, invTau, cNeg, cPos, linear);
}

function threadedStages(k: Kernel, nSamples: i32, h: f64, invTau: f64, cNeg: f64, cPos: f64, linear: i32): void {
  const stages = setTrial(k, nSamples, h, invTau, cNeg, cPos, linear);
  const first = k.sequence;
  const trialWord = k.sync + SYNC_TRIAL;
  // the parameters and buffers are written before this store, which publishes them
  atomic.store<i64>(trialWord, first, 8);
  atomic.store<i64>(trialWord, first + stages);
  if (atomic.load<i32>(k.sync + SYNC_JOIN, 4) > 0) atomic.notify(trialWord, 0x7fffffff);
  const unowned = 1 + min(atomic.load<i32>(k.sync + SYNC_JOIN), k.parts - 1);
  for (let s = 0; s < stages; s++) stageOn(k, 0, first + <i64>s, s, unowned, DRIVER_NAP_NS);
  k.sequence = first + stages;
  finishStage(k, stages - 1);
  // every helper is between trials now (they read chunkStart only during one)
  if (unowned == k.parts) rebalance(k, stages);
}

// A helper thread's life: take a part, then compute stages of whatever trial is running until
// releaseHelpers. The host calls helperStep until it returns 0 (threads.ts HELPER_THREAD_BODY);
// helperLoop does the same for hosts that call it. One step per call, not one loop that never
// returns: V8 runs a WebAssembly function in its baseline code (Liftoff) until it returns, and on
// Node 20.20 (V8 11.3) Liftoff miscompiled such a helper loop of assembly/adjoint.ts (it missed
// its wake-ups and claims, and once computed wrong values; correct with node --no-liftoff). Short
// steps run optimised after the first few thousand calls. Node processes now turn Liftoff off
// altogether (src-main/worker/wasmFeatures.ts): threaded trials on its code gave wrong numbers too,
// with every chunk claimed once. Browsers still start on it, so the steps stay short.
let helperThread: i32 = 0; // this instance's thread number once joined (0: not yet)

export function helperLoop(kernel: usize): void {
  while (helperStep(kernel)) {}
}

export function helperStep(kernel: usize): i32 {
  if (!ASC_FEATURE_THREADS) return 0;
  const k = changetype<Kernel>(kernel);
  if (helperThread == 0) helperThread = 1 + atomic.add<i32>(k.sync + SYNC_JOIN, 1);
  if (k.split > 0) return splitHelperStep(k, helperThread);
  if (helperThread >= k.parts) return 0; // more helpers than parts: nothing to own
  const trialWord = k.sync + SYNC_TRIAL;
  const end = atomic.load<i64>(trialWord);
  if (end == QUIT) return 0;
  // the stage in progress (or the next to begin): every stage before it is complete
  const S = finishedChunks(k) / <i64>k.chunkCount;
  if (S < end) {
    stageOn(k, helperThread, S, <i32>(S - atomic.load<i64>(trialWord, 8)), k.parts, HELPER_NAP_NS);
    helperWorked();
    return 1;
  }
  helperIdle(trialWord, end, k.sync + SYNC_JOIN + 4);
  return 1;
}

// Make every helperLoop on this kernel return (after the chunk it is computing, if any).
export function releaseHelpers(kernel: usize): void {
  if (ASC_FEATURE_THREADS) {
    const k = changetype<Kernel>(kernel);
    if (k.sync == 0) return;
    atomic.store<i64>(k.sync + SYNC_TRIAL, QUIT);
    atomic.notify(k.sync + SYNC_TRIAL, 0x7fffffff);
  }
}

// ---------------------------------------------------------------------------------------------
// Sessions split between threads (BATCH only). A batch of K sessions can also be cut by sessions
// instead of rows: part t is a BATCH kernel of its own over some of the sessions (its own
// buffers, the same W), and a trial is each part's whole trial on one thread, with no boundary
// between the stages at all: the threads meet once per trial instead of once per stage. Every
// session gives the same bits in any batch (layout.ts), so the split never changes a number.
// It pays where the row split's stage boundary is dear (~3 µs per stage for ten sessions on the
// 2-core EPYC Zen 5 VM, most of it the cross-core transfer of the other half's rate lines): ten
// sessions as parts of six and four (three and two session vectors, two rows at a time:
// batchGroup2) took 0.82–0.89 ms per session-trial against 0.92–0.93 for the row split of one
// ten-session kernel (bench batch10_ms_per_trial.threads, 2026-12-04), four sessions 1.30 against
// 1.48 (batch4_ms_per_trial), although each part streams W on its own. With one helper and an odd
// number of session vectors, the part with the extra vector sets the time; the two parts can
// share that vector instead ("A session vector shared by two parts", at the end of this file).
//
// The split kernel (setSplit) holds only the parts and the words: trial (+0: the number of split
// trials started, QUIT when released), join (as for the row split: +0 helpers joined, +4 asleep,
// +8 a word that never changes), then per part a claim line (the last trial whose part was
// claimed) and a done line (+0 the last trial whose part is done, +8 parts computed by helpers).
// The driver claims part 0, then any part whose helper has not claimed it (nobody waits on a
// missing thread); a part is claimed by one compare-exchange, so it is computed exactly once.

export function setSplit(kernel: usize, parts: i32, partKernels: usize): void {
  const k = changetype<Kernel>(kernel);
  k.split = parts;
  k.partKernels = partKernels;
  k.parts = parts;
  const lines = <usize>(SYNC_PARTS_LINE + 2 * parts);
  const sync = (heap.alloc((lines + 1) << 6) + 63) & ~(<usize>63);
  memory.fill(sync, 0, lines << 6);
  k.sync = sync;
}

@inline
function partKernel(k: Kernel, part: i32): Kernel {
  return changetype<Kernel>(load<usize>(k.partKernels + (<usize>part << alignof<usize>())));
}

// Claim part `part` of split trial `seq` and compute its whole trial; whether this call did.
function claimSplitPart(k: Kernel, part: i32, seq: i64): bool {
  if (atomic.cmpxchg<i64>(claimWord(k, part), seq - 1, seq) != seq - 1) return false;
  runPart(partKernel(k, part));
  atomic.store<i64>(doneWord(k, part), seq);
  return true;
}

// A part's whole trial on the calling thread (its parameters set).
function runPart(p: Kernel): void {
  if (p.coupled != 0) {
    runCoupled(p);
    return;
  }
  const stages = p.stages;
  for (let s = 0; s < stages; s++) {
    runRange(p, s, 0, p.units);
    finishStage(p, s);
  }
}

// Begin one split trial (then splitWait until it returns 1): each part's trial parameters are
// those given (setTrial on every part first; the store of the trial word publishes them to the
// helpers); the driver computes part 0, then the parts no helper has joined for.
export function splitBegin(kernel: usize, nSamples: i32, h: f64, invTau: f64, cNeg: f64, cPos: f64, linear: i32): void {
  const k = changetype<Kernel>(kernel);
  const parts = k.split;
  for (let t = 0; t < parts; t++) setTrial(partKernel(k, t), nSamples, h, invTau, cNeg, cPos, linear);
  const seq = k.sequence + 1;
  k.sequence = seq;
  if (k.coupled != 0) {
    beginCoupled(k);
    if (ASC_FEATURE_THREADS) coupledOnThreads(k, seq);
    else coupledDriver(partKernel(k, 0), partKernel(k, 1), true, 0, seq);
    return;
  }
  if (ASC_FEATURE_THREADS) splitOnThreads(k, seq);
  else for (let t = 0; t < parts; t++) runPart(partKernel(k, t));
}

function splitOnThreads(k: Kernel, seq: i64): void {
  const parts = k.split;
  const trialWord = k.sync + SYNC_TRIAL;
  atomic.store<i64>(trialWord, seq);
  if (atomic.load<i32>(k.sync + SYNC_JOIN, 4) > 0) atomic.notify(trialWord, 0x7fffffff);
  claimSplitPart(k, 0, seq);
  const owned = 1 + min(atomic.load<i32>(k.sync + SYNC_JOIN), parts - 1);
  for (let t = owned; t < parts; t++) claimSplitPart(k, t, seq);
  store<i64>(doneWord(k, 0), 0, 16); // the driver's spins in this trial's wait
}

// After splitBegin: a few spins waiting for the helpers' parts; 1 once every part is done. A
// helper that has not claimed its part after STEAL_SPINS spins (asleep, descheduled) loses it to
// the driver. Short calls, not one waiting loop: V8 (Node 20) runs a WebAssembly call in its
// baseline code until it returns, and its baseline code of such a loop missed the helper's done
// store (the trial never ended; correct with --no-liftoff), as it did in assembly/adjoint.ts.
export function splitWait(kernel: usize): i32 {
  if (!ASC_FEATURE_THREADS) return 1;
  const k = changetype<Kernel>(kernel);
  const seq = k.sequence;
  const spinsAt = doneWord(k, 0) + 16;
  let spins = load<i64>(spinsAt);
  for (let round = 0; round < 64; round++) {
    let waiting = 0;
    for (let t = 1; t < k.split; t++) {
      if (atomic.load<i64>(doneWord(k, t)) == seq) continue;
      waiting++;
      // a shared-vector split's driver has claimed any part no helper took (coupledOnThreads)
      if (k.coupled == 0 && (spins + 1) % <i64>STEAL_SPINS == 0) claimSplitPart(k, t, seq);
    }
    if (waiting == 0) return 1;
    spins++;
    if (spins > <i64>STAGE_SPIN_LIMIT) atomic.wait<i32>(k.sync + SYNC_JOIN + 8, 0, DRIVER_NAP_NS);
  }
  store<i64>(spinsAt, spins);
  return 0;
}

function splitHelperStep(k: Kernel, thread: i32): i32 {
  if (thread >= k.split) return 0; // more helpers than parts: nothing to own
  const trialWord = k.sync + SYNC_TRIAL;
  const seq = atomic.load<i64>(trialWord);
  if (seq == QUIT) return 0;
  if (seq > 0 && claimSplitPart(k, thread, seq)) {
    const done = doneWord(k, thread);
    atomic.store<i64>(done, atomic.load<i64>(done, 8) + 1, 8);
    helperWorked();
    return 1;
  }
  helperIdle(trialWord, seq, k.sync + SYNC_JOIN + 4);
  return 1;
}

// Parts computed by the helpers so far.
function splitHelperParts(k: Kernel): i64 {
  let total: i64 = 0;
  if (ASC_FEATURE_THREADS) for (let t = 1; t < k.split; t++) total += atomic.load<i64>(doneWord(k, t), 8);
  return total;
}

// ---------------------------------------------------------------------------------------------
// Offered trials (src-shared/model/kernels/wasmKernel.ts, WasmKernel.offer): one whole trial of a
// PAIRS kernel computed by a helper thread while the calling thread does other work — its own
// trial on another kernel: the reward rule's next trial, speculatively, or another session's
// (src-shared/model/rewardRule.ts, "Concurrent trials"). The threads meet once per trial, as in a
// session split, and the two trials cannot be parts of one split: a PAIRS kernel's rates sit at
// the fixed addresses of its memory (FIXED_RATES_A/B), so each trial needs a memory of its own.
//
// An offer kernel is a split kernel (setSplit) of two parts in the offered kernel's memory: part 0
// empty (kernel 0, nobody computes it) and part 1 the offered PAIRS kernel, which the helper that
// joined claims like any split part (splitHelperStep). splitOffer publishes a trial only if that
// helper has joined (else 0: nothing started, the caller computes it itself or not at all);
// after its own work the caller withdraws the trial if the helper has not claimed it yet
// (splitWithdraw: 1, not computed — a helper that is late costs a trial, never a wait), else waits
// for it (splitWait until 1).

export function splitOffer(kernel: usize, nSamples: i32, h: f64, invTau: f64, cNeg: f64, cPos: f64, linear: i32): i32 {
  if (!ASC_FEATURE_THREADS) return 0;
  const k = changetype<Kernel>(kernel);
  if (k.split != 2 || atomic.load<i32>(k.sync + SYNC_JOIN) < 1) return 0;
  setTrial(partKernel(k, 1), nSamples, h, invTau, cNeg, cPos, linear);
  const seq = k.sequence + 1;
  k.sequence = seq;
  const trialWord = k.sync + SYNC_TRIAL;
  // publishes the part's buffers and parameters, written before this store
  atomic.store<i64>(trialWord, seq);
  if (atomic.load<i32>(k.sync + SYNC_JOIN, 4) > 0) atomic.notify(trialWord, 0x7fffffff);
  store<i64>(doneWord(k, 0), 0, 16); // the caller's spins in splitWait
  return 1;
}

export function splitWithdraw(kernel: usize): i32 {
  if (!ASC_FEATURE_THREADS) return 1;
  const k = changetype<Kernel>(kernel);
  const seq = k.sequence;
  if (atomic.cmpxchg<i64>(claimWord(k, 1), seq - 1, seq) != seq - 1) return 0;
  atomic.store<i64>(doneWord(k, 1), seq);
  return 1;
}

// ---------------------------------------------------------------------------------------------
// A session vector shared by two parts (BATCH, two threads). Ten sessions are five session
// vectors; split by whole vectors, one thread takes three and sets the time. Here each part holds
// its own two vectors and the fifth as its last vector (KP = 6, the same W), and computes that
// vector on its own rows only: part 0 on rows [0, a), part 1 on [a, n) (row pairs built within
// each range, layout.ts pairOrder) — width 3 there, width 2 on the other rows. The fifth vector's
// new rates of a stage are needed by both parts in the next stage (every row reads every column),
// so each part computes its rows of the fifth vector FIRST in a stage, copies their rates to the
// exchange buffer (16 bytes a row, one buffer per stage parity) and publishes the stage in its
// word (its own cache line); then it computes its other rows at width 2. The other part copies
// that half into its own rates at the start of its next stage, about half a stage later: the
// transfer overlaps with work instead of sitting on the critical path. The sample readout of a
// stage waits for that copy (it needs every row), so it runs at the start of the next stage, and
// after the last stage once the other part's last half is in. Stage 0 (the initial rates) is
// computed on every row by both parts. Every value is computed by the same operations as in any
// other batch (the same bits); the shared sessions' values of the two parts are the same.
//
// Dependencies: stage s (s ≥ 2) of a part needs the other's stage s − 1 published; the words are
// global stage numbers (stageBase + s, counting on from trial to trial). A part can thus be at
// most one stage ahead, and the two parities of the exchange are enough: a part overwrites
// parity s & 1 at stage s only after the other published stage s − 1, which it does after it
// copied the part's stage s − 2 from that parity. A thread that owns both parts alternates them.
//
// Nobody waits on a missing thread: the driver claims part 0, and part 1 as well when no helper
// has joined or when part 0 cannot go on and part 1 is still unclaimed after CLAIM_SPINS spins
// (the helper asleep or not started); then it computes both. A helper that has claimed part 1 is
// waited for, as in the session split.
//
// Measured (published network, ten sessions, 2-core AMD EPYC Zen 4 VM, Node 20, 2026-12-05),
// time per batch trial against the plain split (six and four sessions), alternated in one
// process on the same evaluator and helper (10 calls per side and repeat), in quiet spells: the
// final version 0.921, 0.915, 0.925 (medians of three runs of 24 repeats; 8.4–8.7 against
// 9.25–9.4 ms). Both parts on one thread (no helper) take 1.03 of the plain parts' time: the two
// passes per stage, the copies, the shared vector's readout twice, pairs formed within halves.
// The first version updated the narrow rows one call per row (updateRange): 1.045 of the plain
// split, 1.07 on one thread. The cost model from single-thread widths (F + V·vectors, F ≈ 2.4 ms
// for streaming W, V ≈ 2.4 ms a vector) predicted F + 2.5V ≈ 8.2 ms; the rest is the exchange
// (each part pulls the other's ~25 lines of rates per stage) and the two threads' stages not
// ending together. The catch: both threads must run for either to get on. When one is
// descheduled (another process on the 2 vCPUs), the other waits instead of doing its own part
// (the plain split's parts go on alone). Spinning through such waits, trials took 10–40× the
// plain split's time while browser tests kept the machine busy (load ~4): the spinning thread
// kept the core its partner needed. Sleeping after a while of spins until the partner publishes
// (awaitOther) brought that to 1.6–2.3×. So the engine (src-shared/model/batchSimulator.ts
// sharedSchedule) uses the faster of the two lately, trial by trial, like the choice between one
// thread and all, and the plain split when the helper is asleep. What that gives in the bench's
// pattern (numpy.ratio.batch10_ms_per_trial: 5 calls after each NumPy call, the helper asleep
// by then) is less than the alternation shows: whole bench runs alternated with sharedVector
// off, 0.0887 and 0.0836 against 0.0896 and 0.0892 (quiet machine, before the asleep rule and
// the faster re-check); later pairs under load (another session's browser tests and type checks)
// spread 0.09–0.16 either way, and a script of the same pattern gave 9.30–9.38 against 9.31–9.52
// ms per batch trial (median of the repeats' medians). Final pair of bench runs in a quiet spell:
// numpy.ratio.batch10_ms_per_trial 0.0890 and 0.0905 against 0.0902 with sharedVector off (one
// more run off: 0.144, busy), shared_vector.ratio.k10 0.911 and 0.926 (with it off, both sides
// plain: 1.002 and 0.999). In that pattern the first call after the pause runs the plain split
// (the helper asleep), and the re-checks of either choice run a few more, so the median of five
// calls gains ~1 %; a long run of consecutive trials (training) gets the ~8 %.

// Spins of the driver waiting on an unclaimed part 1 before it computes it itself (~250 µs: a
// napping helper's wake-up; the other part's work is ~10 ms).
const CLAIM_SPINS: i32 = 1 << 16;
// Spins waiting for the other part before sleeping until it publishes (~100 µs, ten stages of ten
// sessions), and the longest such sleep. Waking a sleeping thread costs tens of µs on the 2-vCPU
// VM: sleeping after 1 << 12 spins (~25 µs) gave 0.93–1.01 of the plain split's time in quiet
// spells, 1 << 14 0.915–0.925 (alternated runs of 24 repeats each).
const COUPLED_SPIN_LIMIT: i32 = 1 << 14;
const COUPLED_NAP_NS: i64 = 1_000_000;

// Give the split kernel `kernel` (setSplit, two parts) a second pair of parts, `coupledParts`
// (usize[2]: BATCH kernels of KP = 2·vectors with row pairs built within [0, sharedRows) and the
// rest), that share their last vector: part 0 computes it on rows [0, sharedRows) (pairs
// [0, sharedPairs)), part 1 on the rest. splitMode chooses the pair of parts trial by trial.
// `exchange`: 2·exchangeParity bytes, 64-byte aligned, exchangeParity ≥ 16·n a multiple of 64;
// `words`: 128 bytes, 64-byte aligned.
export function setSharedVector(kernel: usize, coupledParts: usize, sharedRows: i32, sharedPairs: i32, exchange: usize, exchangeParity: i32, words: usize): void {
  const k = changetype<Kernel>(kernel);
  k.plainParts = k.partKernels;
  k.coupledParts = coupledParts;
  for (let t = 0; t < 2; t++) {
    const p = changetype<Kernel>(load<usize>(coupledParts + (<usize>t << alignof<usize>())));
    const first = t == 0;
    p.coupled = 1;
    p.sharedRow0 = first ? 0 : sharedRows;
    p.sharedRow1 = first ? sharedRows : p.n;
    p.otherRow0 = first ? sharedRows : 0;
    p.otherRow1 = first ? p.n : sharedRows;
    p.sharedPair0 = first ? 0 : sharedPairs;
    p.sharedPair1 = first ? sharedPairs : p.pairCount;
    p.otherPair0 = first ? sharedPairs : 0;
    p.otherPair1 = first ? p.pairCount : sharedPairs;
    p.exchange = exchange;
    p.exchangeParity = <usize>exchangeParity;
    p.ownWord = words + (<usize>t << 6);
    p.otherWord = words + (<usize>(1 - t) << 6);
  }
  memory.fill(words, 0, 128);
}

// Helpers of a threaded kernel napping or asleep now (0 without threads).
export function helpersAsleep(kernel: usize): i32 {
  if (!ASC_FEATURE_THREADS) return 0;
  const k = changetype<Kernel>(kernel);
  return k.sync == 0 ? 0 : atomic.load<i32>(k.sync + SYNC_JOIN, 4);
}

// The parts of the next split trials (between trials only): the shared-vector pair (shared ≠ 0)
// or the plain split's.
export function splitMode(kernel: usize, shared: i32): void {
  const k = changetype<Kernel>(kernel);
  if (k.coupledParts == 0) return;
  k.coupled = shared != 0 ? 1 : 0;
  k.partKernels = shared != 0 ? k.coupledParts : k.plainParts;
}

// A new trial of both parts (their parameters set): global stage numbers go on from the last.
function beginCoupled(k: Kernel): void {
  const a = partKernel(k, 0);
  const b = partKernel(k, 1);
  // k.trialStart: the last global stage number handed out so far
  const base = k.trialStart + 1;
  k.trialStart = base + <i64>a.stages;
  a.stageBase = base;
  b.stageBase = base;
  a.nextStage = 0;
  b.nextStage = 0;
}

@inline
function loadWord(at: usize): i64 {
  if (ASC_FEATURE_THREADS) return atomic.load<i64>(at);
  return load<i64>(at);
}

// The other part's rows of the last vector of stage s's rates into r (this part's copy).
function copyShared(p: Kernel, s: i32, r: usize): void {
  const rowStride = <usize>p.vectors << 4;
  const last = rowStride - 16;
  const from = p.exchange + (<usize>(s & 1)) * p.exchangeParity;
  for (let i = p.otherRow0; i < p.otherRow1; i++) v128.store(r + <usize>i * rowStride + last, v128.load(from + (<usize>i << 4)));
}

// Stage s (≥ 1) of a coupled part, the other part's stage s − 1 published (s ≥ 2).
function coupledStage(p: Kernel, s: i32): void {
  const odd = ((s - 1) & 1) != 0;
  const r = odd ? p.rB : p.rA;
  const rNext = odd ? p.rA : p.rB;
  if (s >= 2) copyShared(p, s - 1, r);
  finishStage(p, s - 1);
  const m = (s - 1) & 3;
  const vectors = p.vectors;
  const rowStride = <usize>vectors << 4;
  // this part's rows of the shared vector first, then publish them
  batchPairRange(p, p.sharedPair0, p.sharedPair1, r, vectors);
  updateRange(p, m, <usize>p.sharedRow0 * rowStride, <usize>p.sharedRow1 * rowStride, rNext);
  const last = rowStride - 16;
  const to = p.exchange + (<usize>(s & 1)) * p.exchangeParity;
  for (let i = p.sharedRow0; i < p.sharedRow1; i++) v128.store(to + (<usize>i << 4), v128.load(rNext + <usize>i * rowStride + last));
  if (ASC_FEATURE_THREADS) {
    atomic.store<i64>(p.ownWord, p.stageBase + <i64>s);
    if (atomic.load<i32>(p.otherWord, 8) != 0) atomic.notify(p.ownWord, 1);
  } else store<i64>(p.ownWord, p.stageBase + <i64>s);
  // then the other rows, without the shared vector
  batchPairRange(p, p.otherPair0, p.otherPair1, r, vectors - 1);
  if (vectors == 3) updateNarrowRows(p, m, p.otherRow0, p.otherRow1, rNext, 3);
  else updateNarrowRows(p, m, p.otherRow0, p.otherRow1, rNext, 2);
}

// The RK4 update (updateRange) of rows i0..i1 of a coupled part without their last vector (one
// loop over the rows: a call per row took ~4 % of a trial).
@inline
function updateNarrowRows(k: Kernel, m: i32, i0: i32, i1: i32, rNext: usize, vectors: i32): void {
  const rowStride = <usize>vectors << 4;
  const end = <usize>i1 * rowStride;
  if (vectors == 3) {
    updatePairs(k, m, <usize>i0 * rowStride, end, rNext, rowStride);
    return;
  }
  for (let off = <usize>i0 * rowStride; off < end; off += rowStride) {
    v128.store(rNext + off, rate2(probeUpdate(k, m, off), v128.load(k.gains + off), k.params, k.linear != 0));
  }
}

// The next step of a coupled part's trial if the other part is far enough (stage 0 on every row;
// stage s; after the last stage, the other half of its rates and the readout); whether it did.
function coupledAdvance(p: Kernel): bool {
  const s = p.nextStage;
  const stages = p.stages;
  if (s > stages) return false;
  if (s >= 2 && loadWord(p.otherWord) < p.stageBase + <i64>(s - 1)) return false;
  if (s == 0) batchRange(p, 0, 0, p.n);
  else if (s < stages) coupledStage(p, s);
  else {
    const r = ((stages - 2) & 1) != 0 ? p.rA : p.rB; // the last stage's rNext
    copyShared(p, stages - 1, r);
    finishStage(p, stages - 1);
  }
  p.nextStage = s + 1;
  return true;
}

// A helper's coupled part: its whole trial, waiting for the other part where it must.
function runCoupled(p: Kernel): void {
  let spins = 0; // since the last step
  while (p.nextStage <= p.stages) {
    if (coupledAdvance(p)) {
      spins = 0;
      continue;
    }
    if (++spins > COUPLED_SPIN_LIMIT) awaitOther(p);
  }
}

// Sleep until the other part publishes a stage (or COUPLED_NAP_NS pass): after a wait of more
// than a stage the other thread is not running, most likely for want of a core, which spinning
// here would keep from it. The waiting word (own line, +8) asks the other part to notify.
function awaitOther(p: Kernel): void {
  if (!ASC_FEATURE_THREADS) return;
  const seen = atomic.load<i64>(p.otherWord);
  atomic.store<i32>(p.ownWord, 1, 8);
  if (atomic.load<i64>(p.otherWord) == seen) atomic.wait<i64>(p.otherWord, seen, COUPLED_NAP_NS);
  atomic.store<i32>(p.ownWord, 0, 8);
}

// The driver's side of a coupled trial `seq` of split kernel k (null k: no threads): part a, and
// part b too when it owns it or claims it (unclaimed after CLAIM_SPINS spins of waiting).
function coupledDriver(a: Kernel, b: Kernel, ownB: bool, k: usize, seq: i64): bool {
  let spins = 0; // since the last step (each wait naps only when long)
  let unclaimedSpins = 0; // waiting while part b is unclaimed
  let claimed = ownB;
  while (a.nextStage <= a.stages || (ownB && b.nextStage <= b.stages)) {
    let moved = coupledAdvance(a);
    if (ownB && coupledAdvance(b)) moved = true;
    if (moved) {
      spins = 0;
      continue;
    }
    spins++;
    if (ASC_FEATURE_THREADS) {
      if (!claimed) {
        // spin (no sleep: a helper that claims does not notify) until the helper claims, or claim
        if (atomic.load<i64>(claimWord(changetype<Kernel>(k), 1)) == seq) claimed = true;
        else if (++unclaimedSpins >= CLAIM_SPINS) {
          ownB = atomic.cmpxchg<i64>(claimWord(changetype<Kernel>(k), 1), seq - 1, seq) == seq - 1;
          claimed = true; // by the helper after all, or now by this thread
        }
      } else if (spins > COUPLED_SPIN_LIMIT) awaitOther(a);
    }
  }
  return ownB;
}

function coupledOnThreads(k: Kernel, seq: i64): void {
  const trialWord = k.sync + SYNC_TRIAL;
  atomic.store<i64>(trialWord, seq);
  if (atomic.load<i32>(k.sync + SYNC_JOIN, 4) > 0) atomic.notify(trialWord, 0x7fffffff);
  atomic.store<i64>(claimWord(k, 0), seq);
  const unjoined = atomic.load<i32>(k.sync + SYNC_JOIN) < 1;
  const ownB = unjoined && atomic.cmpxchg<i64>(claimWord(k, 1), seq - 1, seq) == seq - 1;
  const tookB = coupledDriver(partKernel(k, 0), partKernel(k, 1), ownB, changetype<usize>(k), seq);
  atomic.store<i64>(doneWord(k, 0), seq);
  if (tookB) atomic.store<i64>(doneWord(k, 1), seq);
  store<i64>(doneWord(k, 0), 0, 16); // the driver's spins in this trial's wait
}
