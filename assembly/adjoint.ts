// GainLab gradient kernel in AssemblyScript (compiled with `asc --enable simd`, see
// scripts/build-wasm.mjs; embedded as base64 in src-shared/model/wasm/adjointWasm.ts): the taped
// RK4 forward and its exact discrete adjoint (model-spec §6), float64 throughout. The math and the
// operation order follow the TypeScript reference path in src-shared/model/gradient.ts (read its
// header first); this file only changes how the products W·r and Wᵀ·k̄ are done and keeps
// everything in one memory:
//
//  - A fixed W (forward) and Wᵀ (adjoint) use the row-pair layout of assembly/dynamics.ts
//    ('wasm-pairs'): two rows in the two f64x2 lanes, u16 byte offsets of a pair in one u32, the
//    shared E weight as index sums. Wᵀ has the same structure as W: row j < nE of Wᵀ is E column j
//    of W, whose entries all carry the shared E weight. A trained W (dense) uses dense blocks of W
//    and Wᵀ instead (setDense), and outerProducts forms ∂E/∂W from the tape.
//  - The tape has 4·nSteps + 1 rows of stride nPad + 2 doubles: row 4k + s holds stage s of step
//    k (states in tapeY, rates f(y) in tapeR), so row 4k is sample x_k and row 4·nSteps the last
//    sample. The forward writes each stage state straight into its tape row and each rate row is
//    the vector the next product reads (no copies). The 2 doubles after each row stay zero: the
//    pair layout pads the shorter row of a pair with weight 0 at the offset 8·nPad ("zero slot").
//  - The backward recovers f'(y) and ∂f/∂g from the stored rate, u = f/c: f' = g(1 − u²),
//    ∂f/∂g = y(1 − u²) (linear gain function: g and y), so no tanh is evaluated twice.
//  - The readout (output and its residual term in the adjoint) is done here too; the host gives
//    the readout weights β (channels rows of nPad, zero from nE on) and, before the backward, the
//    scaled residuals r_ck = 2(m_ck − m*_ck)/D (channel-major, channels × nSamples).
//
// Buffers: `setup` allocates everything a problem needs once (the host then places W, Wᵀ, gains,
// x0 and β through the pointers `pointer(...)` returns); forward and backward allocate nothing.

import { AtPointer, helperIdle, helperWorked, HELPER_NAP_NS, PairMatrix, pairSum, pairSum2, RATE_PARAMS_BYTES, rateVecWith, setRateParams } from './common';

export { allocate } from './common';

// ---------------------------------------------------------------------------------------------
// Row-pair sparse matrices (src-shared/model/kernels/layout.ts rowPairs), one for W, one for Wᵀ.

let wPairCount: i32 = 0;
let wRows: usize = 0; // i32[2·pairs]: row a, row b (row b = n for a lone last row: y[n] is padding)
let wMatrix: usize = 0; // PairMatrix
let tPairCount: i32 = 0;
let tRows: usize = 0;
let tMatrix: usize = 0;

/** transpose = 0: the pairs of W; 1: those of Wᵀ. */
export function setPairs(
  transpose: i32,
  pairCount: i32,
  rows: usize,
  eStart: usize,
  eOffsets: usize,
  iStart: usize,
  iOffsets: usize,
  iWeights: usize,
  sharedWeight: f64,
): void {
  const matrix = (heap.alloc(offsetof<PairMatrix>() + 16) + 15) & ~(<usize>15);
  const m = changetype<PairMatrix>(matrix);
  m.eStart = eStart;
  m.eOffsets = eOffsets;
  m.iStart = iStart;
  m.iOffsets = iOffsets;
  m.iWeights = iWeights;
  m.sharedWeight = sharedWeight;
  if (transpose) {
    tPairCount = pairCount;
    tRows = rows;
    tMatrix = matrix;
  } else {
    wPairCount = pairCount;
    wRows = rows;
    wMatrix = matrix;
  }
}

// y = M·r for pairs p0..p1 of a row-pair matrix (p0 even), each pair summed in the order of every
// fast kernel (assembly/common.ts pairSum2); `two` is the calling thread's scratch (two f64x2). r
// needs a zero at byte offset 8·nPad; y needs nPad entries (a lone last row writes the padding
// slot y[n]).
function pairsMatvec(p0: i32, p1: i32, rows: usize, matrix: usize, r: usize, y: usize, two: usize): void {
  const m = changetype<PairMatrix>(matrix);
  for (let p = p0; p < p1; p += 2) {
    if (p + 1 < p1) pairSum2<AtPointer>(m, p, r, two);
    else v128.store(two, pairSum<AtPointer>(m, p, r));
    const last = p + 1 < p1 ? 2 : 1;
    for (let j = 0; j < last; j++) {
      const total = v128.load(two + (<usize>j << 4));
      store<f64>(y + (<usize>load<i32>(rows + (<usize>(p + j) << 3)) << 3), f64x2.extract_lane(total, 0));
      store<f64>(y + (<usize>load<i32>(rows + (<usize>(p + j) << 3), 4) << 3), f64x2.extract_lane(total, 1));
    }
  }
}

// Dense storage (a trained W, which fills in): W and Wᵀ row-major nPad × nPad, zero padded, in
// buffers allocated once by setDense (the host overwrites them when W changes, so a training loop
// never re-instantiates). Four rows at a time: each f64x2 load of r feeds four rows.
let gDense: i32 = 0;
let gDenseW: usize = 0;
let gDenseWT: usize = 0;

