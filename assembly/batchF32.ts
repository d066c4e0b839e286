// Float32 batch (opt-in 'wasm-batch-f32', exported by assembly/dynamics.ts): the float64 batch
// scheme of dynamics.ts with every vector in float32 and f32x4 lanes over sessions (KP4 = K rounded
// up to a multiple of 4), halving bytes and doubling lanes. Approximate: errors are documented and
// tested in tests/model/batch.test.ts (the speed slider's preview uses it).
// tanh as in tanhHalf, with float32 constants and the [3/3] Padé of exp (truncation 6e-9 relative
// on |r| ≤ ln2/2, below float32 resolution); u clamped to [−20, 20] (|tanh| = 1 in float32 beyond ±9).

const ROUND_MAGIC_F32: f32 = 12582912.0; // 1.5·2^23
const LN2_HI_F32: f32 = 0.693145751953125; // ln2 rounded to 16 bits, so kf·LN2_HI_F32 is exact
const LN2_LO_F32: f32 = 1.428606765330187e-6;
const INV_LN2_F32: f32 = 1.4426950408889634;

// Constants and per-call parameters as f32x4 in memory, read with v128.load (V8 rebuilds v128
// constants inside loops; see CONSTANTS in common.ts). The parameter block is per module
// instance: the f32 batch runs on one thread.
const F32_CONSTANTS: usize = memory.data<f32>(
  [
    INV_LN2_F32, INV_LN2_F32, INV_LN2_F32, INV_LN2_F32, // 0
    ROUND_MAGIC_F32, ROUND_MAGIC_F32, ROUND_MAGIC_F32, ROUND_MAGIC_F32, // 1
    LN2_HI_F32, LN2_HI_F32, LN2_HI_F32, LN2_HI_F32, // 2
    LN2_LO_F32, LN2_LO_F32, LN2_LO_F32, LN2_LO_F32, // 3
    1.0, 1.0, 1.0, 1.0, // 4
    0.1, 0.1, 0.1, 0.1, // 5
    0.5, 0.5, 0.5, 0.5, // 6
    <f32>(1.0 / 120.0), <f32>(1.0 / 120.0), <f32>(1.0 / 120.0), <f32>(1.0 / 120.0), // 7
    20.0, 20.0, 20.0, 20.0, // 8
    -20.0, -20.0, -20.0, -20.0, // 9
    2.0, 2.0, 2.0, 2.0, // 10
    reinterpret<f32>(127), reinterpret<f32>(127), reinterpret<f32>(127), reinterpret<f32>(127), // 11: i32x4 127
  ],
  16,
);
// cN, cP, 2/cN, 2/cP, invTau, h/2, h, h/6
const F32_PARAMS: usize = memory.data(8 * 16, 16);

@inline
function c32(index: i32): v128 {
  return v128.load(F32_CONSTANTS + (<usize>index << 4));
}

@inline
function p32(index: i32): v128 {
  return v128.load(F32_PARAMS + (<usize>index << 4));
}

@inline
function tanhHalfF32(u: v128): v128 {
  const kMagic = f32x4.add(f32x4.mul(u, c32(0)), c32(1));
  const kf = f32x4.sub(kMagic, c32(1));
  const r = f32x4.sub(f32x4.sub(u, f32x4.mul(kf, c32(2))), f32x4.mul(kf, c32(3)));
  const r2 = f32x4.mul(r, r);
  // [3/3] Padé of exp: c = 1, 1/2, 1/10, 1/120.
  const even = f32x4.add(c32(4), f32x4.mul(r2, c32(5)));
  const odd = f32x4.mul(r, f32x4.add(c32(6), f32x4.mul(r2, c32(7))));
  const p2 = i32x4.shl(i32x4.add(kMagic, c32(11)), 23);
  const minus = f32x4.sub(p2, c32(4));
  const plus = f32x4.add(p2, c32(4));
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
  v128.store(F32_PARAMS, f32x4.splat(cNeg));
  v128.store(F32_PARAMS, f32x4.splat(cPos), 16);
  v128.store(F32_PARAMS, f32x4.splat(<f32>2.0 / cNeg), 32);
  v128.store(F32_PARAMS, f32x4.splat(<f32>2.0 / cPos), 48);
  for (let i = 0; i < count; i += 4) {
    const off = <usize>i << 2;
    const x = v128.load(v + off);
    const gx = f32x4.mul(v128.load(g + off), x);
    const negative = f32x4.lt(x, f32x4.splat(0.0));
    const c = v128.bitselect(p32(0), p32(1), negative);
    const u = f32x4.mul(gx, v128.bitselect(p32(2), p32(3), negative));
    const clamped = f32x4.pmax(f32x4.pmin(u, c32(8)), c32(9));
    v128.store(out + off, f32x4.mul(c, tanhHalfF32(clamped)));
  }
}

// The network for the f32 batch: shared-E-weight index sums + CSR (byte offsets j·rowStride, i32),
// weights in float32.
let gN: i32 = 0;
let gERowStart: usize = 0; // i32[n+1]
let gECols: usize = 0; // i32[]
let gRowStart: usize = 0; // i32[n+1]
let gCols: usize = 0; // i32[]
let gValuesF32: usize = 0; // f32[]
let gSharedWeightF32: f32 = 0;

export function setNetworkF32(n: i32, eRowStart: usize, eCols: usize, rowStart: usize, cols: usize, valuesF32: usize, sharedWeight: f32): void {
  gN = n;
  gERowStart = eRowStart;
  gECols = eCols;
  gRowStart = rowStart;
  gCols = cols;
  gValuesF32 = valuesF32;
  gSharedWeightF32 = sharedWeight;
}

