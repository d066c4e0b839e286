// GainLab dynamics kernels in AssemblyScript (compiled with `asc --enable simd`, see
// scripts/build-wasm.mjs; the .wasm is embedded as base64 in src-shared/model/wasm/dynamicsWasm.ts).
//
// Same RK4 scheme as src-shared/model/dynamics.ts: h = T/(n−1), one step per interval,
//   k1 = F(x)/τ, k2 = F(x + h/2·k1)/τ, k3 = F(x + h/2·k2)/τ, k4 = F(x + h·k3)/τ,
//   x ← x + h/6·(k1 + 2k2 + 2k3 + k4),   F(v) = −v + W f(v; g).
// Each stage: y = W r (r = f(probe)), then one f64x2 pass updates the RK4 sum and the next probe,
// then one f64x2 pass computes the next rates with the Padé-based tanh (see rateVec).
//
// All buffers are allocated by the host through `allocate` at setup (never during a trial);
// vectors are padded to an even length with zeros so f64x2 passes need no scalar tail.

// ---------------------------------------------------------------------------------------------
// Allocation (stub runtime: a bump allocator; the host allocates once per network).

export function allocate(bytes: i32): usize {
  // 16-byte aligned blocks for v128 loads.
  const ptr = heap.alloc(<usize>(bytes + 16));
  return (ptr + 15) & ~(<usize>15);
}

// ---------------------------------------------------------------------------------------------
// Rates: out[i] = f(v[i]; g[i]) for i < count (count even), f64x2.
//   f = c·tanh(g·v/c), c = cNeg (v < 0) or cPos.  With u = 2·g·v/c clamped to [−40, 40]
//   (|tanh| = 1 in double beyond ±19), tanh(u/2) = (e^u − 1)/(e^u + 1) and
//   u = k·ln2 + r, |r| ≤ ln2/2, e^r ≈ N(r)/N(−r) with the [6/6] Padé approximant of exp
//   (truncation error 1.9e-19 relative on |r| ≤ ln2/2). Writing N(±r) = E ± O (even and odd parts):
//     tanh(u/2) = ((2^k − 1)·E + (2^k + 1)·O) / ((2^k + 1)·E + (2^k − 1)·O)
//   — one division, no cancellation (for k = 0 it is O/E, accurate for tiny u; for k ≠ 0 the
//   (2^k ∓ 1)·E terms dominate), valid for negative u too (k < 0), so no sign juggling.
// The argument uses g·v·(2/c) instead of 2·g·v/c (1 ulp); the rate is within a few ulp of
// c·Math.tanh(g·v/c) (tests assert ≤ 2e-15 relative).

const LN2_HI: f64 = 6.93147180369123816490e-1;
const LN2_LO: f64 = 1.90821492927058770002e-10;
const INV_LN2: f64 = 1.44269504088896338700;
// 1.5·2^52: adding it rounds to an integer held in the low mantissa bits (round-to-nearest-even),
// which gives both k (as a double, after subtracting it back) and the bits of 2^k without the
// costly float→int conversion instructions.
const ROUND_MAGIC: f64 = 6755399441055744.0;

// tanh(u/2) for u in [−40, 40] (see above).
@inline
function tanhHalf(u: v128): v128 {
  const kMagic = f64x2.add(f64x2.mul(u, f64x2.splat(INV_LN2)), f64x2.splat(ROUND_MAGIC));
  const kf = f64x2.sub(kMagic, f64x2.splat(ROUND_MAGIC));
  const r = f64x2.sub(f64x2.sub(u, f64x2.mul(kf, f64x2.splat(LN2_HI))), f64x2.mul(kf, f64x2.splat(LN2_LO)));
  const r2 = f64x2.mul(r, r);
  const r4 = f64x2.mul(r2, r2);
  // [6/6] Padé of exp: N(r) = Σ c_j r^j, c = 1, 1/2, 5/44, 1/66, 1/792, 1/15840, 1/665280.
  const even = f64x2.add(
    f64x2.add(f64x2.splat(1.0), f64x2.mul(r2, f64x2.splat(5.0 / 44.0))),
    f64x2.mul(r4, f64x2.add(f64x2.splat(1.0 / 792.0), f64x2.mul(r2, f64x2.splat(1.0 / 665280.0)))),
  );
  const odd = f64x2.mul(
    r,
    f64x2.add(f64x2.add(f64x2.splat(0.5), f64x2.mul(r2, f64x2.splat(1.0 / 66.0))), f64x2.mul(r4, f64x2.splat(1.0 / 15840.0))),
  );
  // 2^k from the bits: the low bits of kMagic hold k (−58..58); (k + 1023) << 52 are the bits of
  // 2^k (the magic's own mantissa bit 51 is shifted out).
  const p2 = i64x2.shl(i64x2.add(kMagic, i64x2.splat(1023)), 52);
  const minus = f64x2.sub(p2, f64x2.splat(1.0));
  const plus = f64x2.add(p2, f64x2.splat(1.0));
  const num = f64x2.add(f64x2.mul(minus, even), f64x2.mul(plus, odd));
  const den = f64x2.add(f64x2.mul(plus, even), f64x2.mul(minus, odd));
  return f64x2.div(num, den);
}

export function rateVec(v: usize, g: usize, out: usize, count: i32, cNeg: f64, cPos: f64, linear: i32): void {
  if (linear) {
    for (let i = 0; i < count; i += 2) {
      const off = <usize>i << 3;
      v128.store(out + off, f64x2.mul(v128.load(g + off), v128.load(v + off)));
    }
    return;
  }
  const cN = f64x2.splat(cNeg);
  const cP = f64x2.splat(cPos);
  const invN = f64x2.splat(2.0 / cNeg);
  const invP = f64x2.splat(2.0 / cPos);
  const upper = f64x2.splat(40.0);
  const lower = f64x2.splat(-40.0);
  for (let i = 0; i < count; i += 2) {
    const off = <usize>i << 3;
    const x = v128.load(v + off);
    const gx = f64x2.mul(v128.load(g + off), x);
    const negative = f64x2.lt(x, f64x2.splat(0.0));
    const c = v128.bitselect(cN, cP, negative);
    const u = f64x2.mul(gx, v128.bitselect(invN, invP, negative)); // 2·g·x/c
    // pmin/pmax: one instruction each (no NaN/−0 semantics needed here)
    const clamped = f64x2.pmax(f64x2.pmin(u, upper), lower);
    v128.store(out + off, f64x2.mul(c, tanhHalf(clamped)));
  }
}

