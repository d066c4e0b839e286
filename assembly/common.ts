// Pieces every GainLab kernel shares (assembly/dynamics.ts, assembly/adjoint.ts): allocation, the
// rate function f(v; g) = c·tanh(g·v/c) in f64x2, and the row-pair product in the one summation
// order all fast kernels use (so that they agree bit for bit; see src-shared/model/kernels/layout.ts).

// ---------------------------------------------------------------------------------------------
// Allocation (stub runtime: a bump allocator; the host allocates once per network).

export function allocate(bytes: i32): usize {
  // 16-byte aligned blocks for v128 loads.
  const ptr = heap.alloc(<usize>(bytes + 16));
  return (ptr + 15) & ~(<usize>15);
}

// ---------------------------------------------------------------------------------------------
// Rates: f = c·tanh(g·v/c), c = cNeg (v < 0) or cPos.  With u = 2·g·v/c clamped to [−40, 40]
// (|tanh| = 1 in double beyond ±19), tanh(u/2) = (e^u − 1)/(e^u + 1) and
// u = k·ln2 + r, |r| ≤ ln2/2, e^r ≈ N(r)/N(−r) with the [6/6] Padé approximant of exp
// (truncation error 1.9e-19 relative on |r| ≤ ln2/2). Writing N(±r) = E ± O (even and odd parts):
//   tanh(u/2) = ((2^k − 1)·E + (2^k + 1)·O) / ((2^k + 1)·E + (2^k − 1)·O)
// — one division, no cancellation (for k = 0 it is O/E, accurate for tiny u; for k ≠ 0 the
// (2^k ∓ 1)·E terms dominate), valid for negative u too (k < 0), so no sign juggling.
// The argument is g·v·(2/c) (1 ulp from 2·g·v/c); the rate is within a few ulp of
// c·Math.tanh(g·v/c) (tests assert ≤ 2e-15 relative). src-shared/model/kernels/fastTanh.ts does
// the same operations in the same order in TypeScript.

const LN2_HI: f64 = 6.93147180369123816490e-1;
const LN2_LO: f64 = 1.90821492927058770002e-10;
const INV_LN2: f64 = 1.44269504088896338700;
// 1.5·2^52: adding it rounds to an integer held in the low mantissa bits (round-to-nearest-even),
// which gives both k (as a double, after subtracting it back) and the bits of 2^k without the
// costly float→int conversion instructions.
const ROUND_MAGIC: f64 = 6755399441055744.0;

// The constants of the hot loops as v128 pairs in memory, read with v128.load (one memory operand
// each). Written as v128 constants instead, V8 (Node 20) rebuilds every one of them inside the
// loop (three instructions each), which made the rate pass ~3× slower.
const CONSTANTS: usize = memory.data<f64>(
  [
    INV_LN2, INV_LN2, // 0
    ROUND_MAGIC, ROUND_MAGIC, // 1
    LN2_HI, LN2_HI, // 2
    LN2_LO, LN2_LO, // 3
    1.0, 1.0, // 4
    5.0 / 44.0, 5.0 / 44.0, // 5
    1.0 / 792.0, 1.0 / 792.0, // 6
    1.0 / 665280.0, 1.0 / 665280.0, // 7
    0.5, 0.5, // 8
    1.0 / 66.0, 1.0 / 66.0, // 9
    1.0 / 15840.0, 1.0 / 15840.0, // 10
    40.0, 40.0, // 11
    -40.0, -40.0, // 12
    2.0, 2.0, // 13
    reinterpret<f64>(<i64>1023), reinterpret<f64>(<i64>1023), // 14: i64x2 1023
  ],
  16,
);

// The v128 constant number `index` of CONSTANTS.
@inline
export function constant(index: i32): v128 {
  return v128.load(CONSTANTS + (<usize>index << 4));
}
export const TWO: i32 = 13;

