/**
 * The WebAssembly features GainLab's kernels want, turned on where this Node lacks them.
 *
 * The fused-arithmetic builds of the kernels (src-shared/model/wasm/loader.ts, Arithmetic) use
 * relaxed SIMD's fused multiply-add. V8 ships relaxed SIMD from 11.4 (Chromium, Electron, Node ≥ 22);
 * Node 20's V8 11.3 compiles it only behind --experimental-wasm-relaxed-simd. Every Node entry
 * point (the model worker, the web server, the CLI, the bench, the test setup) calls
 * enableWasmFeatures() before its first kernel: V8's flags are per process, so every thread of the
 * process then gets the same arithmetic, and a run gives the same bits in the app, in the CLI and
 * on a cluster node.
 *
 * GAINLAB_ARITHMETIC=separate keeps the separate multiply and add everywhere (the bits of the
 * TypeScript kernels and of GainLab before the fused builds); any other value is refused.
 *
 * It also turns off V8's baseline WebAssembly compiler, Liftoff, for the whole process: the
 * modules compile straight to optimised code (TurboFan). On Node 20 (V8 11.3), threaded trials
 * that ran on Liftoff code sometimes gave wrong numbers, although every chunk was claimed exactly
 * once and at the right stage. The same trials on TurboFan code never did. Measured on the 2-core
 * EPYC, in trials of the published network on two threads, compared bit for bit with one thread:
 *  - Liftoff only (node --liftoff-only): 2–8 wrong in 600;
 *  - TurboFan only: 0 in 3 600, and 0 in 1 800 with three busy processes beside them;
 *  - a fresh process by default: its first few trials run on Liftoff until V8 tiers the code up.
 *    Under load, 2 of 30 fresh processes had a wrong first threaded trial. That is what failed
 *    CI once, in tests/model/kernels.test.ts.
 * The one-thread kernels gave the right bits on Liftoff too. Without Liftoff a module's first trial
 * pays for its compilation instead (25 against 11 ms for the first trial of 200 samples, then
 * 3.8 ms each). By the fifth trial the total is the same. tests/model/liftoff.test.ts runs the
 * threaded kernels in a child process started with --liftoff-only and checks their bits.
 */
import { setFlagsFromString } from 'node:v8';
import { defaultArithmetic, relaxedSimd, setDefaultArithmetic, type Arithmetic } from '../../src-shared/model/kernels/index.js';

export const ARITHMETIC_ENV = 'GAINLAB_ARITHMETIC';

/** Turn on relaxed SIMD if needed (and allowed by GAINLAB_ARITHMETIC); returns the arithmetic kernels get now. */
export function enableWasmFeatures(env: Record<string, string | undefined> = process.env): Arithmetic {
  const requested = env[ARITHMETIC_ENV];
  if (requested !== undefined && requested !== '' && requested !== 'fused' && requested !== 'separate') {
    throw new RangeError(`${ARITHMETIC_ENV} must be 'fused' or 'separate', got '${requested}'`);
  }
  // before any module compiles, whatever the arithmetic. --liftoff-only (a V8 testing flag)
  // implies --liftoff, so it is turned off first; otherwise it would keep the baseline code.
  setFlagsFromString('--no-liftoff-only');
  setFlagsFromString('--no-liftoff');
  if (requested === 'separate') {
    setDefaultArithmetic('separate');
    return defaultArithmetic();
  }
  // V8 reads its wasm feature flags when it compiles a module, so a flag set now applies to every
  // module compiled from here on, on every thread of the process
  if (!relaxedSimd().supported) setFlagsFromString('--experimental-wasm-relaxed-simd');
  return defaultArithmetic();
}