// ---------------------------------------------------------------------------------------------
// Network description, set once per network by the host (pointers into this memory).

let gN: i32 = 0; // neurons
let gNPad: i32 = 0; // n rounded up to even
let gNE: i32 = 0; // first dense column (dense block covers columns gDenseFrom..n−1)
let gSharedWeight: f64 = 0;
let gERowStart: usize = 0; // i32[n+1]
let gECols: usize = 0; // column byte offsets: u16[] (single-trial kernels) or i32[] (batch kernels)
let gRowStart: usize = 0; // i32[n+1]
let gCols: usize = 0; // as gECols
let gValues: usize = 0; // f64[]
let gDense: usize = 0; // f64[n × denseWidthPad], columns denseFrom.. (0 when unused)
let gDenseFrom: i32 = 0;
let gDenseWidthPad: i32 = 0;

export function setNetwork(
  n: i32,
  sharedWeight: f64,
  eRowStart: usize,
  eCols: usize,
  rowStart: usize,
  cols: usize,
  values: usize,
  dense: usize,
  denseFrom: i32,
  denseWidthPad: i32,
): void {
  gN = n;
  gNPad = (n + 1) & ~1;
  gSharedWeight = sharedWeight;
  gERowStart = eRowStart;
  gECols = eCols;
  gRowStart = rowStart;
  gCols = cols;
  gValues = values;
  gDense = dense;
  gDenseFrom = denseFrom;
  gDenseWidthPad = denseWidthPad;
}

// Row-pair layout ('wasm-pairs'): rows are paired (by the host, rows of similar length
// together) and each pair is processed in the two f64x2 lanes: lane 0 = row a, lane 1 = row b.
// Entries of a pair are stored side by side — u16 byte offsets (a, b) in one u32, weights
// (a, b) in one v128 — and the shorter row is padded with weight 0 at a zero slot of r. This
// halves the arithmetic and the per-row overhead of the scalar CSR loop (no horizontal sums).
let gPairCount: i32 = 0;
let gPairRows: usize = 0; // i32[2·pairs]: row a, row b (row b = nPad slot for a lone last row)
let gPairEStart: usize = 0; // i32[pairs+1], entry index
let gPairEOffsets: usize = 0; // u32[] = (u16 offset a, u16 offset b)
let gPairIStart: usize = 0; // i32[pairs+1]
let gPairIOffsets: usize = 0; // u32[]
let gPairIWeights: usize = 0; // f64[2·entries], (w_a, w_b) per entry, 16-byte aligned

export function setPairs(
  pairCount: i32,
  rows: usize,
  eStart: usize,
  eOffsets: usize,
  iStart: usize,
  iOffsets: usize,
  iWeights: usize,
): void {
  gPairCount = pairCount;
  gPairRows = rows;
  gPairEStart = eStart;
  gPairEOffsets = eOffsets;
  gPairIStart = iStart;
  gPairIOffsets = iOffsets;
  gPairIWeights = iWeights;
}

@inline
function gather2(r: usize, offsets: u32): v128 {
  const v = v128.load64_splat(r + <usize>(offsets & 0xffff));
  return v128.load64_lane(r + <usize>(offsets >> 16), v, 1);
}

function pairsMatvec(r: usize, y: usize): void {
  const shared = f64x2.splat(gSharedWeight);
  for (let p = 0; p < gPairCount; p++) {
    let e0 = f64x2.splat(0);
    let e1 = f64x2.splat(0);
    let q = gPairEOffsets + (<usize>load<i32>(gPairEStart + (<usize>p << 2)) << 2);
    const qEnd = gPairEOffsets + (<usize>load<i32>(gPairEStart + (<usize>(p + 1) << 2)) << 2);
    for (; q + 4 < qEnd; q += 8) {
      e0 = f64x2.add(e0, gather2(r, load<u32>(q)));
      e1 = f64x2.add(e1, gather2(r, load<u32>(q, 4)));
    }
    if (q < qEnd) e0 = f64x2.add(e0, gather2(r, load<u32>(q)));
    let s0 = f64x2.mul(shared, f64x2.add(e0, e1));
    let s1 = f64x2.splat(0);
    let s2 = f64x2.splat(0);
    let s3 = f64x2.splat(0);
    const iStart = load<i32>(gPairIStart + (<usize>p << 2));
    let o = gPairIOffsets + (<usize>iStart << 2);
    let w = gPairIWeights + (<usize>iStart << 4);
    const oEnd = gPairIOffsets + (<usize>load<i32>(gPairIStart + (<usize>(p + 1) << 2)) << 2);
    for (; o + 12 < oEnd; o += 16) {
      s0 = f64x2.add(s0, f64x2.mul(v128.load(w), gather2(r, load<u32>(o))));
      s1 = f64x2.add(s1, f64x2.mul(v128.load(w, 16), gather2(r, load<u32>(o, 4))));
      s2 = f64x2.add(s2, f64x2.mul(v128.load(w, 32), gather2(r, load<u32>(o, 8))));
      s3 = f64x2.add(s3, f64x2.mul(v128.load(w, 48), gather2(r, load<u32>(o, 12))));
      w += 64;
    }
    for (; o < oEnd; o += 4) {
      s0 = f64x2.add(s0, f64x2.mul(v128.load(w), gather2(r, load<u32>(o))));
      w += 16;
    }
    const total = f64x2.add(f64x2.add(s0, s1), f64x2.add(s2, s3));
    store<f64>(y + (<usize>load<i32>(gPairRows + (<usize>p << 3)) << 3), f64x2.extract_lane(total, 0));
    store<f64>(y + (<usize>load<i32>(gPairRows + (<usize>p << 3), 4) << 3), f64x2.extract_lane(total, 1));
  }
}