// a·b + c and c − a·b. A module built with relaxed SIMD (scripts/build-wasm.mjs, the *Fma builds)
// fuses them (one rounding, one instruction where the CPU has FMA); every other build rounds the
// product and then the sum, in exactly the order the kernels had before (sums are commutative bit
// for bit), so those builds keep their bits.
@inline
export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return v128.relaxed_madd<f64>(a, b, c);
  return f64x2.add(c, f64x2.mul(a, b));
}
@inline
export function nmadd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return v128.relaxed_nmadd<f64>(a, b, c);
  return f64x2.sub(c, f64x2.mul(a, b));
}

// tanh(u/2) for u in [−40, 40] (see above).
@inline
export function tanhHalf(u: v128): v128 {
  const kMagic = madd(u, constant(0), constant(1));
  const kf = f64x2.sub(kMagic, constant(1));
  const r = nmadd(kf, constant(3), nmadd(kf, constant(2), u));
  const r2 = f64x2.mul(r, r);
  const r4 = f64x2.mul(r2, r2);
  // [6/6] Padé of exp: N(r) = Σ c_j r^j, c = 1, 1/2, 5/44, 1/66, 1/792, 1/15840, 1/665280.
  const even = madd(r4, madd(r2, constant(7), constant(6)), madd(r2, constant(5), constant(4)));
  const odd = f64x2.mul(r, madd(r4, constant(10), madd(r2, constant(9), constant(8))));
  // 2^k from the bits: the low bits of kMagic hold k (−58..58); (k + 1023) << 52 are the bits of
  // 2^k (the magic's own mantissa bit 51 is shifted out).
  const p2 = i64x2.shl(i64x2.add(kMagic, constant(14)), 52);
  const minus = f64x2.sub(p2, constant(4));
  const plus = f64x2.add(p2, constant(4));
  const num = madd(plus, odd, f64x2.mul(minus, even));
  const den = madd(minus, odd, f64x2.mul(plus, even));
  return f64x2.div(num, den);
}

// Rate parameters: a 16-byte aligned block of RATE_PARAMS_BYTES holding cNeg, cPos, 2/cNeg,
// 2/cPos as v128 pairs (setRateParams).
export const RATE_PARAMS_BYTES: usize = 64;

export function setRateParams(params: usize, cNeg: f64, cPos: f64): void {
  v128.store(params, f64x2.splat(cNeg));
  v128.store(params, f64x2.splat(cPos), 16);
  v128.store(params, f64x2.splat(2.0 / cNeg), 32);
  v128.store(params, f64x2.splat(2.0 / cPos), 48);
}

// a where mask is all ones, else b (mask: a lane-wise comparison). The relaxed builds use
// relaxed_laneselect (one blend instruction on x64; exact for such masks), the others bitselect.
@inline
export function select(a: v128, b: v128, mask: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return v128.relaxed_laneselect<i64>(a, b, mask);
  return v128.bitselect(a, b, mask);
}

// f(x; g) for two values, with the rate parameters at `params`.
@inline
export function rate2(x: v128, g: v128, params: usize, linear: bool): v128 {
  if (linear) return f64x2.mul(g, x);
  const gx = f64x2.mul(g, x);
  const negative = f64x2.lt(x, f64x2.splat(0.0));
  const c = select(v128.load(params), v128.load(params, 16), negative);
  const u = f64x2.mul(gx, select(v128.load(params, 32), v128.load(params, 48), negative)); // 2·g·x/c
  // pmin/pmax: one instruction each (no NaN/−0 semantics needed here)
  const clamped = f64x2.pmax(f64x2.pmin(u, constant(11)), constant(12));
  return f64x2.mul(c, tanhHalf(clamped));
}

// out[i] = f(v[i]; g[i]) for i < count (count even), parameters at `params`.
export function rateVecWith(v: usize, g: usize, out: usize, count: i32, params: usize, linear: i32): void {
  for (let i = 0; i < count; i += 2) {
    const off = <usize>i << 3;
    v128.store(out + off, rate2(v128.load(v + off), v128.load(g + off), params, linear != 0));
  }
}

// The rate parameters of rateVec (one block per module instance: single-thread callers only).
const OWN_RATE_PARAMS: usize = memory.data(<i32>RATE_PARAMS_BYTES, 16);

