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

import { constant, PairMatrix, pairSum, pairSum2, rate2, RATE_PARAMS_BYTES, rateVecWith, setRateParams, TWO } from './common';

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
  // the stage being computed (see the file comment)
  stage: i32 = 0;
  chunkCount: i32 = 0;
  channels: i32 = 0;
  nE: i32 = 0;
  h: f64 = 0;
  invTau: f64 = 0;
  cNeg: f64 = 0;
  cPos: f64 = 0;
  // stage counter of the thread protocol (never reset: the claim word carries it)
  sequence: i64 = 0;
  // chunks computed by helper threads so far (tests and reports)
  helperChunks: i64 = 0;
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
  chunkStart: usize = 0; // i32[chunkCount + 1], units
  // per-trial constants as v128 pairs: the rate parameters (common.ts), then invTau, h/2, h, h/6
  params: usize = 0;
  // three cache lines: claim word (i64), done counter (i32), sleeping helpers (i32)
  sync: usize = 0;
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
  const syncRaw = heap.alloc(3 * 64 + 64);
  const sync = (syncRaw + 63) & ~(<usize>63);
  memory.fill(sync, 0, 3 * 64);
  changetype<Kernel>(aligned).sync = sync;
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

// Chunks of units (chunkStart: i32[count + 1]); count < 65536. Also arms the claim word (nothing
// to claim until a threaded trial publishes its first stage).
export function setChunks(kernel: usize, count: i32, chunkStart: usize): void {
  const k = changetype<Kernel>(kernel);
  k.chunkCount = count;
  k.chunkStart = chunkStart;
  store<i64>(k.sync, (k.sequence << 16) | <i64>count);
}

// ---------------------------------------------------------------------------------------------
// One stage for a range of units: the products y = W·r for those units, then the fused RK4
// update of the same units (two loops, so that neither holds the other's values in registers).