// y[i] = Σ_j W_ij r_j over the sparse part (shared-weight indices + CSR). In the single-trial
// kernels the column entries are u16 byte offsets into r (j·8, so n ≤ 8191), read four at a
// time with one u64 load: the loop is bound by loads, and this takes the index loads from one
// per non-zero to one per four.
@inline
function sparseRow(i: i32, r: usize): f64 {
  let e0: f64 = 0;
  let e1: f64 = 0;
  let e2: f64 = 0;
  let e3: f64 = 0;
  let p = gECols + (<usize>load<i32>(gERowStart + (<usize>i << 2)) << 1);
  const pEnd = gECols + (<usize>load<i32>(gERowStart + (<usize>(i + 1) << 2)) << 1);
  for (; p + 6 < pEnd; p += 8) {
    const four = load<u64>(p);
    e0 += load<f64>(r + <usize>(four & 0xffff));
    e1 += load<f64>(r + <usize>((four >> 16) & 0xffff));
    e2 += load<f64>(r + <usize>((four >> 32) & 0xffff));
    e3 += load<f64>(r + <usize>(four >> 48));
  }
  for (; p < pEnd; p += 2) e0 += load<f64>(r + <usize>load<u16>(p));
  let s0: f64 = 0;
  let s1: f64 = 0;
  let s2: f64 = 0;
  let s3: f64 = 0;
  const qStart = load<i32>(gRowStart + (<usize>i << 2));
  let q = gCols + (<usize>qStart << 1);
  let w = gValues + (<usize>qStart << 3);
  const qEnd = gCols + (<usize>load<i32>(gRowStart + (<usize>(i + 1) << 2)) << 1);
  for (; q + 6 < qEnd; q += 8) {
    const four = load<u64>(q);
    s0 += load<f64>(w) * load<f64>(r + <usize>(four & 0xffff));
    s1 += load<f64>(w, 8) * load<f64>(r + <usize>((four >> 16) & 0xffff));
    s2 += load<f64>(w, 16) * load<f64>(r + <usize>((four >> 32) & 0xffff));
    s3 += load<f64>(w, 24) * load<f64>(r + <usize>(four >> 48));
    w += 32;
  }
  for (; q < qEnd; q += 2) {
    s0 += load<f64>(w) * load<f64>(r + <usize>load<u16>(q));
    w += 8;
  }
  return gSharedWeight * ((e0 + e1) + (e2 + e3)) + ((s0 + s1) + (s2 + s3));
}

@inline
function hsum(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

function matvec(r: usize, y: usize): void {
  const n = gN;
  if (gPairCount > 0) {
    pairsMatvec(r, y);
    return;
  }
  if (gDense == 0) {
    for (let i = 0; i < n; i++) store<f64>(y + (<usize>i << 3), sparseRow(i, r));
    return;
  }
  // Dense block over columns denseFrom.., 4 rows at a time (one r load feeds 4 rows).
  const width = gDenseWidthPad;
  const rowBytes = <usize>width << 3;
  const rd = r + (<usize>gDenseFrom << 3);
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const w0 = gDense + <usize>i * rowBytes;
    const w1 = w0 + rowBytes;
    const w2 = w1 + rowBytes;
    const w3 = w2 + rowBytes;
    let a0 = f64x2.splat(0);
    let a1 = f64x2.splat(0);
    let a2 = f64x2.splat(0);
    let a3 = f64x2.splat(0);
    for (let j = 0; j < width; j += 2) {
      const off = <usize>j << 3;
      const rv = v128.load(rd + off);
      a0 = f64x2.add(a0, f64x2.mul(v128.load(w0 + off), rv));
      a1 = f64x2.add(a1, f64x2.mul(v128.load(w1 + off), rv));
      a2 = f64x2.add(a2, f64x2.mul(v128.load(w2 + off), rv));
      a3 = f64x2.add(a3, f64x2.mul(v128.load(w3 + off), rv));
    }
    store<f64>(y + (<usize>i << 3), sparseRow(i, r) + hsum(a0));
    store<f64>(y + (<usize>(i + 1) << 3), sparseRow(i + 1, r) + hsum(a1));
    store<f64>(y + (<usize>(i + 2) << 3), sparseRow(i + 2, r) + hsum(a2));
    store<f64>(y + (<usize>(i + 3) << 3), sparseRow(i + 3, r) + hsum(a3));
  }
  for (; i < n; i++) {
    const w0 = gDense + <usize>i * rowBytes;
    let a0 = f64x2.splat(0);
    for (let j = 0; j < width; j += 2) {
      const off = <usize>j << 3;
      a0 = f64x2.add(a0, f64x2.mul(v128.load(w0 + off), v128.load(rd + off)));
    }
    store<f64>(y + (<usize>i << 3), sparseRow(i, r) + hsum(a0));
  }
}

// ---------------------------------------------------------------------------------------------
// One trial. Scratch (each nPad f64): x, probe, acc, y, r. rates/states: nSamples × n
// time-major (states may be 0 to skip them). x0/gains: nPad f64 (padding zero).

export function trial(
  nSamples: i32,
  h: f64,
  invTau: f64,
  cNeg: f64,
  cPos: f64,
  linear: i32,
  gains: usize,
  x0: usize,
  x: usize,
  probe: usize,
  acc: usize,
  y: usize,
  r: usize,
  rates: usize,
  states: usize,
): void {
  const n = gN;
  const nPad = gNPad;
  const rowBytes = <usize>n << 3;
  const padBytes = <usize>nPad << 3;
  const halfH = f64x2.splat(0.5 * h);
  const fullH = f64x2.splat(h);
  const sixthH = f64x2.splat(h / 6);
  const invTauV = f64x2.splat(invTau);
  const two = f64x2.splat(2.0);
  memory.copy(x, x0, padBytes);
  memory.copy(probe, x0, padBytes);
  rateVec(x, gains, r, nPad, cNeg, cPos, linear);
  memory.copy(rates, r, rowBytes);
  if (states != 0) memory.copy(states, x, rowBytes);
  for (let k = 1; k < nSamples; k++) {
    for (let stage = 0; stage < 4; stage++) {
      matvec(r, y);
      for (let i = 0; i < nPad; i += 2) {
        const off = <usize>i << 3;
        const slope = f64x2.mul(f64x2.add(f64x2.neg(v128.load(probe + off)), v128.load(y + off)), invTauV);
        const xi = v128.load(x + off);
        if (stage == 0) {
          v128.store(acc + off, slope);
          v128.store(probe + off, f64x2.add(xi, f64x2.mul(halfH, slope)));
        } else if (stage == 1) {
          v128.store(acc + off, f64x2.add(v128.load(acc + off), f64x2.mul(two, slope)));
          v128.store(probe + off, f64x2.add(xi, f64x2.mul(halfH, slope)));
        } else if (stage == 2) {
          v128.store(acc + off, f64x2.add(v128.load(acc + off), f64x2.mul(two, slope)));
          v128.store(probe + off, f64x2.add(xi, f64x2.mul(fullH, slope)));
        } else {
          const xn = f64x2.add(xi, f64x2.mul(sixthH, f64x2.add(v128.load(acc + off), slope)));
          v128.store(x + off, xn);
          v128.store(probe + off, xn);
        }
      }
      rateVec(probe, gains, r, nPad, cNeg, cPos, linear);
    }
    memory.copy(rates + <usize>k * rowBytes, r, rowBytes);
    if (states != 0) memory.copy(states + <usize>k * rowBytes, x, rowBytes);
  }
}