// out[i] = f(v[i]; g[i]) for i < count (count even).
export function rateVec(v: usize, g: usize, out: usize, count: i32, cNeg: f64, cPos: f64, linear: i32): void {
  setRateParams(OWN_RATE_PARAMS, cNeg, cPos);
  rateVecWith(v, g, out, count, OWN_RATE_PARAMS, linear);
}

// ---------------------------------------------------------------------------------------------
// The summation order of one row of W·r (every fast kernel; layout.ts documents it for the host):
//   e = Σ r over the row's E entries (the shared E weight wE, index sums), then y = wE·e, then
//   y = y + w·r for each I entry — entries in increasing column order, one chain each.
// One chain per row is what the batch kernel can keep in registers for five session vectors at a
// time (the paper's 10 sessions); the row-pair kernel gets its parallelism from two pairs at a
// time instead. Padding entries (weight 0 at a zero slot of r) only ever follow a row's own
// entries, so they add +0 and change nothing.

// Row pairs: entries of a pair side by side — u16 byte offsets (a, b) in one u32, weights (a, b)
// in one v128 — row a in lane 0, row b in lane 1.
//
// Where the rates r are, as a type argument R known at compile time: AtPointer (r is a pointer),
// or FixedA/FixedB (the fixed addresses FIXED_RATES_A/B of assembly/dynamics.ts, below its static
// data: asc --memoryBase). At a fixed address the gathers load r[j] as offset + constant, which
// x64 addresses in the load itself, instead of adding r to both offsets of every entry pair:
// two of the ~10 instructions of an entry pair, in the loop that is most of a trial.
export type AtPointer = u64;
export type FixedA = u8;
export type FixedB = u16;
// Each fixed buffer holds the rates of up to ROW_PAIRS_MAX_N neurons, padding and the zero slot.
export const FIXED_RATES_BYTES: usize = 65600;
export const FIXED_RATES_A: usize = 64;
export const FIXED_RATES_B: usize = FIXED_RATES_A + FIXED_RATES_BYTES;

@inline
export function gather2<R>(r: usize, offsets: u32): v128 {
  if (sizeof<R>() == 1) {
    const v = v128.load64_splat(<usize>(offsets & 0xffff), FIXED_RATES_A);
    return v128.load64_lane(<usize>(offsets >> 16), v, 1, FIXED_RATES_A);
  } else if (sizeof<R>() == 2) {
    const v = v128.load64_splat(<usize>(offsets & 0xffff), FIXED_RATES_B);
    return v128.load64_lane(<usize>(offsets >> 16), v, 1, FIXED_RATES_B);
  }
  const v = v128.load64_splat(r + <usize>(offsets & 0xffff));
  return v128.load64_lane(r + <usize>(offsets >> 16), v, 1);
}

// r[j] in both lanes, j at byte offset `offset` (R as in gather2): the dense I columns of
// assembly/dynamics.ts multiply one rate into several pairs' chains.
@inline
export function rateSplat<R>(r: usize, offset: u32): v128 {
  if (sizeof<R>() == 1) return v128.load64_splat(<usize>offset, FIXED_RATES_A);
  if (sizeof<R>() == 2) return v128.load64_splat(<usize>offset, FIXED_RATES_B);
  return v128.load64_splat(r + <usize>offset);
}

// A row-pair matrix: per pair, E entries (offsets) and I entries (offsets, weights).
@unmanaged
export class PairMatrix {
  eStart: usize = 0; // i32[pairs + 1]
  eOffsets: usize = 0; // u32[]
  iStart: usize = 0; // i32[pairs + 1]
  iOffsets: usize = 0; // u32[]
  iWeights: usize = 0; // f64[2·entries]
  sharedWeight: f64 = 0;
}

// y of pair p (both lanes) in the order above.
@inline
export function pairSum<R>(m: PairMatrix, p: i32, r: usize): v128 {
  return pairIChain<R>(m, p, r, pairESum<R>(m, p, r));
}

