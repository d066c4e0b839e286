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
  if (requested === 'separate') {
    setDefaultArithmetic('separate');
    return defaultArithmetic();
  }
  // V8 reads its wasm feature flags when it compiles a module, so a flag set now applies to every
  // module compiled from here on, on every thread of the process
  if (!relaxedSimd().supported) setFlagsFromString('--experimental-wasm-relaxed-simd');
  return defaultArithmetic();
}