// ---------------------------------------------------------------------------------------------
// Batch: K independent sessions (different gains / initial states, same network) stepped
// together so that one pass over W serves all of them. Session-interleaved layout: element
// (i, s) of any n-vector lives at [i·KP + s], KP = K rounded up to even; f64x2 lanes run over
// sessions. The matrix is the sparse form (shared-E-weight indices + CSR), whose index/value
// reads are now amortised over K sessions; elementwise passes (rates, RK4 update) are the
// single-trial ones run over n·KP values.

// y[i, vOff/16 .. vOff/16 + width) for one row: `width` f64x2 session vectors, one accumulator
// each: first the shared-weight E sum, scaled by wE, then the weighted CSR terms added on.
// Column entries are byte offsets j·rowStride. Widths 5 (K = 10, the paper's session count), 4, 2, 1.
@inline
function batchRow5(i: i32, r: usize, y: usize, rowStride: usize, vOff: usize): void {
  let a0 = f64x2.splat(0);
  let a1 = f64x2.splat(0);
  let a2 = f64x2.splat(0);
  let a3 = f64x2.splat(0);
  let a4 = f64x2.splat(0);
  const rv = r + vOff;
  const pEnd = gECols + (<usize>load<i32>(gERowStart + (<usize>(i + 1) << 2)) << 2);
  for (let p = gECols + (<usize>load<i32>(gERowStart + (<usize>i << 2)) << 2); p < pEnd; p += 4) {
    const base = rv + <usize>load<i32>(p);
    a0 = f64x2.add(a0, v128.load(base, 0));
    a1 = f64x2.add(a1, v128.load(base, 16));
    a2 = f64x2.add(a2, v128.load(base, 32));
    a3 = f64x2.add(a3, v128.load(base, 48));
    a4 = f64x2.add(a4, v128.load(base, 64));
  }
  const shared = f64x2.splat(gSharedWeight);
  a0 = f64x2.mul(shared, a0);
  a1 = f64x2.mul(shared, a1);
  a2 = f64x2.mul(shared, a2);
  a3 = f64x2.mul(shared, a3);
  a4 = f64x2.mul(shared, a4);
  const qStart = load<i32>(gRowStart + (<usize>i << 2));
  let wp = gValues + (<usize>qStart << 3);
  const qEnd = gCols + (<usize>load<i32>(gRowStart + (<usize>(i + 1) << 2)) << 2);
  for (let q = gCols + (<usize>qStart << 2); q < qEnd; q += 4) {
    const w = v128.load64_splat(wp);
    wp += 8;
    const base = rv + <usize>load<i32>(q);
    a0 = f64x2.add(a0, f64x2.mul(w, v128.load(base, 0)));
    a1 = f64x2.add(a1, f64x2.mul(w, v128.load(base, 16)));
    a2 = f64x2.add(a2, f64x2.mul(w, v128.load(base, 32)));
    a3 = f64x2.add(a3, f64x2.mul(w, v128.load(base, 48)));
    a4 = f64x2.add(a4, f64x2.mul(w, v128.load(base, 64)));
  }
  const out = y + <usize>i * rowStride + vOff;
  v128.store(out, a0, 0);
  v128.store(out, a1, 16);
  v128.store(out, a2, 32);
  v128.store(out, a3, 48);
  v128.store(out, a4, 64);
}

@inline
function batchRow4(i: i32, r: usize, y: usize, rowStride: usize, vOff: usize): void {
  let a0 = f64x2.splat(0);
  let a1 = f64x2.splat(0);
  let a2 = f64x2.splat(0);
  let a3 = f64x2.splat(0);
  const rv = r + vOff;
  const pEnd = gECols + (<usize>load<i32>(gERowStart + (<usize>(i + 1) << 2)) << 2);
  for (let p = gECols + (<usize>load<i32>(gERowStart + (<usize>i << 2)) << 2); p < pEnd; p += 4) {
    const base = rv + <usize>load<i32>(p);
    a0 = f64x2.add(a0, v128.load(base, 0));
    a1 = f64x2.add(a1, v128.load(base, 16));
    a2 = f64x2.add(a2, v128.load(base, 32));
    a3 = f64x2.add(a3, v128.load(base, 48));
  }
  const shared = f64x2.splat(gSharedWeight);
  a0 = f64x2.mul(shared, a0);
  a1 = f64x2.mul(shared, a1);
  a2 = f64x2.mul(shared, a2);
  a3 = f64x2.mul(shared, a3);
  const qStart = load<i32>(gRowStart + (<usize>i << 2));
  let wp = gValues + (<usize>qStart << 3);
  const qEnd = gCols + (<usize>load<i32>(gRowStart + (<usize>(i + 1) << 2)) << 2);
  for (let q = gCols + (<usize>qStart << 2); q < qEnd; q += 4) {
    const w = v128.load64_splat(wp);
    wp += 8;
    const base = rv + <usize>load<i32>(q);
    a0 = f64x2.add(a0, f64x2.mul(w, v128.load(base, 0)));
    a1 = f64x2.add(a1, f64x2.mul(w, v128.load(base, 16)));
    a2 = f64x2.add(a2, f64x2.mul(w, v128.load(base, 32)));
    a3 = f64x2.add(a3, f64x2.mul(w, v128.load(base, 48)));
  }
  const out = y + <usize>i * rowStride + vOff;
  v128.store(out, a0, 0);
  v128.store(out, a1, 16);
  v128.store(out, a2, 32);
  v128.store(out, a3, 48);
}