// The E part of pairSum: wE·e of pair p.
@inline
export function pairESum<R>(m: PairMatrix, p: i32, r: usize): v128 {
  let e = f64x2.splat(0);
  let q = m.eOffsets + (<usize>load<i32>(m.eStart + (<usize>p << 2)) << 2);
  const qEnd = m.eOffsets + (<usize>load<i32>(m.eStart + (<usize>(p + 1) << 2)) << 2);
  for (; q < qEnd; q += 4) e = f64x2.add(e, gather2<R>(r, load<u32>(q)));
  return f64x2.mul(f64x2.splat(m.sharedWeight), e);
}

// The I part of pairSum: pair p's chain of I entries, continued from y.
@inline
export function pairIChain<R>(m: PairMatrix, p: i32, r: usize, y: v128): v128 {
  const first = load<i32>(m.iStart + (<usize>p << 2));
  let o = m.iOffsets + (<usize>first << 2);
  let w = m.iWeights + (<usize>first << 4);
  const oEnd = m.iOffsets + (<usize>load<i32>(m.iStart + (<usize>(p + 1) << 2)) << 2);
  for (; o < oEnd; o += 4) {
    y = madd(v128.load(w), gather2<R>(r, load<u32>(o)), y);
    w += 16;
  }
  return y;
}

// y of pairs p and p + 1 into out, out + 16: the same sums as pairSum, the two pairs' chains
// interleaved (one chain alone waits on the add latency). Pairs are sorted by length, so
// neighbours have about as many entries: a common part, then each pair's own rest.
// With two chains the loop is bound by its instructions (~8 per entry pair: offset load, two
// gathers, weight load, multiply-add), not by latency: fused arithmetic (longer latency, fewer
// instructions) is faster. Tried on the published network, same bits, not faster (one thread,
// alternated in one process, 2-core AMD EPYC): four chains at once in a function of its own, 1.04
// of the time (inlined into the stage loop, it spilled its chains to the stack: V8 allocates
// registers poorly in very large functions). The I entries as dense columns (zeros included,
// seven pairs' chains at once) measured 0.99 of the time at first and 0.93–0.94 of a trial once
// its loop kept every chain in a register: assembly/dynamics.ts denseBlock, used where W is dense
// enough.
@inline
export function pairSum2<R>(m: PairMatrix, p: i32, r: usize, out: usize): void {
  pairESum2<R>(m, p, r, out);
  pairIChain2<R>(m, p, r, out);
}

// The E part of pairSum2: wE·e of pairs p and p + 1 into out, out + 16.
@inline
export function pairESum2<R>(m: PairMatrix, p: i32, r: usize, out: usize): void {
  const e0 = load<i32>(m.eStart + (<usize>p << 2));
  const e1 = load<i32>(m.eStart + (<usize>(p + 1) << 2));
  const e2 = load<i32>(m.eStart + (<usize>(p + 2) << 2));
  let ea = f64x2.splat(0);
  let eb = f64x2.splat(0);
  let qa = m.eOffsets + (<usize>e0 << 2);
  const eDelta = <usize>(e1 - e0) << 2; // pair p + 1's entries start where pair p's end
  const eCommonEnd = qa + (<usize>min(e1 - e0, e2 - e1) << 2);
  for (; qa + 4 < eCommonEnd; qa += 8) {
    ea = f64x2.add(ea, gather2<R>(r, load<u32>(qa)));
    eb = f64x2.add(eb, gather2<R>(r, load<u32>(qa + eDelta)));
    ea = f64x2.add(ea, gather2<R>(r, load<u32>(qa, 4)));
    eb = f64x2.add(eb, gather2<R>(r, load<u32>(qa + eDelta, 4)));
  }
  if (qa < eCommonEnd) {
    ea = f64x2.add(ea, gather2<R>(r, load<u32>(qa)));
    eb = f64x2.add(eb, gather2<R>(r, load<u32>(qa + eDelta)));
    qa += 4;
  }
  let qb = qa + eDelta;
  const qaEnd = m.eOffsets + (<usize>e1 << 2);
  const qbEnd = m.eOffsets + (<usize>e2 << 2);
  for (; qa < qaEnd; qa += 4) ea = f64x2.add(ea, gather2<R>(r, load<u32>(qa)));
  for (; qb < qbEnd; qb += 4) eb = f64x2.add(eb, gather2<R>(r, load<u32>(qb)));
  const shared = f64x2.splat(m.sharedWeight);
  v128.store(out, f64x2.mul(shared, ea));
  v128.store(out, f64x2.mul(shared, eb), 16);
}