// The RK4 update of units [byteStart, byteEnd) (f64x2 at a time), given y: slope, RK4 sum, next
// probe state and its rate, written to rNext.
function updateRange(k: Kernel, m: i32, byteStart: usize, byteEnd: usize, rNext: usize): void {
  // constants are read from memory at each use (see CONSTANTS in common.ts)
  const params = k.params;
  const linear = k.linear != 0;
  const x = k.x;
  const probe = k.probe;
  const acc = k.acc;
  const gains = k.gains;
  const y = k.y;
  for (let off = byteStart; off < byteEnd; off += 16) {
    const slope = f64x2.mul(f64x2.add(f64x2.neg(v128.load(probe + off)), v128.load(y + off)), v128.load(params + P_INV_TAU));
    const xi = v128.load(x + off);
    let v: v128;
    if (m == 0) {
      v128.store(acc + off, slope);
      v = f64x2.add(xi, f64x2.mul(v128.load(params + P_HALF_H), slope));
    } else if (m == 1) {
      v128.store(acc + off, f64x2.add(v128.load(acc + off), f64x2.mul(constant(TWO), slope)));
      v = f64x2.add(xi, f64x2.mul(v128.load(params + P_HALF_H), slope));
    } else if (m == 2) {
      v128.store(acc + off, f64x2.add(v128.load(acc + off), f64x2.mul(constant(TWO), slope)));
      v = f64x2.add(xi, f64x2.mul(v128.load(params + P_FULL_H), slope));
    } else {
      v = f64x2.add(xi, f64x2.mul(v128.load(params + P_SIXTH_H), f64x2.add(v128.load(acc + off), slope)));
      v128.store(x + off, v);
    }
    v128.store(probe + off, v);
    v128.store(rNext + off, rate2(v, v128.load(gains + off), params, linear));
  }
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

function pairsProducts(k: Kernel, p0: i32, p1: i32, r: usize): void {
  const m = changetype<PairMatrix>(k.matrix);
  const y = k.y;
  let p = p0;
  for (; p + 1 < p1; p += 2) pairSum2(m, p, r, y + (<usize>p << 4));
  if (p < p1) v128.store(y + (<usize>p << 4), pairSum(m, p, r));
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

function pairsRange(k: Kernel, p0: i32, p1: i32): void {
  const stage = k.stage;
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
    a0 = f64x2.add(a0, f64x2.mul(wk, v128.load(base)));
    if (width > 1) a1 = f64x2.add(a1, f64x2.mul(wk, v128.load(base, 16)));
    if (width > 2) a2 = f64x2.add(a2, f64x2.mul(wk, v128.load(base, 32)));
    if (width > 3) a3 = f64x2.add(a3, f64x2.mul(wk, v128.load(base, 48)));
    if (width > 4) a4 = f64x2.add(a4, f64x2.mul(wk, v128.load(base, 64)));
  }
  v128.store(y, a0);
  if (width > 1) v128.store(y, a1, 16);
  if (width > 2) v128.store(y, a2, 32);
  if (width > 3) v128.store(y, a3, 48);
  if (width > 4) v128.store(y, a4, 64);
}

function batchProducts(k: Kernel, i0: i32, i1: i32, r: usize): void {
  const m = changetype<PairMatrix>(k.matrix);
  const vectors = k.vectors;
  const rowStride = <usize>vectors << 4;
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

function batchRange(k: Kernel, i0: i32, i1: i32): void {
  const stage = k.stage;
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
function runRange(k: Kernel, u0: i32, u1: i32): void {
  if (k.kind == KIND_PAIRS) pairsRange(k, u0, u1);
  else batchRange(k, u0, u1);
}

@inline
function runChunk(k: Kernel, chunk: i32): void {
  runRange(k, load<i32>(k.chunkStart + (<usize>chunk << 2)), load<i32>(k.chunkStart + (<usize>(chunk + 1) << 2)));
}

// After every unit of a stage is done: the batch readout of a finished sample.
@inline
function finishStage(k: Kernel, stage: i32): void {
  if (k.kind != KIND_BATCH || k.outputs == 0) return;
  if (stage == 0) batchReadout(k, k.rA, 0);
  else if (((stage - 1) & 3) == 3) batchReadout(k, ((stage - 1) & 1) != 0 ? k.rA : k.rB, ((stage - 1) >> 2) + 1);
}

function setTrial(k: Kernel, nSamples: i32, h: f64, invTau: f64, cNeg: f64, cPos: f64, linear: i32): i32 {
  k.nSamples = nSamples;
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
  return 1 + 4 * (nSamples - 1);
}

// One trial on the calling thread alone.
export function trial(kernel: usize, nSamples: i32, h: f64, invTau: f64, cNeg: f64, cPos: f64, linear: i32): void {
  const k = changetype<Kernel>(kernel);
  const stages = setTrial(k, nSamples, h, invTau, cNeg, cPos, linear);
  for (let s = 0; s < stages; s++) {
    k.stage = s;
    runRange(k, 0, k.units);
    finishStage(k, s);
  }
}

// ---------------------------------------------------------------------------------------------
// Threads ('dynamicsShared' build only; the host runs helperLoop on each helper thread).
//
// Protocol, per stage: the calling thread (the driver) publishes the stage in the claim word,
// (sequence << 16) | next chunk; every thread (driver included) claims chunks by compare-exchange
// and counts each chunk finished in the done word; the driver waits until all chunks are done,
// resets it and publishes the next stage. A helper that is asleep or descheduled simply claims
// nothing (the driver does the work), so a busy machine never stalls a trial on a missing
// thread — only on a chunk a preempted helper has already claimed.
// Waiting: spin SPIN_LIMIT loads, then sleep (atomic.wait) in short naps; a helper idle for
// NAPS_BEFORE_SLEEP naps sleeps until the driver's notify at the start of the next trial.

const SPIN_LIMIT: i32 = 4000;
const DRIVER_NAP_NS: i64 = 50_000;
const HELPER_NAP_NS: i64 = 200_000;
const NAPS_BEFORE_SLEEP: i32 = 20;
const QUIT: i64 = -1;
// A helper's finished chunk: one chunk (low 16 bits, what the driver waits for) and one helper
// chunk (high bits, summed into helperChunks by the driver): no extra atomic operation.
const HELPER_DONE: i32 = 0x10001;

export function helperChunks(kernel: usize): i64 {
  return changetype<Kernel>(kernel).helperChunks;
}

// One trial with the helpers that are attached (any number, none included: same bits).
export function trialThreaded(kernel: usize, nSamples: i32, h: f64, invTau: f64, cNeg: f64, cPos: f64, linear: i32): void {
  if (ASC_FEATURE_THREADS) threadedStages(changetype<Kernel>(kernel), nSamples, h, invTau, cNeg, cPos, linear);
  else trial(kernel, nSamples, h, invTau, cNeg, cPos, linear);
}

function threadedStages(k: Kernel, nSamples: i32, h: f64, invTau: f64, cNeg: f64, cPos: f64, linear: i32): void {
  const stages = setTrial(k, nSamples, h, invTau, cNeg, cPos, linear);
  const claim = k.sync;
  const done = k.sync + 64;
  const sleepers = k.sync + 128;
  const count = k.chunkCount;
  for (let s = 0; s < stages; s++) {
    k.stage = s;
    k.sequence += 1;
    atomic.store<i64>(claim, k.sequence << 16);
    if (s == 0 && atomic.load<i32>(sleepers) > 0) atomic.notify(claim, 0x7fffffff);
    while (true) {
      const word = atomic.load<i64>(claim);
      const chunk = <i32>(word & 0xffff);
      if (chunk >= count) break;
      if (atomic.cmpxchg<i64>(claim, word, word + 1) == word) {
        runChunk(k, chunk);
        atomic.add<i32>(done, 1);
      }
    }
    let spins = 0;
    let finished = 0;
    while (true) {
      finished = atomic.load<i32>(done);
      if ((finished & 0xffff) >= count) break;
      if (++spins > SPIN_LIMIT) atomic.wait<i32>(done, finished, DRIVER_NAP_NS);
    }
    k.helperChunks += <i64>(finished >>> 16);
    atomic.store<i32>(done, 0);
    finishStage(k, s);
  }
}

// A helper thread's life: claim chunks of whatever stage is published until releaseHelpers.
export function helperLoop(kernel: usize): void {
  if (ASC_FEATURE_THREADS) claimChunks(changetype<Kernel>(kernel));
}

function claimChunks(k: Kernel): void {
  const claim = k.sync;
  const done = k.sync + 64;
  const sleepers = k.sync + 128;
  let last: i64 = -2;
  let spins = 0;
  let naps = 0;
  while (true) {
    const word = atomic.load<i64>(claim);
    if (word == QUIT) return;
    if (word != last) {
      last = word;
      spins = 0;
      naps = 0;
    }
    if (<i32>(word & 0xffff) < k.chunkCount) {
      if (atomic.cmpxchg<i64>(claim, word, word + 1) == word) {
        runChunk(k, <i32>(word & 0xffff));
        atomic.add<i32>(done, HELPER_DONE);
      }
      continue;
    }
    if (++spins < SPIN_LIMIT) continue;
    atomic.add<i32>(sleepers, 1);
    if (atomic.load<i64>(claim) == word) atomic.wait<i64>(claim, word, naps < NAPS_BEFORE_SLEEP ? HELPER_NAP_NS : -1);
    atomic.sub<i32>(sleepers, 1);
    naps++;
  }
}

// Make every helperLoop on this kernel return (after the chunk it is computing, if any).
export function releaseHelpers(kernel: usize): void {
  if (ASC_FEATURE_THREADS) {
    const k = changetype<Kernel>(kernel);
    atomic.store<i64>(k.sync, QUIT);
    atomic.notify(k.sync, 0x7fffffff);
  }
}