@inline
function batchRow2(i: i32, r: usize, y: usize, rowStride: usize, vOff: usize): void {
  let a0 = f64x2.splat(0);
  let a1 = f64x2.splat(0);
  const rv = r + vOff;
  const pEnd = gECols + (<usize>load<i32>(gERowStart + (<usize>(i + 1) << 2)) << 2);
  for (let p = gECols + (<usize>load<i32>(gERowStart + (<usize>i << 2)) << 2); p < pEnd; p += 4) {
    const base = rv + <usize>load<i32>(p);
    a0 = f64x2.add(a0, v128.load(base, 0));
    a1 = f64x2.add(a1, v128.load(base, 16));
  }
  const shared = f64x2.splat(gSharedWeight);
  a0 = f64x2.mul(shared, a0);
  a1 = f64x2.mul(shared, a1);
  const qStart = load<i32>(gRowStart + (<usize>i << 2));
  let wp = gValues + (<usize>qStart << 3);
  const qEnd = gCols + (<usize>load<i32>(gRowStart + (<usize>(i + 1) << 2)) << 2);
  for (let q = gCols + (<usize>qStart << 2); q < qEnd; q += 4) {
    const w = v128.load64_splat(wp);
    wp += 8;
    const base = rv + <usize>load<i32>(q);
    a0 = f64x2.add(a0, f64x2.mul(w, v128.load(base, 0)));
    a1 = f64x2.add(a1, f64x2.mul(w, v128.load(base, 16)));
  }
  const out = y + <usize>i * rowStride + vOff;
  v128.store(out, a0, 0);
  v128.store(out, a1, 16);
}

// One session vector: two interleaved accumulator chains (a single chain is add-latency bound).
@inline
function batchRow1(i: i32, r: usize, y: usize, rowStride: usize, vOff: usize): void {
  const rv = r + vOff;
  let e0 = f64x2.splat(0);
  let e1 = f64x2.splat(0);
  let p = gECols + (<usize>load<i32>(gERowStart + (<usize>i << 2)) << 2);
  const pEnd = gECols + (<usize>load<i32>(gERowStart + (<usize>(i + 1) << 2)) << 2);
  for (; p + 4 < pEnd; p += 8) {
    e0 = f64x2.add(e0, v128.load(rv + <usize>load<i32>(p)));
    e1 = f64x2.add(e1, v128.load(rv + <usize>load<i32>(p, 4)));
  }
  if (p < pEnd) e0 = f64x2.add(e0, v128.load(rv + <usize>load<i32>(p)));
  let s0 = f64x2.mul(f64x2.splat(gSharedWeight), f64x2.add(e0, e1));
  let s1 = f64x2.splat(0);
  const qStart = load<i32>(gRowStart + (<usize>i << 2));
  let q = gCols + (<usize>qStart << 2);
  let wp = gValues + (<usize>qStart << 3);
  const qEnd = gCols + (<usize>load<i32>(gRowStart + (<usize>(i + 1) << 2)) << 2);
  for (; q + 4 < qEnd; q += 8) {
    s0 = f64x2.add(s0, f64x2.mul(v128.load64_splat(wp), v128.load(rv + <usize>load<i32>(q))));
    s1 = f64x2.add(s1, f64x2.mul(v128.load64_splat(wp, 8), v128.load(rv + <usize>load<i32>(q, 4))));
    wp += 16;
  }
  if (q < qEnd) s0 = f64x2.add(s0, f64x2.mul(v128.load64_splat(wp), v128.load(rv + <usize>load<i32>(q))));
  v128.store(y + <usize>i * rowStride + vOff, f64x2.add(s0, s1));
}

function batchMatvec(r: usize, y: usize, vectors: i32): void {
  const n = gN;
  const rowStride = <usize>vectors << 4;
  for (let i = 0; i < n; i++) {
    let v = 0;
    if (vectors % 5 == 0) {
      for (; v < vectors; v += 5) batchRow5(i, r, y, rowStride, <usize>v << 4);
    }
    for (; v + 3 < vectors; v += 4) batchRow4(i, r, y, rowStride, <usize>v << 4);
    for (; v + 1 < vectors; v += 2) batchRow2(i, r, y, rowStride, <usize>v << 4);
    if (v < vectors) batchRow1(i, r, y, rowStride, <usize>v << 4);
  }
}

// outputs[(c·nSamples + k)·KP + s] = b_c + Σ_{i<nE} β_{c,i} r[i·KP + s]
function batchReadout(r: usize, readout: usize, channels: i32, nE: i32, vectors: i32, nSamples: i32, k: i32, outputs: usize): void {
  const rowStride = <usize>vectors << 4;
  for (let c = 0; c < channels; c++) {
    const beta = readout + <usize>c * (<usize>(1 + nE) << 3);
    const out = outputs + (<usize>c * <usize>nSamples + <usize>k) * rowStride;
    for (let v = 0; v < vectors; v++) {
      const vOff = <usize>v << 4;
      let a0 = f64x2.splat(0);
      let a1 = f64x2.splat(0);
      let i = 0;
      for (; i + 1 < nE; i += 2) {
        a0 = f64x2.add(a0, f64x2.mul(v128.load64_splat(beta + (<usize>(i + 1) << 3)), v128.load(r + <usize>i * rowStride + vOff)));
        a1 = f64x2.add(a1, f64x2.mul(v128.load64_splat(beta + (<usize>(i + 2) << 3)), v128.load(r + <usize>(i + 1) * rowStride + vOff)));
      }
      if (i < nE) a0 = f64x2.add(a0, f64x2.mul(v128.load64_splat(beta + (<usize>(i + 1) << 3)), v128.load(r + <usize>i * rowStride + vOff)));
      v128.store(out + vOff, f64x2.add(v128.load64_splat(beta), f64x2.add(a0, a1)));
    }
  }
}