// Rows i0..i1 of y = M·r (i0 a multiple of 4).
function denseMatvec(M: usize, r: usize, y: usize, i0: i32, i1: i32): void {
  const nPad = gNPad;
  const rowBytes = <usize>nPad << 3;
  let i = i0;
  for (; i + 3 < i1; i += 4) {
    const m0 = M + <usize>i * rowBytes;
    const m1 = m0 + rowBytes;
    const m2 = m1 + rowBytes;
    const m3 = m2 + rowBytes;
    let a0 = f64x2.splat(0);
    let a1 = f64x2.splat(0);
    let a2 = f64x2.splat(0);
    let a3 = f64x2.splat(0);
    for (let j = 0; j < nPad; j += 2) {
      const off = <usize>j << 3;
      const rv = v128.load(r + off);
      a0 = f64x2.add(a0, f64x2.mul(v128.load(m0 + off), rv));
      a1 = f64x2.add(a1, f64x2.mul(v128.load(m1 + off), rv));
      a2 = f64x2.add(a2, f64x2.mul(v128.load(m2 + off), rv));
      a3 = f64x2.add(a3, f64x2.mul(v128.load(m3 + off), rv));
    }
    store<f64>(y + (<usize>i << 3), f64x2.extract_lane(a0, 0) + f64x2.extract_lane(a0, 1));
    store<f64>(y + (<usize>(i + 1) << 3), f64x2.extract_lane(a1, 0) + f64x2.extract_lane(a1, 1));
    store<f64>(y + (<usize>(i + 2) << 3), f64x2.extract_lane(a2, 0) + f64x2.extract_lane(a2, 1));
    store<f64>(y + (<usize>(i + 3) << 3), f64x2.extract_lane(a3, 0) + f64x2.extract_lane(a3, 1));
  }
  for (; i < i1; i++) {
    const m0 = M + <usize>i * rowBytes;
    let a0 = f64x2.splat(0);
    for (let j = 0; j < nPad; j += 2) {
      const off = <usize>j << 3;
      a0 = f64x2.add(a0, f64x2.mul(v128.load(m0 + off), v128.load(r + off)));
    }
    store<f64>(y + (<usize>i << 3), f64x2.extract_lane(a0, 0) + f64x2.extract_lane(a0, 1));
  }
}

/** on ≠ 0: products use the dense W/Wᵀ buffers (allocated on the first call; see pointer 13, 14). */
export function setDense(on: i32): void {
  if (on && gDenseW == 0) {
    const bytes = <usize>gNPad * <usize>gNPad << 3;
    gDenseW = zeroed(bytes);
    gDenseWT = zeroed(bytes);
  }
  gDense = on;
}

@inline
function productW(r: usize, y: usize): void {
  if (gDense) denseMatvec(gDenseW, r, y, 0, gNPad);
  else pairsMatvec(0, wPairCount, wRows, wMatrix, r, y, gPairScratch);
}

@inline
function productWT(r: usize, y: usize): void {
  if (gDense) denseMatvec(gDenseWT, r, y, 0, gNPad);
  else pairsMatvec(0, tPairCount, tRows, tMatrix, r, y, gPairScratch);
}

// ---------------------------------------------------------------------------------------------
// Problem description and buffers (allocated by setup).

let gN: i32 = 0;
let gNPad: i32 = 0;
let gNEPad: i32 = 0; // nE rounded up to even (β is zero from nE on)
let gSteps: i32 = 0; // nSamples − 1
let gChannels: i32 = 0;
let gH: f64 = 0;
let gInvTau: f64 = 0;
let gCNeg: f64 = 0; // r0
let gCPos: f64 = 0; // rmax − r0
let gLinear: i32 = 0;
let gRowBytes: usize = 0; // tape row stride in bytes: 8·(nPad + 2)

let gTapeY: usize = 0; // (4·steps + 1) rows: stage states
let gTapeR: usize = 0; // same rows: f(stage states)
let gGains: usize = 0; // nPad
let gU: usize = 0; // rank-1 u, nPad
let gV: usize = 0; // rank-1 v, nPad
let gBeta: usize = 0; // channels × nPad readout weights (offsets b_c separately)
let gOffsets: usize = 0; // channels f64: b_c
let gOutput: usize = 0; // channels × nSamples
let gResidual: usize = 0; // channels × nSamples: 2(m − m*)/D, written by the host before backward
let gAcc: usize = 0; // nPad: RK4 sum
let gY: usize = 0; // nPad + 2: product W·r / Wᵀ·k̄
let gKbar: usize = 0; // nPad + 2 (zero slot at nPad): stage cotangent k̄
let gYbar: usize = 0; // nPad: ȳ of the stage after
let gAccum: usize = 0; // nPad: Σ ȳ of the current step
let gLambda: usize = 0; // nPad: λ; after backward, ∂E/∂x0
let gRho: usize = 0; // nPad: ρ_k = Σ_c r_ck β_c
let gGainGrad: usize = 0; // nPad
let gUGrad: usize = 0; // nPad
let gVGrad: usize = 0; // nPad
let gPairScratch: usize = 0; // two f64x2: the sums of two pairs
// rate parameters (common.ts setRateParams) on the heap, not in static data: a helper thread's
// instantiation may rewrite the static data of the shared memory (threads build)
let gRateParams: usize = 0;

function zeroed(bytes: usize): usize {
  const ptr = heap.alloc(bytes + 16);
  const aligned = (ptr + 15) & ~(<usize>15);
  memory.fill(aligned, 0, bytes);
  return aligned;
}

export function setup(n: i32, nE: i32, nSteps: i32, channels: i32, h: f64, invTau: f64, cNeg: f64, cPos: f64, linear: i32): void {
  gN = n;
  gNPad = (n + 1) & ~1;
  gNEPad = (nE + 1) & ~1;
  gSteps = nSteps;
  gChannels = channels;
  gH = h;
  gInvTau = invTau;
  gCNeg = cNeg;
  gCPos = cPos;
  gLinear = linear;
  const vector = <usize>gNPad << 3;
  gRowBytes = vector + 16;
  const tapeBytes = <usize>(4 * nSteps + 1) * gRowBytes;
  gTapeY = zeroed(tapeBytes);
  gTapeR = zeroed(tapeBytes);
  gGains = zeroed(vector);
  gU = zeroed(vector);
  gV = zeroed(vector);
  gBeta = zeroed(<usize>channels * vector);
  gOffsets = zeroed(<usize>channels << 3);
  gOutput = zeroed(<usize>channels * <usize>(nSteps + 1) << 3);
  gResidual = zeroed(<usize>channels * <usize>(nSteps + 1) << 3);
  gAcc = zeroed(vector);
  gY = zeroed(vector + 16);
  gKbar = zeroed(vector + 16);
  gYbar = zeroed(vector);
  gAccum = zeroed(vector);
  gLambda = zeroed(vector);
  gRho = zeroed(vector);
  gGainGrad = zeroed(vector);
  gUGrad = zeroed(vector);
  gVGrad = zeroed(vector);
  gPairScratch = zeroed(32);
  gRateParams = zeroed(RATE_PARAMS_BYTES);
  setRateParams(gRateParams, cNeg, cPos);
}

