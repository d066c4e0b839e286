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

import { AtPointer, PairMatrix, pairSum, pairSum2, rateVec } from './common';

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

// y = M·r for a row-pair matrix, each pair summed in the order of every fast kernel
// (assembly/common.ts pairSum2). r needs a zero at byte offset 8·nPad; y needs nPad entries (a
// lone last row writes the padding slot y[n]).
function pairsMatvec(pairCount: i32, rows: usize, matrix: usize, r: usize, y: usize): void {
  const m = changetype<PairMatrix>(matrix);
  const two = gPairScratch;
  for (let p = 0; p < pairCount; p += 2) {
    if (p + 1 < pairCount) pairSum2<AtPointer>(m, p, r, two);
    else v128.store(two, pairSum<AtPointer>(m, p, r));
    const last = p + 1 < pairCount ? 2 : 1;
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

function denseMatvec(M: usize, r: usize, y: usize): void {
  const nPad = gNPad;
  const rowBytes = <usize>nPad << 3;
  let i = 0;
  for (; i + 3 < nPad; i += 4) {
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
  for (; i < nPad; i++) {
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
  if (gDense) denseMatvec(gDenseW, r, y);
  else pairsMatvec(wPairCount, wRows, wMatrix, r, y);
}

@inline
function productWT(r: usize, y: usize): void {
  if (gDense) denseMatvec(gDenseWT, r, y);
  else pairsMatvec(tPairCount, tRows, tMatrix, r, y);
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
  const halfH = f64x2.splat(0.5 * gH);
  const fullH = f64x2.splat(gH);
  const sixthH = f64x2.splat(gH / 6);
  const invTau = f64x2.splat(gInvTau);
  const two = f64x2.splat(2.0);
  const acc = gAcc;
  const y = gY;
  let yRow = gTapeY;
  let rRow = gTapeR;
  rateVec(yRow, gGains, rRow, nPad, gCNeg, gCPos, gLinear);
  readoutSample(rRow, 0);
  for (let k = 0; k < gSteps; k++) {
    const x = yRow; // row 4k = x_k
    for (let stage = 0; stage < 4; stage++) {
      productW(rRow, y);
      if (rankOne) axpy(y, gU, dot(gV, rRow, nPad), nPad);
      const next = yRow + rowBytes;
      for (let i = 0; i < nPad; i += 2) {
        const off = <usize>i << 3;
        const slope = f64x2.mul(f64x2.add(f64x2.neg(v128.load(yRow + off)), v128.load(y + off)), invTau);
        const xi = v128.load(x + off);
        if (stage == 0) {
          v128.store(acc + off, slope);
          v128.store(next + off, f64x2.add(xi, f64x2.mul(halfH, slope)));
        } else if (stage == 1) {
          v128.store(acc + off, f64x2.add(v128.load(acc + off), f64x2.mul(two, slope)));
          v128.store(next + off, f64x2.add(xi, f64x2.mul(halfH, slope)));
        } else if (stage == 2) {
          v128.store(acc + off, f64x2.add(v128.load(acc + off), f64x2.mul(two, slope)));
          v128.store(next + off, f64x2.add(xi, f64x2.mul(fullH, slope)));
        } else {
          v128.store(next + off, f64x2.add(xi, f64x2.mul(sixthH, f64x2.add(v128.load(acc + off), slope))));
        }
      }
      yRow = next;
      rRow += rowBytes;
      rateVec(yRow, gGains, rRow, nPad, gCNeg, gCPos, gLinear);
    }
    readoutSample(rRow, k + 1);
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

// λ += f'(x_k) ⊙ ρ_k and ∂E/∂g += ∂f/∂g(x_k) ⊙ ρ_k, ρ_k = Σ_c r_ck β_c (E neurons only).
function readoutTerm(k: i32): void {
  const count = gNEPad;
  if (count == 0) return;
  const nSamples = gSteps + 1;
  const vector = <usize>gNPad << 3;
  const rho = gRho;
  for (let i = 0; i < count; i += 2) v128.store(rho + (<usize>i << 3), f64x2.splat(0));
  for (let c = 0; c < gChannels; c++) {
    const residual = f64x2.splat(load<f64>(gResidual + ((<usize>c * <usize>nSamples + <usize>k) << 3)));
    const beta = gBeta + <usize>c * vector;
    for (let i = 0; i < count; i += 2) {
      const off = <usize>i << 3;
      v128.store(rho + off, f64x2.add(v128.load(rho + off), f64x2.mul(residual, v128.load(beta + off))));
    }
  }
  const row = <usize>(4 * k) * gRowBytes;
  const yRow = gTapeY + row;
  const rRow = gTapeR + row;
  const invNeg = f64x2.splat(1.0 / gCNeg);
  const invPos = f64x2.splat(1.0 / gCPos);
  for (let i = 0; i < count; i += 2) {
    const off = <usize>i << 3;
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

export function backward(rankOne: i32, cotangents: usize): void {
  const nPad = gNPad;
  const vector = <usize>nPad << 3;
  const rowBytes = gRowBytes;
  const h = gH;
  const invTauS = gInvTau;
  const invTau = f64x2.splat(invTauS);
  const invNeg = f64x2.splat(1.0 / gCNeg);
  const invPos = f64x2.splat(1.0 / gCPos);
  const linear = gLinear;
  const lambda = gLambda;
  const accum = gAccum;
  const kbar = gKbar;
  const ybar = gYbar;
  const p = gY;
  const gains = gGains;
  const gainGrad = gGainGrad;
  memory.fill(lambda, 0, vector);
  memory.fill(gainGrad, 0, vector);
  memory.fill(gUGrad, 0, vector);
  memory.fill(gVGrad, 0, vector);
  readoutTerm(gSteps);
  const sixthH = h / 6;
  const thirdH = h / 3;
  const halfH = 0.5 * h;
  for (let k = gSteps - 1; k >= 0; k--) {
    for (let s = 3; s >= 0; s--) {
      // k̄_s from λ and ȳ_{s+1} (see gradient.ts)
      const lambdaWeight = f64x2.splat(s == 0 || s == 3 ? sixthH : thirdH);
      if (s == 3) {
        for (let i = 0; i < nPad; i += 2) {
          const off = <usize>i << 3;
          v128.store(kbar + off, f64x2.mul(lambdaWeight, v128.load(lambda + off)));
        }
      } else {
        const ybarWeight = f64x2.splat(s == 2 ? h : halfH);
        for (let i = 0; i < nPad; i += 2) {
          const off = <usize>i << 3;
          v128.store(
            kbar + off,
            f64x2.add(f64x2.mul(lambdaWeight, v128.load(lambda + off)), f64x2.mul(ybarWeight, v128.load(ybar + off))),
          );
        }
      }
      productWT(kbar, p);
      let uk: f64 = 0;
      if (rankOne) {
        uk = dot(gU, kbar, nPad);
        axpy(p, gV, uk, nPad);
      }
      const row = <usize>(4 * k + s) * rowBytes;
      const yRow = gTapeY + row;
      const rRow = gTapeR + row;
      for (let i = 0; i < nPad; i += 2) {
        const off = <usize>i << 3;
        const yv = v128.load(yRow + off);
        const g = v128.load(gains + off);
        let fPrime: v128;
        let fGain: v128;
        if (linear) {
          fPrime = g;
          fGain = yv;
        } else {
          const sech2 = sech2Of(yv, v128.load(rRow + off), invNeg, invPos);
          fPrime = f64x2.mul(g, sech2);
          fGain = f64x2.mul(yv, sech2);
        }
        const pv = v128.load(p + off);
        const kb = v128.load(kbar + off);
        const yb = f64x2.mul(f64x2.sub(f64x2.mul(fPrime, pv), kb), invTau);
        v128.store(ybar + off, yb);
        v128.store(accum + off, s == 3 ? yb : f64x2.add(v128.load(accum + off), yb));
        v128.store(gainGrad + off, f64x2.add(v128.load(gainGrad + off), f64x2.mul(f64x2.mul(fGain, pv), invTau)));
      }
      if (cotangents != 0) {
        const out = cotangents + row;
        for (let i = 0; i < nPad; i += 2) {
          const off = <usize>i << 3;
          v128.store(out + off, f64x2.mul(v128.load(kbar + off), invTau));
        }
      }
      if (rankOne) {
        // ∂E/∂u += (k̄/τ)(f·v), ∂E/∂v += ((k̄·u)/τ) f
        const fv = dot(rRow, gV, nPad) * invTauS;
        axpy(gUGrad, kbar, fv, nPad);
        axpy(gVGrad, rRow, uk * invTauS, nPad);
      }
    }
    for (let i = 0; i < nPad; i += 2) {
      const off = <usize>i << 3;
      v128.store(lambda + off, f64x2.add(v128.load(lambda + off), v128.load(accum + off)));
    }
    readoutTerm(k);
  }
}

// ---------------------------------------------------------------------------------------------
// ∂E/∂W = Σ_s (k̄_s/τ) f(y_s)ᵀ over the tape rows 0..4·nSteps−1: out[i·nPad + j] (nPad × nPad,
// row-major) = Σ_t cotangents[t, i] · tapeR[t, j]. Four output rows at a time (6 KB for N = 200,
// in L1) while the tape rows stream once per block.
export function outerProducts(cotangents: usize, out: usize): void {
  const nPad = gNPad;
  const rows = 4 * gSteps;
  const rowBytes = <usize>nPad << 3;
  const tapeRowBytes = gRowBytes;
  memory.fill(out, 0, <usize>nPad * rowBytes);
  let i = 0;
  for (; i + 3 < nPad; i += 4) {
    const o0 = out + <usize>i * rowBytes;
    const o1 = o0 + rowBytes;
    const o2 = o1 + rowBytes;
    const o3 = o2 + rowBytes;
    for (let t = 0; t < rows; t++) {
      const a = cotangents + <usize>t * tapeRowBytes + (<usize>i << 3);
      const b = gTapeR + <usize>t * tapeRowBytes;
      const a0 = v128.load64_splat(a);
      const a1 = v128.load64_splat(a, 8);
      const a2 = v128.load64_splat(a, 16);
      const a3 = v128.load64_splat(a, 24);
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
  for (; i < nPad; i++) {
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