// One batch trial. `vectors` = KP/2. Scratch buffers hold n·KP values; rates/states (0 to skip)
// hold nSamples·n·KP (time-major, interleaved); outputs channels·nSamples·KP (0 to skip).
export function batchTrial(
  nSamples: i32,
  h: f64,
  invTau: f64,
  cNeg: f64,
  cPos: f64,
  linear: i32,
  vectors: i32,
  gains: usize,
  x0: usize,
  x: usize,
  probe: usize,
  acc: usize,
  y: usize,
  r: usize,
  rates: usize,
  states: usize,
  readout: usize,
  channels: i32,
  nE: i32,
  outputs: usize,
): void {
  const count = gN * vectors * 2;
  const blockBytes = <usize>count << 3;
  const halfH = f64x2.splat(0.5 * h);
  const fullH = f64x2.splat(h);
  const sixthH = f64x2.splat(h / 6);
  const invTauV = f64x2.splat(invTau);
  const two = f64x2.splat(2.0);
  memory.copy(x, x0, blockBytes);
  memory.copy(probe, x0, blockBytes);
  rateVec(x, gains, r, count, cNeg, cPos, linear);
  if (rates != 0) memory.copy(rates, r, blockBytes);
  if (states != 0) memory.copy(states, x, blockBytes);
  if (outputs != 0) batchReadout(r, readout, channels, nE, vectors, nSamples, 0, outputs);
  for (let k = 1; k < nSamples; k++) {
    for (let stage = 0; stage < 4; stage++) {
      batchMatvec(r, y, vectors);
      for (let i = 0; i < count; i += 2) {
        const off = <usize>i << 3;
        const slope = f64x2.mul(f64x2.add(f64x2.neg(v128.load(probe + off)), v128.load(y + off)), invTauV);
        const xi = v128.load(x + off);
        if (stage == 0) {
          v128.store(acc + off, slope);
          v128.store(probe + off, f64x2.add(xi, f64x2.mul(halfH, slope)));
        } else if (stage == 1) {
          v128.store(acc + off, f64x2.add(v128.load(acc + off), f64x2.mul(two, slope)));
          v128.store(probe + off, f64x2.add(xi, f64x2.mul(halfH, slope)));
        } else if (stage == 2) {
          v128.store(acc + off, f64x2.add(v128.load(acc + off), f64x2.mul(two, slope)));
          v128.store(probe + off, f64x2.add(xi, f64x2.mul(fullH, slope)));
        } else {
          const xn = f64x2.add(xi, f64x2.mul(sixthH, f64x2.add(v128.load(acc + off), slope)));
          v128.store(x + off, xn);
          v128.store(probe + off, xn);
        }
      }
      rateVec(probe, gains, r, count, cNeg, cPos, linear);
    }
    if (rates != 0) memory.copy(rates + <usize>k * blockBytes, r, blockBytes);
    if (states != 0) memory.copy(states + <usize>k * blockBytes, x, blockBytes);
    if (outputs != 0) batchReadout(r, readout, channels, nE, vectors, nSamples, k, outputs);
  }
}

// ---------------------------------------------------------------------------------------------
// Float32 batch (opt-in 'wasm-batch-f32'): the same batch scheme with every vector in float32 and
// f32x4 lanes over sessions (KP4 = K rounded up to a multiple of 4), halving bytes and doubling
// lanes. Approximate: errors are documented and tested in tests/model/batch.test.ts.
// tanh as in tanhHalf, with float32 constants and the [3/3] Padé of exp (truncation 6e-9 relative
// on |r| ≤ ln2/2, below float32 resolution); u clamped to [−20, 20] (|tanh| = 1 in float32 beyond ±9).

const ROUND_MAGIC_F32: f32 = 12582912.0; // 1.5·2^23
const LN2_HI_F32: f32 = 0.693145751953125; // ln2 rounded to 16 bits, so kf·LN2_HI_F32 is exact
const LN2_LO_F32: f32 = 1.428606765330187e-6;
const INV_LN2_F32: f32 = 1.4426950408889634;

@inline
function tanhHalfF32(u: v128): v128 {
  const kMagic = f32x4.add(f32x4.mul(u, f32x4.splat(INV_LN2_F32)), f32x4.splat(ROUND_MAGIC_F32));
  const kf = f32x4.sub(kMagic, f32x4.splat(ROUND_MAGIC_F32));
  const r = f32x4.sub(f32x4.sub(u, f32x4.mul(kf, f32x4.splat(LN2_HI_F32))), f32x4.mul(kf, f32x4.splat(LN2_LO_F32)));
  const r2 = f32x4.mul(r, r);
  // [3/3] Padé of exp: c = 1, 1/2, 1/10, 1/120.
  const even = f32x4.add(f32x4.splat(1.0), f32x4.mul(r2, f32x4.splat(<f32>0.1)));
  const odd = f32x4.mul(r, f32x4.add(f32x4.splat(0.5), f32x4.mul(r2, f32x4.splat(<f32>(1.0 / 120.0)))));
  const p2 = i32x4.shl(i32x4.add(kMagic, i32x4.splat(127)), 23);
  const minus = f32x4.sub(p2, f32x4.splat(1.0));
  const plus = f32x4.add(p2, f32x4.splat(1.0));
  const num = f32x4.add(f32x4.mul(minus, even), f32x4.mul(plus, odd));
  const den = f32x4.add(f32x4.mul(plus, even), f32x4.mul(minus, odd));
  return f32x4.div(num, den);
}

export function rateVecF32(v: usize, g: usize, out: usize, count: i32, cNeg: f32, cPos: f32, linear: i32): void {
  if (linear) {
    for (let i = 0; i < count; i += 4) {
      const off = <usize>i << 2;
      v128.store(out + off, f32x4.mul(v128.load(g + off), v128.load(v + off)));
    }
    return;
  }
  const cN = f32x4.splat(cNeg);
  const cP = f32x4.splat(cPos);
  const invN = f32x4.splat(<f32>2.0 / cNeg);
  const invP = f32x4.splat(<f32>2.0 / cPos);
  const upper = f32x4.splat(20.0);
  const lower = f32x4.splat(-20.0);
  for (let i = 0; i < count; i += 4) {
    const off = <usize>i << 2;
    const x = v128.load(v + off);
    const gx = f32x4.mul(v128.load(g + off), x);
    const negative = f32x4.lt(x, f32x4.splat(0.0));
    const c = v128.bitselect(cN, cP, negative);
    const u = f32x4.mul(gx, v128.bitselect(invN, invP, negative));
    const clamped = f32x4.pmax(f32x4.pmin(u, upper), lower);
    v128.store(out + off, f32x4.mul(c, tanhHalfF32(clamped)));
  }
}