/** Where the host reads and writes: see the names in the switch. */
export function pointer(which: i32): usize {
  switch (which) {
    case 0:
      return gTapeY; // row 0 = x0 (host writes it)
    case 1:
      return gTapeR;
    case 2:
      return gGains;
    case 3:
      return gU;
    case 4:
      return gV;
    case 5:
      return gBeta;
    case 6:
      return gOffsets;
    case 7:
      return gOutput;
    case 8:
      return gResidual;
    case 9:
      return gLambda;
    case 10:
      return gGainGrad;
    case 11:
      return gUGrad;
    case 12:
      return gVGrad;
    case 13:
      return gDenseW;
    case 14:
      return gDenseWT;
    default:
      return 0;
  }
}

@inline
function dot(a: usize, b: usize, count: i32): f64 {
  let s0 = f64x2.splat(0);
  let s1 = f64x2.splat(0);
  let i = 0;
  for (; i + 3 < count; i += 4) {
    const off = <usize>i << 3;
    s0 = f64x2.add(s0, f64x2.mul(v128.load(a + off), v128.load(b + off)));
    s1 = f64x2.add(s1, f64x2.mul(v128.load(a + off, 16), v128.load(b + off, 16)));
  }
  if (i < count) {
    const off = <usize>i << 3;
    s0 = f64x2.add(s0, f64x2.mul(v128.load(a + off), v128.load(b + off)));
  }
  const s = f64x2.add(s0, s1);
  return f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
}

// y += a·s
@inline
function axpy(y: usize, a: usize, s: f64, count: i32): void {
  const sv = f64x2.splat(s);
  for (let i = 0; i < count; i += 2) {
    const off = <usize>i << 3;
    v128.store(y + off, f64x2.add(v128.load(y + off), f64x2.mul(v128.load(a + off), sv)));
  }
}

// output[c·nSamples + k] = b_c + Σ_{i<nE} β_ci r_i
function readoutSample(r: usize, k: i32): void {
  const nSamples = gSteps + 1;
  const vector = <usize>gNPad << 3;
  for (let c = 0; c < gChannels; c++) {
    const m = load<f64>(gOffsets + (<usize>c << 3)) + dot(gBeta + <usize>c * vector, r, gNEPad);
    store<f64>(gOutput + ((<usize>c * <usize>nSamples + <usize>k) << 3), m);
  }
}

// ---------------------------------------------------------------------------------------------
// Forward: integrate from tape row 0 (x0, written by the host) with gains, W (+ u vᵀ when
// rankOne ≠ 0); fill the tape and the output.

export function forward(rankOne: i32): void {
  const nPad = gNPad;
  const rowBytes = gRowBytes;
  rateVecWith(gTapeY, gGains, gTapeR, nPad, gRateParams, gLinear);
  readoutSample(gTapeR, 0);
  for (let k = 0; k < gSteps; k++) {
    for (let stage = 0; stage < 4; stage++) {
      const rRow = gTapeR + <usize>(4 * k + stage) * rowBytes;
      productW(rRow, gY);
      if (rankOne) axpy(gY, gU, dot(gV, rRow, nPad), nPad);
      forwardRows(k, stage, 0, <usize>nPad << 3);
    }
    readoutSample(gTapeR + <usize>(4 * k + 4) * rowBytes, k + 1);
  }
}

// ---------------------------------------------------------------------------------------------
// Backward (exact discrete adjoint of forward; see src-shared/model/gradient.ts for the recursion).
// Writes λ_0 = ∂E/∂x0 (gLambda), ∂E/∂g (gGainGrad), and with rankOne ≠ 0 ∂E/∂u, ∂E/∂v
// (gUGrad, gVGrad); with cotangents ≠ 0, k̄_s/τ into that tape (same rows as tapeY) for the host's
// ∂E/∂W. Gains enter f in the dynamics and in the readout; both terms are summed.

// sech² = 1 − u², u = f/c, c by the sign of y (into `sech2`); linear gain function: not used.
@inline
function sech2Of(yv: v128, rv: v128, invNeg: v128, invPos: v128): v128 {
  const u = f64x2.mul(rv, v128.bitselect(invNeg, invPos, f64x2.lt(yv, f64x2.splat(0.0))));
  return f64x2.sub(f64x2.splat(1.0), f64x2.mul(u, u));
}