// The I part of pairSum2: each pair's chain of I entries, continued from out, out + 16.
@inline
export function pairIChain2<R>(m: PairMatrix, p: i32, r: usize, out: usize): void {
  let ya = v128.load(out);
  let yb = v128.load(out, 16);
  const i0 = load<i32>(m.iStart + (<usize>p << 2));
  const i1 = load<i32>(m.iStart + (<usize>(p + 1) << 2));
  const i2 = load<i32>(m.iStart + (<usize>(p + 2) << 2));
  let oa = m.iOffsets + (<usize>i0 << 2);
  let wa = m.iWeights + (<usize>i0 << 4);
  const oDelta = <usize>(i1 - i0) << 2;
  const wDelta = <usize>(i1 - i0) << 4;
  const iCommonEnd = oa + (<usize>min(i1 - i0, i2 - i1) << 2);
  for (; oa + 4 < iCommonEnd; oa += 8) {
    ya = madd(v128.load(wa), gather2<R>(r, load<u32>(oa)), ya);
    yb = madd(v128.load(wa + wDelta), gather2<R>(r, load<u32>(oa + oDelta)), yb);
    ya = madd(v128.load(wa, 16), gather2<R>(r, load<u32>(oa, 4)), ya);
    yb = madd(v128.load(wa + wDelta, 16), gather2<R>(r, load<u32>(oa + oDelta, 4)), yb);
    wa += 32;
  }
  if (oa < iCommonEnd) {
    ya = madd(v128.load(wa), gather2<R>(r, load<u32>(oa)), ya);
    yb = madd(v128.load(wa + wDelta), gather2<R>(r, load<u32>(oa + oDelta)), yb);
    oa += 4;
    wa += 16;
  }
  let ob = oa + oDelta;
  let wb = wa + wDelta;
  const oaEnd = m.iOffsets + (<usize>i1 << 2);
  const obEnd = m.iOffsets + (<usize>i2 << 2);
  for (; oa < oaEnd; oa += 4) {
    ya = madd(v128.load(wa), gather2<R>(r, load<u32>(oa)), ya);
    wa += 16;
  }
  for (; ob < obEnd; ob += 4) {
    yb = madd(v128.load(wb), gather2<R>(r, load<u32>(ob)), yb);
    wb += 16;
  }
  v128.store(out, ya);
  v128.store(out, yb, 16);
}

// ---------------------------------------------------------------------------------------------
// A helper thread between the stages or phases of the threaded kernels (assembly/dynamics.ts and
// assembly/adjoint.ts helperStep): spins first, then timed naps, then sleep until notified.

// Spins of an idle helper (between trials) before it naps (~65 µs: the host's work between two
// trials of a training run is shorter); it sleeps until notified after NAPS_BEFORE_SLEEP naps.
const IDLE_SPIN_LIMIT: i32 = 1 << 14;
export const HELPER_NAP_NS: i64 = 200_000;
const NAPS_BEFORE_SLEEP: i32 = 20;
let helperSpins: i32 = 0;
let helperNaps: i32 = 0;

// The helper computed something: the next idle spell starts from spinning again.
@inline
export function helperWorked(): void {
  helperSpins = 0;
  helperNaps = 0;
}

// One idle step of a helper waiting for `word` (the pass or trial word) to leave `end`: a spin, or
// a nap counted in the asleep word `asleep` (the driver notifies `word` when anyone sleeps).
export function helperIdle(word: usize, end: i64, asleep: usize): void {
  if (!ASC_FEATURE_THREADS) return;
  if (++helperSpins < IDLE_SPIN_LIMIT) return;
  atomic.add<i32>(asleep, 1);
  if (atomic.load<i64>(word) == end) atomic.wait<i64>(word, end, helperNaps < NAPS_BEFORE_SLEEP ? HELPER_NAP_NS : -1);
  atomic.sub<i32>(asleep, 1);
  helperNaps++;
}