// Network in float32 for the f32 batch (indices shared with the f64 description).
let gValuesF32: usize = 0; // f32[]
let gSharedWeightF32: f32 = 0;

export function setNetworkF32(valuesF32: usize, sharedWeight: f32): void {
  gValuesF32 = valuesF32;
  gSharedWeightF32 = sharedWeight;
}

@inline
function batchRowF32x4(i: i32, r: usize, y: usize, rowStride: usize, vOff: usize): void {
  let a0 = f32x4.splat(0);
  let a1 = f32x4.splat(0);
  let a2 = f32x4.splat(0);
  let a3 = f32x4.splat(0);
  const rv = r + vOff;
  const pEnd = gECols + (<usize>load<i32>(gERowStart + (<usize>(i + 1) << 2)) << 2);
  for (let p = gECols + (<usize>load<i32>(gERowStart + (<usize>i << 2)) << 2); p < pEnd; p += 4) {
    const base = rv + <usize>load<i32>(p);
    a0 = f32x4.add(a0, v128.load(base, 0));
    a1 = f32x4.add(a1, v128.load(base, 16));
    a2 = f32x4.add(a2, v128.load(base, 32));
    a3 = f32x4.add(a3, v128.load(base, 48));
  }
  const shared = f32x4.splat(gSharedWeightF32);
  a0 = f32x4.mul(shared, a0);
  a1 = f32x4.mul(shared, a1);
  a2 = f32x4.mul(shared, a2);
  a3 = f32x4.mul(shared, a3);
  const qStart = load<i32>(gRowStart + (<usize>i << 2));
  let wp = gValuesF32 + (<usize>qStart << 2);
  const qEnd = gCols + (<usize>load<i32>(gRowStart + (<usize>(i + 1) << 2)) << 2);
  for (let q = gCols + (<usize>qStart << 2); q < qEnd; q += 4) {
    const w = v128.load32_splat(wp);
    wp += 4;
    const base = rv + <usize>load<i32>(q);
    a0 = f32x4.add(a0, f32x4.mul(w, v128.load(base, 0)));
    a1 = f32x4.add(a1, f32x4.mul(w, v128.load(base, 16)));
    a2 = f32x4.add(a2, f32x4.mul(w, v128.load(base, 32)));
    a3 = f32x4.add(a3, f32x4.mul(w, v128.load(base, 48)));
  }
  const out = y + <usize>i * rowStride + vOff;
  v128.store(out, a0, 0);
  v128.store(out, a1, 16);
  v128.store(out, a2, 32);
  v128.store(out, a3, 48);
}

@inline
function batchRowF32x3(i: i32, r: usize, y: usize, rowStride: usize, vOff: usize): void {
  let a0 = f32x4.splat(0);
  let a1 = f32x4.splat(0);
  let a2 = f32x4.splat(0);
  const rv = r + vOff;
  const pEnd = gECols + (<usize>load<i32>(gERowStart + (<usize>(i + 1) << 2)) << 2);
  for (let p = gECols + (<usize>load<i32>(gERowStart + (<usize>i << 2)) << 2); p < pEnd; p += 4) {
    const base = rv + <usize>load<i32>(p);
    a0 = f32x4.add(a0, v128.load(base, 0));
    a1 = f32x4.add(a1, v128.load(base, 16));
    a2 = f32x4.add(a2, v128.load(base, 32));
  }
  const shared = f32x4.splat(gSharedWeightF32);
  a0 = f32x4.mul(shared, a0);
  a1 = f32x4.mul(shared, a1);
  a2 = f32x4.mul(shared, a2);
  const qStart = load<i32>(gRowStart + (<usize>i << 2));
  let wp = gValuesF32 + (<usize>qStart << 2);
  const qEnd = gCols + (<usize>load<i32>(gRowStart + (<usize>(i + 1) << 2)) << 2);
  for (let q = gCols + (<usize>qStart << 2); q < qEnd; q += 4) {
    const w = v128.load32_splat(wp);
    wp += 4;
    const base = rv + <usize>load<i32>(q);
    a0 = f32x4.add(a0, f32x4.mul(w, v128.load(base, 0)));
    a1 = f32x4.add(a1, f32x4.mul(w, v128.load(base, 16)));
    a2 = f32x4.add(a2, f32x4.mul(w, v128.load(base, 32)));
  }
  const out = y + <usize>i * rowStride + vOff;
  v128.store(out, a0, 0);
  v128.store(out, a1, 16);
  v128.store(out, a2, 32);
}

@inline
function batchRowF32x2(i: i32, r: usize, y: usize, rowStride: usize, vOff: usize): void {
  let a0 = f32x4.splat(0);
  let a1 = f32x4.splat(0);
  const rv = r + vOff;
  const pEnd = gECols + (<usize>load<i32>(gERowStart + (<usize>(i + 1) << 2)) << 2);
  for (let p = gECols + (<usize>load<i32>(gERowStart + (<usize>i << 2)) << 2); p < pEnd; p += 4) {
    const base = rv + <usize>load<i32>(p);
    a0 = f32x4.add(a0, v128.load(base, 0));
    a1 = f32x4.add(a1, v128.load(base, 16));
  }
  const shared = f32x4.splat(gSharedWeightF32);
  a0 = f32x4.mul(shared, a0);
  a1 = f32x4.mul(shared, a1);
  const qStart = load<i32>(gRowStart + (<usize>i << 2));
  let wp = gValuesF32 + (<usize>qStart << 2);
  const qEnd = gCols + (<usize>load<i32>(gRowStart + (<usize>(i + 1) << 2)) << 2);
  for (let q = gCols + (<usize>qStart << 2); q < qEnd; q += 4) {
    const w = v128.load32_splat(wp);
    wp += 4;
    const base = rv + <usize>load<i32>(q);
    a0 = f32x4.add(a0, f32x4.mul(w, v128.load(base, 0)));
    a1 = f32x4.add(a1, f32x4.mul(w, v128.load(base, 16)));
  }
  const out = y + <usize>i * rowStride + vOff;
  v128.store(out, a0, 0);
  v128.store(out, a1, 16);
}