export function backward(rankOne: i32, cotangents: usize): void {
  const nPad = gNPad;
  const bytes = <usize>nPad << 3;
  const rowBytes = gRowBytes;
  const invTau = gInvTau;
  memory.fill(gLambda, 0, bytes);
  memory.fill(gGainGrad, 0, bytes);
  memory.fill(gUGrad, 0, bytes);
  memory.fill(gVGrad, 0, bytes);
  readoutTermRows(gSteps, 0, bytes);
  kbarRows(3, 0, bytes, gKbar);
  for (let k = gSteps - 1; k >= 0; k--) {
    for (let s = 3; s >= 0; s--) {
      productWT(gKbar, gY);
      if (rankOne) {
        // W_effᵀ k̄ = Wᵀk̄ + v(u·k̄); ∂E/∂u += (k̄/τ)(f·v), ∂E/∂v += ((k̄·u)/τ) f — with this
        // stage's k̄, before backwardRows replaces it with the next stage's
        const rRow = gTapeR + <usize>(4 * k + s) * rowBytes;
        const uk = dot(gU, gKbar, nPad);
        axpy(gY, gV, uk, nPad);
        axpy(gUGrad, gKbar, dot(rRow, gV, nPad) * invTau, nPad);
        axpy(gVGrad, rRow, uk * invTau, nPad);
      }
      // one thread: the next k̄ may overwrite this one (nobody else reads it)
      backwardRows(k, s, 0, bytes, cotangents, gKbar, gKbar);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// ∂E/∂W = Σ_s (k̄_s/τ) f(y_s)ᵀ over the tape rows 0..4·nSteps−1: out[i·nPad + j] (nPad × nPad,
// row-major) = Σ_t cotangents[t, i] · tapeR[t, j]. Four output rows at a time (6 KB for N = 200,
// in L1) while the tape rows stream once per block.
export function outerProducts(cotangents: usize, out: usize): void {
  outerRows(cotangents, out, 0, gNPad);
}

// ---------------------------------------------------------------------------------------------
// Threads ('adjointShared' build only; the host runs helperLoop on each helper thread, as for
// assembly/dynamics.ts, whose "Threads" section explains the protocol this one follows).
//
// A threaded pass (forward, backward, or ∂E/∂W) is a sequence of phases, each cut into `parts`
// parts, one per thread: the calling thread (the driver) owns part 0, each helper the part it took
// when it joined. A part is a range of rows (the host balances their work: kernels/layout.ts,
// wasm/adjointKernel.ts rowBounds) whose rows the host pairs among themselves, so one phase is one
// RK4 stage: the part's products (W·r or Wᵀ·k̄, its own pairs or dense rows), then the
// element-wise rest of the same rows (the RK4 update and the rates; or ȳ, the RK4 sum of ȳ, ∂E/∂g,
// the cotangents, the next k̄ and, at a step's end, λ and the readout term). Every per-row
// operation is the single-thread code's, in its order, so the bits are the same with any number of
// threads and any split. A phase may begin once every part of the phase before is done (the
// products read every row of the stage before); nobody publishes it. The backward writes the next
// k̄ into a second buffer, as other threads' products may still read the current one. A thread
// that has done its part and still waits after STEAL_SPINS spins computes the other parts no one
// has claimed yet (the driver does so at once for parts with no helper), so a helper that is late,
// asleep or descheduled never stalls a pass. The rank-1 term needs whole-vector dots inside a
// stage: those passes run on the driver alone (forward/backward above).
//
// Module globals are per instance (per thread): the driver writes the problem's globals into
// memory (saveContext, by setThreads) and each helper reads them (loadContext) before it works.
//
// Words (each on its own 64-byte line of gSync), counting from setThreads on, never reset:
//  - pass: the global number of the phase after the current pass's last (+0; QUIT when the helpers
//    are released), of its first phase (+8), its kind (+16), the cotangent tape (+24), the
//    ∂E/∂W output (+32) and, for an offered pass, the thread that computed it (+40).
//  - join: helpers that took a part (+0), helpers asleep (+4), a word that never changes (+8).
//  - claim[p]: phases whose part p has been claimed.
//  - done[t]: parts thread t has computed (only thread t writes it): phase S is complete once
//    Σ done = (S + 1)·parts.

const SYNC_PASS: usize = 0;
const SYNC_JOIN: usize = 64;
const SYNC_PARTS_LINE: i32 = 2;
const QUIT: i64 = -1;
const PASS_FORWARD: i32 = 1;
const PASS_BACKWARD: i32 = 2;
const PASS_OUTER: i32 = 3;
// offered passes (below): one phase whose part 1 is the whole forward(0) / backward(0, …)
const PASS_WHOLE_FORWARD: i32 = 4;
const PASS_WHOLE_BACKWARD: i32 = 5;
// Spins and naps as in assembly/dynamics.ts (a spin is ~4 ns on the 2-core EPYC).
const STEAL_SPINS: i32 = 256;
const STAGE_SPIN_LIMIT: i32 = 1 << 18;
const DRIVER_NAP_NS: i64 = 50_000;

let gParts: i32 = 1;
let gSync: usize = 0;
let gContext: usize = 0;
// i32[parts + 1], even: the rows of each part in the forward (W) and in the backward (Wᵀ). The
// host pairs rows within each part (kernels/layout.ts pairOrder with ranges), so the pairs of part
// t are rows/2 of its bounds.
let gWBounds: usize = 0;
let gTBounds: usize = 0;
let gDenseBounds: usize = 0; // i32[parts + 1]: ∂E/∂W rows per part (multiples of 4)
let gKbar2: usize = 0; // nPad + 2: the second k̄ buffer (threaded backward: read one, write the other)
let gScratch: usize = 0; // parts × two f64x2: each thread's pair scratch
let gSequence: i64 = 0; // driver: global number of the next phase

// The globals a helper needs, in memory (u32 fields, then f64 fields from byte 256).
function saveContext(): void {
  const c = gContext;
  const ints: StaticArray<u32> = [
    <u32>wPairCount, <u32>wRows, <u32>wMatrix, <u32>tPairCount, <u32>tRows, <u32>tMatrix, <u32>gDense, <u32>gDenseW,
    <u32>gDenseWT, <u32>gN, <u32>gNPad, <u32>gNEPad, <u32>gSteps, <u32>gChannels, <u32>gLinear, <u32>gRowBytes,
    <u32>gTapeY, <u32>gTapeR, <u32>gGains, <u32>gU, <u32>gV, <u32>gBeta, <u32>gOffsets, <u32>gOutput,
    <u32>gResidual, <u32>gAcc, <u32>gY, <u32>gKbar, <u32>gYbar, <u32>gAccum, <u32>gLambda, <u32>gRho,
    <u32>gGainGrad, <u32>gUGrad, <u32>gVGrad, <u32>gRateParams, <u32>gParts, <u32>gSync, <u32>gWBounds, <u32>gTBounds,
    <u32>gKbar2, <u32>gDenseBounds, <u32>gScratch, <u32>gPairScratch,
  ];
  for (let i = 0; i < ints.length; i++) store<u32>(c + (<usize>i << 2), ints[i]);
  store<f64>(c + 256, gH);
  store<f64>(c + 264, gInvTau);
  store<f64>(c + 272, gCNeg);
  store<f64>(c + 280, gCPos);
}

function loadContext(c: usize): void {
  wPairCount = load<i32>(c);
  wRows = load<u32>(c, 4);
  wMatrix = load<u32>(c, 8);
  tPairCount = load<i32>(c, 12);
  tRows = load<u32>(c, 16);
  tMatrix = load<u32>(c, 20);
  gDense = load<i32>(c, 24);
  gDenseW = load<u32>(c, 28);
  gDenseWT = load<u32>(c, 32);
  gN = load<i32>(c, 36);
  gNPad = load<i32>(c, 40);
  gNEPad = load<i32>(c, 44);
  gSteps = load<i32>(c, 48);
  gChannels = load<i32>(c, 52);
  gLinear = load<i32>(c, 56);
  gRowBytes = load<u32>(c, 60);
  gTapeY = load<u32>(c, 64);
  gTapeR = load<u32>(c, 68);
  gGains = load<u32>(c, 72);
  gU = load<u32>(c, 76);
  gV = load<u32>(c, 80);
  gBeta = load<u32>(c, 84);
  gOffsets = load<u32>(c, 88);
  gOutput = load<u32>(c, 92);
  gResidual = load<u32>(c, 96);
  gAcc = load<u32>(c, 100);
  gY = load<u32>(c, 104);
  gKbar = load<u32>(c, 108);
  gYbar = load<u32>(c, 112);
  gAccum = load<u32>(c, 116);
  gLambda = load<u32>(c, 120);
  gRho = load<u32>(c, 124);
  gGainGrad = load<u32>(c, 128);
  gUGrad = load<u32>(c, 132);
  gVGrad = load<u32>(c, 136);
  gRateParams = load<u32>(c, 140);
  gParts = load<i32>(c, 144);
  gSync = load<u32>(c, 148);
  gWBounds = load<u32>(c, 152);
  gTBounds = load<u32>(c, 156);
  gKbar2 = load<u32>(c, 160);
  gDenseBounds = load<u32>(c, 164);
  gScratch = load<u32>(c, 168);
  gPairScratch = load<u32>(c, 172);
  gH = load<f64>(c, 256);
  gInvTau = load<f64>(c, 264);
  gCNeg = load<f64>(c, 272);
  gCPos = load<f64>(c, 280);
}

// Equal bounds of `count` in multiples of `unit` (the last part takes the rest).
function splitEven(count: i32, unit: i32, out: usize, parts: i32): void {
  const blocks = (count + unit - 1) / unit;
  for (let t = 0; t < parts; t++) store<i32>(out + (<usize>t << 2), min(((blocks * t) / parts) * unit, count));
  store<i32>(out + (<usize>parts << 2), count);
}

// Prepare threaded passes for `parts` threads (the driver and parts − 1 helpers) with the rows of
// each part in the forward (wBounds) and the backward (tBounds), i32[parts + 1] each, even; call
// after setup and setPairs/setDense, before any helper starts. Returns the pointer to give
// helperLoop/helperStep.
export function setThreads(parts: i32, wBounds: usize, tBounds: usize): usize {
  gParts = max(parts, 1);
  const lines = <usize>(SYNC_PARTS_LINE + 2 * gParts);
  gSync = (heap.alloc((lines + 1) << 6) + 63) & ~(<usize>63);
  memory.fill(gSync, 0, lines << 6);
  gWBounds = wBounds;
  gTBounds = tBounds;
  gDenseBounds = zeroed(<usize>(gParts + 1) << 2);
  splitEven(gNPad, 4, gDenseBounds, gParts);
  gKbar2 = zeroed((<usize>gNPad << 3) + 16);
  // each thread's scratch on its own line
  gScratch = (heap.alloc((<usize>gParts << 6) + 64) + 63) & ~(<usize>63);
  gContext = zeroed(512);
  saveContext();
  return gContext;
}

@inline
function bound(bounds: usize, part: i32): i32 {
  return load<i32>(bounds + (<usize>part << 2));
}

@inline
function claimWord(part: i32): usize {
  return gSync + (<usize>(SYNC_PARTS_LINE + part) << 6);
}

@inline
function doneWord(thread: i32): usize {
  return gSync + (<usize>(SYNC_PARTS_LINE + gParts + thread) << 6);
}

@inline
function finishedParts(): i64 {
  let total: i64 = 0;
  for (let t = 0; t < gParts; t++) total += atomic.load<i64>(doneWord(t));
  return total;
}

// Parts computed by helper threads so far (tests, reports).
export function helperParts(): i64 {
  let total: i64 = 0;
  if (ASC_FEATURE_THREADS) for (let t = 1; t < gParts; t++) total += atomic.load<i64>(doneWord(t));
  return total;
}

// The product of a stage for the rows of `part` (bounds: its rows, even): y = M·r over its pairs
// (rows/2) or its dense rows.
function productPart(transpose: i32, bounds: usize, part: i32, thread: i32, r: usize, y: usize): void {
  const a = bound(bounds, part);
  const b = bound(bounds, part + 1);
  if (gDense) {
    denseMatvec(transpose ? gDenseWT : gDenseW, r, y, a, b);
  } else {
    const scratch = gScratch + (<usize>thread << 6);
    if (transpose) pairsMatvec(a >> 1, b >> 1, tRows, tMatrix, r, y, scratch);
    else pairsMatvec(a >> 1, b >> 1, wRows, wMatrix, r, y, scratch);
  }
}

// Forward stage s of step k, element-wise, rows [a, b) (bytes): the RK4 update and the rates of
// the next tape row (forward() and the threaded forward both use it).
function forwardRows(k: i32, s: i32, a: usize, b: usize): void {
  const rowBytes = gRowBytes;
  const yRow = gTapeY + <usize>(4 * k + s) * rowBytes;
  const x = gTapeY + <usize>(4 * k) * rowBytes;
  const next = yRow + rowBytes;
  const rNext = gTapeR + <usize>(4 * k + s + 1) * rowBytes;
  const y = gY;
  const acc = gAcc;
  const invTau = f64x2.splat(gInvTau);
  const two = f64x2.splat(2.0);
  for (let off = a; off < b; off += 16) {
    const slope = f64x2.mul(f64x2.add(f64x2.neg(v128.load(yRow + off)), v128.load(y + off)), invTau);
    const xi = v128.load(x + off);
    if (s == 0) {
      v128.store(acc + off, slope);
      v128.store(next + off, f64x2.add(xi, f64x2.mul(f64x2.splat(0.5 * gH), slope)));
    } else if (s == 1) {
      v128.store(acc + off, f64x2.add(v128.load(acc + off), f64x2.mul(two, slope)));
      v128.store(next + off, f64x2.add(xi, f64x2.mul(f64x2.splat(0.5 * gH), slope)));
    } else if (s == 2) {
      v128.store(acc + off, f64x2.add(v128.load(acc + off), f64x2.mul(two, slope)));
      v128.store(next + off, f64x2.add(xi, f64x2.mul(f64x2.splat(gH), slope)));
    } else {
      v128.store(next + off, f64x2.add(xi, f64x2.mul(f64x2.splat(gH / 6), f64x2.add(v128.load(acc + off), slope))));
    }
  }
  rateVecWith(next + a, gGains + a, rNext + a, <i32>((b - a) >> 3), gRateParams, gLinear);
}

// λ += f'(x_k) ⊙ ρ_k and ∂E/∂g += ∂f/∂g(x_k) ⊙ ρ_k, ρ_k = Σ_c r_ck β_c, for rows [a, b) (bytes;
// only E rows have a term).
function readoutTermRows(k: i32, a: usize, b0: usize): void {
  const b = min(b0, <usize>gNEPad << 3);
  if (a >= b) return;
  const nSamples = gSteps + 1;
  const vector = <usize>gNPad << 3;
  const rho = gRho;
  for (let off = a; off < b; off += 16) v128.store(rho + off, f64x2.splat(0));
  for (let c = 0; c < gChannels; c++) {
    const residual = f64x2.splat(load<f64>(gResidual + ((<usize>c * <usize>nSamples + <usize>k) << 3)));
    const beta = gBeta + <usize>c * vector;
    for (let off = a; off < b; off += 16) v128.store(rho + off, f64x2.add(v128.load(rho + off), f64x2.mul(residual, v128.load(beta + off))));
  }
  const row = <usize>(4 * k) * gRowBytes;
  const yRow = gTapeY + row;
  const rRow = gTapeR + row;
  const invNeg = f64x2.splat(1.0 / gCNeg);
  const invPos = f64x2.splat(1.0 / gCPos);
  for (let off = a; off < b; off += 16) {
    const yv = v128.load(yRow + off);
    const g = v128.load(gGains + off);
    const rhoV = v128.load(rho + off);
    let fPrime: v128;
    let fGain: v128;
    if (gLinear) {
      fPrime = g;
      fGain = yv;
    } else {
      const sech2 = sech2Of(yv, v128.load(rRow + off), invNeg, invPos);
      fPrime = f64x2.mul(g, sech2);
      fGain = f64x2.mul(yv, sech2);
    }
    v128.store(gLambda + off, f64x2.add(v128.load(gLambda + off), f64x2.mul(fPrime, rhoV)));
    v128.store(gGainGrad + off, f64x2.add(v128.load(gGainGrad + off), f64x2.mul(fGain, rhoV)));
  }
}

// k̄ of stage s (its λ weight, and ȳ of stage s + 1 with its weight; see gradient.ts), rows
// [a, b), into `kbar`.
function kbarRows(s: i32, a: usize, b: usize, kbar: usize): void {
  const h = gH;
  const lambdaWeight = f64x2.splat(s == 0 || s == 3 ? h / 6 : h / 3);
  if (s == 3) {
    for (let off = a; off < b; off += 16) v128.store(kbar + off, f64x2.mul(lambdaWeight, v128.load(gLambda + off)));
  } else {
    const ybarWeight = f64x2.splat(s == 2 ? h : 0.5 * h);
    for (let off = a; off < b; off += 16) {
      v128.store(kbar + off, f64x2.add(f64x2.mul(lambdaWeight, v128.load(gLambda + off)), f64x2.mul(ybarWeight, v128.load(gYbar + off))));
    }
  }
}

// Backward stage s of step k, element-wise, rows [a, b): ȳ, its RK4 sum, ∂E/∂g, the cotangents
// (from this stage's k̄ in `kbar`), then the next stage's k̄ into `next` (or, after stage 0, λ, the
// readout term of sample k and k̄ of stage 3 of step k − 1). Two k̄ buffers: the other threads'
// products may still read this stage's.
function backwardRows(k: i32, s: i32, a: usize, b: usize, cotangents: usize, kbar: usize, next: usize): void {
  const row = <usize>(4 * k + s) * gRowBytes;
  const yRow = gTapeY + row;
  const rRow = gTapeR + row;
  const invTau = f64x2.splat(gInvTau);
  const invNeg = f64x2.splat(1.0 / gCNeg);
  const invPos = f64x2.splat(1.0 / gCPos);
  for (let off = a; off < b; off += 16) {
    const yv = v128.load(yRow + off);
    const g = v128.load(gGains + off);
    let fPrime: v128;
    let fGain: v128;
    if (gLinear) {
      fPrime = g;
      fGain = yv;
    } else {
      const sech2 = sech2Of(yv, v128.load(rRow + off), invNeg, invPos);
      fPrime = f64x2.mul(g, sech2);
      fGain = f64x2.mul(yv, sech2);
    }
    const pv = v128.load(gY + off);
    const kb = v128.load(kbar + off);
    const yb = f64x2.mul(f64x2.sub(f64x2.mul(fPrime, pv), kb), invTau);
    v128.store(gYbar + off, yb);
    v128.store(gAccum + off, s == 3 ? yb : f64x2.add(v128.load(gAccum + off), yb));
    v128.store(gGainGrad + off, f64x2.add(v128.load(gGainGrad + off), f64x2.mul(f64x2.mul(fGain, pv), invTau)));
  }
  if (cotangents != 0) {
    const out = cotangents + row;
    for (let off = a; off < b; off += 16) v128.store(out + off, f64x2.mul(v128.load(kbar + off), invTau));
  }
  if (s > 0) {
    kbarRows(s - 1, a, b, next);
    return;
  }
  for (let off = a; off < b; off += 16) v128.store(gLambda + off, f64x2.add(v128.load(gLambda + off), v128.load(gAccum + off)));
  readoutTermRows(k, a, b);
  if (k > 0) kbarRows(3, a, b, next);
}

// ∂E/∂W rows i0..i1 (i0 a multiple of 4): four output rows at a time (6 KB for N = 200, in L1)
// while the tape rows stream once per block.
function outerRows(cotangents: usize, out: usize, i0: i32, i1: i32): void {
  const nPad = gNPad;
  const rows = 4 * gSteps;
  const rowBytes = <usize>nPad << 3;
  const tapeRowBytes = gRowBytes;
  memory.fill(out + <usize>i0 * rowBytes, 0, <usize>(i1 - i0) * rowBytes);
  let i = i0;
  for (; i + 3 < i1; i += 4) {
    const o0 = out + <usize>i * rowBytes;
    const o1 = o0 + rowBytes;
    const o2 = o1 + rowBytes;
    const o3 = o2 + rowBytes;
    for (let t = 0; t < rows; t++) {
      const at = cotangents + <usize>t * tapeRowBytes + (<usize>i << 3);
      const b = gTapeR + <usize>t * tapeRowBytes;
      const a0 = v128.load64_splat(at);
      const a1 = v128.load64_splat(at, 8);
      const a2 = v128.load64_splat(at, 16);
      const a3 = v128.load64_splat(at, 24);
      for (let j = 0; j < nPad; j += 2) {
        const off = <usize>j << 3;
        const bv = v128.load(b + off);
        v128.store(o0 + off, f64x2.add(v128.load(o0 + off), f64x2.mul(a0, bv)));
        v128.store(o1 + off, f64x2.add(v128.load(o1 + off), f64x2.mul(a1, bv)));
        v128.store(o2 + off, f64x2.add(v128.load(o2 + off), f64x2.mul(a2, bv)));
        v128.store(o3 + off, f64x2.add(v128.load(o3 + off), f64x2.mul(a3, bv)));
      }
    }
  }
  for (; i < i1; i++) {
    const o0 = out + <usize>i * rowBytes;
    for (let t = 0; t < rows; t++) {
      const a0 = v128.load64_splat(cotangents + <usize>t * tapeRowBytes + (<usize>i << 3));
      const b = gTapeR + <usize>t * tapeRowBytes;
      for (let j = 0; j < nPad; j += 2) {
        const off = <usize>j << 3;
        v128.store(o0 + off, f64x2.add(v128.load(o0 + off), f64x2.mul(a0, v128.load(b + off))));
      }
    }
  }
}

// Phase `phase` of a pass of `kind`, part `part`, computed by thread `thread`. A forward or
// backward phase is one RK4 stage: the product for the part's rows, then their element-wise rest
// (the part's pairs hold only its rows, so that needs no other thread's products).
function runPart(kind: i32, phase: i32, part: i32, thread: i32): void {
  const pass = gSync + SYNC_PASS;
  if (kind >= PASS_WHOLE_FORWARD) {
    // an offered pass: part 1 is all of it, on one thread (the other parts are empty)
    if (part != 1) return;
    atomic.store<i32>(pass, thread, 40);
    if (kind == PASS_WHOLE_FORWARD) forward(0);
    else backward(0, <usize>load<i64>(pass, 24));
    return;
  }
  if (kind == PASS_FORWARD) {
    const k = phase >> 2;
    const s = phase & 3;
    productPart(0, gWBounds, part, thread, gTapeR + <usize>(4 * k + s) * gRowBytes, gY);
    forwardRows(k, s, <usize>bound(gWBounds, part) << 3, <usize>bound(gWBounds, part + 1) << 3);
  } else if (kind == PASS_BACKWARD) {
    const a = <usize>bound(gTBounds, part) << 3;
    const b = <usize>bound(gTBounds, part + 1) << 3;
    if (phase == 0) {
      memory.fill(gLambda + a, 0, b - a);
      memory.fill(gGainGrad + a, 0, b - a);
      memory.fill(gUGrad + a, 0, b - a);
      memory.fill(gVGrad + a, 0, b - a);
      readoutTermRows(gSteps, a, b);
      kbarRows(3, a, b, gKbar);
      return;
    }
    const index = phase - 1;
    const k = gSteps - 1 - (index >> 2);
    const s = 3 - (index & 3);
    const kbar = index & 1 ? gKbar2 : gKbar;
    const next = index & 1 ? gKbar : gKbar2;
    productPart(1, gTBounds, part, thread, kbar, gY);
    backwardRows(k, s, a, b, <usize>load<i64>(pass, 24), kbar, next);
  } else {
    outerRows(<usize>load<i64>(pass, 24), <usize>load<i64>(pass, 32), bound(gDenseBounds, part), bound(gDenseBounds, part + 1));
  }
}

// Claim and compute part `part` of global phase S if no one has yet.
function claimPart(part: i32, S: i64, kind: i32, phase: i32, thread: i32, mine: usize): void {
  const word = claimWord(part);
  if (atomic.load<i64>(word) != S) return;
  if (atomic.cmpxchg<i64>(word, S, S + 1) != S) return;
  runPart(kind, phase, part, thread);
  atomic.store<i64>(mine, atomic.load<i64>(mine) + 1);
}

// Thread `thread`'s share of global phase S: its own part, the parts from `unowned` on at once,
// late owners' parts after STEAL_SPINS; returns when the phase is complete.
function phaseOn(thread: i32, S: i64, kind: i32, phase: i32, unowned: i32, napNs: i64): void {
  const mine = doneWord(thread);
  const parts = gParts;
  claimPart(thread, S, kind, phase, thread, mine);
  for (let p = unowned; p < parts; p++) claimPart(p, S, kind, phase, thread, mine);
  const goal = (S + 1) * <i64>parts;
  let spins = 0;
  while (finishedParts() < goal) {
    spins++;
    if (spins % STEAL_SPINS == 0) {
      for (let p = 0; p < parts; p++) if (p != thread) claimPart(p, S, kind, phase, thread, mine);
    }
    if (spins > STAGE_SPIN_LIMIT) atomic.wait<i32>(gSync + SYNC_JOIN + 8, 0, napNs);
  }
}

// Publish a pass of `phases` phases (starting at global phase gSequence) to the helpers.
function publishPass(kind: i32, phases: i32, cotangents: usize, out: usize): void {
  const pass = gSync + SYNC_PASS;
  const first = gSequence;
  atomic.store<i64>(pass, first, 8);
  atomic.store<i32>(pass, kind, 16);
  atomic.store<i64>(pass, <i64>cotangents, 24);
  atomic.store<i64>(pass, <i64>out, 32);
  // the buffers and the fields above are written before this store, which publishes them
  atomic.store<i64>(pass, first + <i64>phases);
  if (atomic.load<i32>(gSync + SYNC_JOIN, 4) > 0) atomic.notify(pass, 0x7fffffff);
}

// A pass on the driver with the helpers that have joined (any number, none included: same bits).
function threadedPass(kind: i32, phases: i32, cotangents: usize, out: usize): void {
  publishPass(kind, phases, cotangents, out);
  const first = gSequence;
  const unowned = 1 + min(atomic.load<i32>(gSync + SYNC_JOIN), gParts - 1);
  for (let phase = 0; phase < phases; phase++) phaseOn(0, first + <i64>phase, kind, phase, unowned, DRIVER_NAP_NS);
  gSequence = first + <i64>phases;
}

// Offered passes. While the caller computes something else (another condition's pass, on another
// kernel), a helper of this kernel computes a whole forward(0) or backward(0, cotangents) on its
// own thread: a pass of one phase whose part 1 is the whole pass (runPart). The two meet once per
// pass instead of once per RK4 stage. offerPass publishes it (0: not offered — no helper has
// joined; the caller runs it itself); collectPass, after the caller's own work, takes part 1
// itself if no helper has begun it (so a late helper never stalls the caller) and waits for it
// otherwise, and returns whether a helper computed it. The same code as forward()/backward(), so
// the same bits.
export function offerPass(backwardPass: i32, cotangents: usize): i32 {
  if (!ASC_FEATURE_THREADS || gParts < 2 || atomic.load<i32>(gSync + SYNC_JOIN) < 1) return 0;
  atomic.store<i32>(gSync + SYNC_PASS, 0, 40);
  publishPass(backwardPass ? PASS_WHOLE_BACKWARD : PASS_WHOLE_FORWARD, 1, cotangents, 0);
  return 1;
}

export function collectPass(): i32 {
  if (!ASC_FEATURE_THREADS) return 0;
  const pass = gSync + SYNC_PASS;
  const first = gSequence;
  phaseOn(0, first, atomic.load<i32>(pass, 16), 0, 1, DRIVER_NAP_NS);
  gSequence = first + 1;
  return atomic.load<i32>(pass, 40) != 0 ? 1 : 0;
}

// forward(0) with the helpers (the rank-1 term runs on one thread: forward(1)).
export function forwardThreaded(rankOne: i32): void {
  if (!ASC_FEATURE_THREADS || rankOne != 0 || gParts < 2) {
    forward(rankOne);
    return;
  }
  rateVecWith(gTapeY, gGains, gTapeR, gNPad, gRateParams, gLinear);
  threadedPass(PASS_FORWARD, 4 * gSteps, 0, 0);
  // the readout from the tape's sample rows (forward() forms each sample as it goes: same sums)
  for (let k = 0; k <= gSteps; k++) readoutSample(gTapeR + <usize>(4 * k) * gRowBytes, k);
}

// backward(0, cotangents) with the helpers (rank-1: backward(1, …) on one thread).
export function backwardThreaded(rankOne: i32, cotangents: usize): void {
  if (!ASC_FEATURE_THREADS || rankOne != 0 || gParts < 2) {
    backward(rankOne, cotangents);
    return;
  }
  threadedPass(PASS_BACKWARD, 1 + 4 * gSteps, cotangents, 0);
}

// outerProducts with the helpers.
export function outerProductsThreaded(cotangents: usize, out: usize): void {
  if (!ASC_FEATURE_THREADS || gParts < 2) {
    outerProducts(cotangents, out);
    return;
  }
  threadedPass(PASS_OUTER, 1, cotangents, out);
}

// A helper thread's life: take a part, then compute phases of whatever pass is running until
// releaseHelpers. `context` is what setThreads returned. The host calls helperStep until it
// returns 0 (threads.ts HELPER_THREAD_BODY); helperLoop does the same for hosts that call it.
//
// Why a step per call, not one loop: V8 runs a WebAssembly function in its baseline code
// (Liftoff) until the function returns, and a call made after the function got hot runs the
// optimised code. On Node 20.20 (V8 11.3) this helper, written as one loop that never returned,
// was miscompiled by Liftoff: it neither woke from its wait when notified nor saw its part's
// claim word (it ran correctly with node --no-liftoff). Every call of helperStep is short, so the
// steps run optimised after the first few thousand (the idle spins before the first nap).
let helperThread: i32 = 0; // this instance's thread number once joined (0: not yet)

export function helperLoop(context: usize): void {
  while (helperStep(context)) {}
}

export function helperStep(context: usize): i32 {
  if (!ASC_FEATURE_THREADS) return 0;
  if (helperThread == 0) {
    loadContext(context);
    helperThread = 1 + atomic.add<i32>(gSync + SYNC_JOIN, 1);
  }
  if (helperThread >= gParts) return 0; // more helpers than parts: nothing to own
  const pass = gSync + SYNC_PASS;
  const end = atomic.load<i64>(pass);
  if (end == QUIT) return 0;
  // the phase in progress (or the next to begin): every phase before it is complete
  const S = finishedParts() / <i64>gParts;
  if (S < end) {
    const first = atomic.load<i64>(pass, 8);
    phaseOn(helperThread, S, atomic.load<i32>(pass, 16), <i32>(S - first), gParts, HELPER_NAP_NS);
    helperWorked();
    return 1;
  }
  helperIdle(pass, end, gSync + SYNC_JOIN + 4);
  return 1;
}

// Make every helperLoop return (after the part it is computing, if any).
export function releaseHelpers(): void {
  if (ASC_FEATURE_THREADS && gSync != 0) {
    atomic.store<i64>(gSync + SYNC_PASS, QUIT);
    atomic.notify(gSync + SYNC_PASS, 0x7fffffff);
  }
}