// y of row i for `width` (1..4) f32x4 session vectors from byte offset vOff of the row: the E
// index sums scaled by wE, then the weighted I entries, one chain per vector.
@inline
function batchRowF32(i: i32, r: usize, y: usize, rowStride: usize, vOff: usize, width: i32): void {
  let a0 = f32x4.splat(0);
  let a1 = f32x4.splat(0);
  let a2 = f32x4.splat(0);
  let a3 = f32x4.splat(0);
  const rv = r + vOff;
  const pEnd = gECols + (<usize>load<i32>(gERowStart + (<usize>(i + 1) << 2)) << 2);
  for (let p = gECols + (<usize>load<i32>(gERowStart + (<usize>i << 2)) << 2); p < pEnd; p += 4) {
    const base = rv + <usize>load<i32>(p);
    a0 = f32x4.add(a0, v128.load(base, 0));
    if (width > 1) a1 = f32x4.add(a1, v128.load(base, 16));
    if (width > 2) a2 = f32x4.add(a2, v128.load(base, 32));
    if (width > 3) a3 = f32x4.add(a3, v128.load(base, 48));
  }
  const shared = f32x4.splat(gSharedWeightF32);
  a0 = f32x4.mul(shared, a0);
  if (width > 1) a1 = f32x4.mul(shared, a1);
  if (width > 2) a2 = f32x4.mul(shared, a2);
  if (width > 3) a3 = f32x4.mul(shared, a3);
  const qStart = load<i32>(gRowStart + (<usize>i << 2));
  let wp = gValuesF32 + (<usize>qStart << 2);
  const qEnd = gCols + (<usize>load<i32>(gRowStart + (<usize>(i + 1) << 2)) << 2);
  for (let q = gCols + (<usize>qStart << 2); q < qEnd; q += 4) {
    const w = v128.load32_splat(wp);
    wp += 4;
    const base = rv + <usize>load<i32>(q);
    a0 = f32x4.add(a0, f32x4.mul(w, v128.load(base, 0)));
    if (width > 1) a1 = f32x4.add(a1, f32x4.mul(w, v128.load(base, 16)));
    if (width > 2) a2 = f32x4.add(a2, f32x4.mul(w, v128.load(base, 32)));
    if (width > 3) a3 = f32x4.add(a3, f32x4.mul(w, v128.load(base, 48)));
  }
  const out = y + <usize>i * rowStride + vOff;
  v128.store(out, a0, 0);
  if (width > 1) v128.store(out, a1, 16);
  if (width > 2) v128.store(out, a2, 32);
  if (width > 3) v128.store(out, a3, 48);
}

function batchMatvecF32(r: usize, y: usize, vectors: i32): void {
  const n = gN;
  const rowStride = <usize>vectors << 4;
  for (let i = 0; i < n; i++) {
    let v = 0;
    if (vectors % 3 == 0) {
      for (; v < vectors; v += 3) batchRowF32(i, r, y, rowStride, <usize>v << 4, 3);
    }
    for (; v + 3 < vectors; v += 4) batchRowF32(i, r, y, rowStride, <usize>v << 4, 4);
    for (; v + 1 < vectors; v += 2) batchRowF32(i, r, y, rowStride, <usize>v << 4, 2);
    if (v < vectors) batchRowF32(i, r, y, rowStride, <usize>v << 4, 1);
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
  memory.copy(x, x0, blockBytes);
  memory.copy(probe, x0, blockBytes);
  rateVecF32(x, gains, r, count, cNeg, cPos, linear);
  v128.store(F32_PARAMS, f32x4.splat(invTau), 64);
  v128.store(F32_PARAMS, f32x4.splat(<f32>0.5 * h), 80);
  v128.store(F32_PARAMS, f32x4.splat(h), 96);
  v128.store(F32_PARAMS, f32x4.splat(h / <f32>6), 112);
  batchReadoutF32(r, readout, channels, nE, vectors, nSamples, 0, outputs);
  for (let k = 1; k < nSamples; k++) {
    for (let stage = 0; stage < 4; stage++) {
      batchMatvecF32(r, y, vectors);
      for (let i = 0; i < count; i += 4) {
        const off = <usize>i << 2;
        const slope = f32x4.mul(f32x4.add(f32x4.neg(v128.load(probe + off)), v128.load(y + off)), p32(4));
        const xi = v128.load(x + off);
        if (stage == 0) {
          v128.store(acc + off, slope);
          v128.store(probe + off, f32x4.add(xi, f32x4.mul(p32(5), slope)));
        } else if (stage == 1) {
          v128.store(acc + off, f32x4.add(v128.load(acc + off), f32x4.mul(c32(10), slope)));
          v128.store(probe + off, f32x4.add(xi, f32x4.mul(p32(5), slope)));
        } else if (stage == 2) {
          v128.store(acc + off, f32x4.add(v128.load(acc + off), f32x4.mul(c32(10), slope)));
          v128.store(probe + off, f32x4.add(xi, f32x4.mul(p32(6), slope)));
        } else {
          const xn = f32x4.add(xi, f32x4.mul(p32(7), f32x4.add(v128.load(acc + off), slope)));
          v128.store(x + off, xn);
          v128.store(probe + off, xn);
        }
      }
      rateVecF32(probe, gains, r, count, cNeg, cPos, linear);
    }
    batchReadoutF32(r, readout, channels, nE, vectors, nSamples, k, outputs);
  }
}