@inline
function batchRowF32x1(i: i32, r: usize, y: usize, rowStride: usize, vOff: usize): void {
  let a0 = f32x4.splat(0);
  const rv = r + vOff;
  const pEnd = gECols + (<usize>load<i32>(gERowStart + (<usize>(i + 1) << 2)) << 2);
  for (let p = gECols + (<usize>load<i32>(gERowStart + (<usize>i << 2)) << 2); p < pEnd; p += 4) {
    const base = rv + <usize>load<i32>(p);
    a0 = f32x4.add(a0, v128.load(base, 0));
  }
  const shared = f32x4.splat(gSharedWeightF32);
  a0 = f32x4.mul(shared, a0);
  const qStart = load<i32>(gRowStart + (<usize>i << 2));
  let wp = gValuesF32 + (<usize>qStart << 2);
  const qEnd = gCols + (<usize>load<i32>(gRowStart + (<usize>(i + 1) << 2)) << 2);
  for (let q = gCols + (<usize>qStart << 2); q < qEnd; q += 4) {
    const w = v128.load32_splat(wp);
    wp += 4;
    const base = rv + <usize>load<i32>(q);
    a0 = f32x4.add(a0, f32x4.mul(w, v128.load(base, 0)));
  }
  const out = y + <usize>i * rowStride + vOff;
  v128.store(out, a0, 0);
}

function batchMatvecF32(r: usize, y: usize, vectors: i32): void {
  const n = gN;
  const rowStride = <usize>vectors << 4;
  for (let i = 0; i < n; i++) {
    let v = 0;
    if (vectors % 3 == 0) {
      for (; v < vectors; v += 3) batchRowF32x3(i, r, y, rowStride, <usize>v << 4);
    }
    for (; v + 3 < vectors; v += 4) batchRowF32x4(i, r, y, rowStride, <usize>v << 4);
    for (; v + 1 < vectors; v += 2) batchRowF32x2(i, r, y, rowStride, <usize>v << 4);
    if (v < vectors) batchRowF32x1(i, r, y, rowStride, <usize>v << 4);
  }
}

// outputs (float64): [(c·nSamples + k)·KP4 + s] = b_c + Σ β_{c,i} r[i·KP4 + s]; readout in f32,
// accumulated in f32x4, widened to f64 on store.
function batchReadoutF32(r: usize, readout: usize, channels: i32, nE: i32, vectors: i32, nSamples: i32, k: i32, outputs: usize): void {
  const rowStride = <usize>vectors << 4;
  for (let c = 0; c < channels; c++) {
    const beta = readout + <usize>c * (<usize>(1 + nE) << 2);
    const out = outputs + (<usize>c * <usize>nSamples + <usize>k) * (rowStride << 1);
    for (let v = 0; v < vectors; v++) {
      const vOff = <usize>v << 4;
      let a0 = f32x4.splat(0);
      for (let i = 0; i < nE; i++) {
        a0 = f32x4.add(a0, f32x4.mul(v128.load32_splat(beta + (<usize>(i + 1) << 2)), v128.load(r + <usize>i * rowStride + vOff)));
      }
      const total = f32x4.add(v128.load32_splat(beta), a0);
      v128.store(out + (vOff << 1), f64x2.promote_low_f32x4(total));
      v128.store(out + (vOff << 1), f64x2.promote_low_f32x4(i32x4.shuffle(total, total, 2, 3, 0, 1)), 16);
    }
  }
}

export function batchTrialF32(
  nSamples: i32,
  h: f32,
  invTau: f32,
  cNeg: f32,
  cPos: f32,
  linear: i32,
  vectors: i32,
  gains: usize,
  x0: usize,
  x: usize,
  probe: usize,
  acc: usize,
  y: usize,
  r: usize,
  readout: usize,
  channels: i32,
  nE: i32,
  outputs: usize,
): void {
  const count = gN * vectors * 4;
  const blockBytes = <usize>count << 2;
  const halfH = f32x4.splat(<f32>0.5 * h);
  const fullH = f32x4.splat(h);
  const sixthH = f32x4.splat(h / <f32>6);
  const invTauV = f32x4.splat(invTau);
  const two = f32x4.splat(2.0);
  memory.copy(x, x0, blockBytes);
  memory.copy(probe, x0, blockBytes);
  rateVecF32(x, gains, r, count, cNeg, cPos, linear);
  batchReadoutF32(r, readout, channels, nE, vectors, nSamples, 0, outputs);
  for (let k = 1; k < nSamples; k++) {
    for (let stage = 0; stage < 4; stage++) {
      batchMatvecF32(r, y, vectors);
      for (let i = 0; i < count; i += 4) {
        const off = <usize>i << 2;
        const slope = f32x4.mul(f32x4.add(f32x4.neg(v128.load(probe + off)), v128.load(y + off)), invTauV);
        const xi = v128.load(x + off);
        if (stage == 0) {
          v128.store(acc + off, slope);
          v128.store(probe + off, f32x4.add(xi, f32x4.mul(halfH, slope)));
        } else if (stage == 1) {
          v128.store(acc + off, f32x4.add(v128.load(acc + off), f32x4.mul(two, slope)));
          v128.store(probe + off, f32x4.add(xi, f32x4.mul(halfH, slope)));
        } else if (stage == 2) {
          v128.store(acc + off, f32x4.add(v128.load(acc + off), f32x4.mul(two, slope)));
          v128.store(probe + off, f32x4.add(xi, f32x4.mul(fullH, slope)));
        } else {
          const xn = f32x4.add(xi, f32x4.mul(sixthH, f32x4.add(v128.load(acc + off), slope)));
          v128.store(x + off, xn);
          v128.store(probe + off, xn);
        }
      }
      rateVecF32(probe, gains, r, count, cNeg, cPos, linear);
    }
    batchReadoutF32(r, readout, channels, nE, vectors, nSamples, k, outputs);
  }
}
