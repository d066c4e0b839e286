/**
 * The kernels' arithmetic (src-shared/model/wasm/loader.ts): the relaxed-SIMD probe against an
 * analytic case, GAINLAB_ARITHMETIC (src-main/worker/wasmFeatures.ts), and the CLI as a child
 * process giving the same bits as the same trial in this process, for either arithmetic. (That
 * every fast kernel of one arithmetic gives the same bits, and each is within 1e-12 of the
 * reference, is in kernels.test.ts, batch.test.ts and kernelsThreaded.test.ts.)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseNpy } from '../../src-shared/formats/npy.js';
import { TrialEvaluator } from '../../src-shared/model/dynamics.js';
import { DEFAULT_DYNAMICS } from '../../src-shared/model/params.js';
import { defaultArithmetic, relaxedSimd, setDefaultArithmetic, type Arithmetic } from '../../src-shared/model/wasm/loader.js';
import { ARITHMETIC_ENV, enableWasmFeatures } from '../../src-main/worker/wasmFeatures.js';
import { sameBits } from '../helpers/expectClose.js';
import { hasReference, loadReferenceArray, publishedNetwork, referenceDir, referenceSkipReason } from '../helpers/reference.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');

describe('relaxed SIMD and the default arithmetic', () => {
  it('is on in every Node process of GainLab (here: the test setup), and the probe says whether madd fuses', () => {
    expect(relaxedSimd().supported).toBe(true);
    expect(defaultArithmetic()).toBe('fused');
    // a Linux x86-64 CPU that lists FMA3 must really fuse: (1 + 2^-30)² − (1 + 2^-29) = 2^-60 exactly
    const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
    if (process.arch === 'x64' && /^flags\s*:.*\bfma\b/m.test(cpuinfo)) expect(relaxedSimd().fusedHere).toBe(true);
  });

  it(`${ARITHMETIC_ENV}=separate keeps the separate builds; other values are refused with the name`, () => {
    try {
      expect(enableWasmFeatures({ [ARITHMETIC_ENV]: 'separate' })).toBe('separate');
      expect(defaultArithmetic()).toBe('separate');
      expect(new TrialEvaluator(tinyNetwork(), { ...DEFAULT_DYNAMICS, nSamples: 5 }, new Float64Array(5), { kernel: 'wasm-pairs' }).kernelName).toBe('wasm-pairs');
    } finally {
      setDefaultArithmetic(null);
    }
    expect(defaultArithmetic()).toBe('fused');
    expect(() => enableWasmFeatures({ [ARITHMETIC_ENV]: 'fast' })).toThrow(`${ARITHMETIC_ENV} must be 'fused' or 'separate', got 'fast'`);
    expect(enableWasmFeatures({ [ARITHMETIC_ENV]: 'fused' })).toBe('fused');
    expect(enableWasmFeatures({})).toBe('fused');
  });
});

function tinyNetwork() {
  return { n: 2, nE: 1, W: new Float64Array([0, -0.5, 0.4, 0]), x0: new Float64Array([1, -1]), readout: { channels: 1, weights: new Float64Array([0, 1]) } };
}

describe('the CLI as a child process', () => {
  const scratch = mkdtempSync(path.join(tmpdir(), 'gainlab-arithmetic-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  function cli(env: Record<string, string>, args: string[]) {
    return spawnSync(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'src-cli/gainlab.ts'), ...args], {
      cwd: repoRoot, // where tsx resolves; every path given is absolute
      encoding: 'utf8',
      env: { ...process.env, ...env },
      timeout: 120_000,
    });
  }

  it('refuses a bad GAINLAB_ARITHMETIC with one line and exit code 2', () => {
    const r = cli({ [ARITHMETIC_ENV]: 'approximate' }, ['inspect', '--net', 'nowhere']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([`gainlab: ${ARITHMETIC_ENV} must be 'fused' or 'separate', got 'approximate'`]);
  });

  it('simulates the published network with the bits of the same trial here, fused by default and separate when asked', ({ skip }) => {
    skip(!hasReference, referenceSkipReason);
    const network = publishedNetwork();
    const target = loadReferenceArray('novel_target').data;
    const outputs: Partial<Record<Arithmetic, Float64Array>> = {};
    for (const arithmetic of ['fused', 'separate'] as const) {
      const out = path.join(scratch, `sim-${arithmetic}`);
      const r = cli(arithmetic === 'separate' ? { [ARITHMETIC_ENV]: 'separate' } : {}, ['simulate', '--net', referenceDir, '--target', path.join(referenceDir, 'novel_target.npy'), '--out', out]);
      expect(r.status, r.stderr).toBe(0);
      const written = parseNpy(new Uint8Array(readFileSync(path.join(out, 'output.npy')))).data;
      const here = new TrialEvaluator(network, DEFAULT_DYNAMICS, target, { arithmetic, threads: null });
      here.error(new Float64Array(200).fill(1));
      expect(sameBits(written, here.output), arithmetic).toBe(true);
      outputs[arithmetic] = written;
    }
    // the two arithmetics differ in the last bits where the CPU fuses (not a vacuous comparison)
    if (relaxedSimd().fusedHere) expect(sameBits(outputs.fused!, outputs.separate!)).toBe(false);
  });
});
