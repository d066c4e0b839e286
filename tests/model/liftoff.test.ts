/**
 * Threaded trials never run on V8's baseline WebAssembly code (src-main/worker/wasmFeatures.ts):
 * on Node 20 (V8 11.3), trials on two threads computed by Liftoff code sometimes gave wrong
 * numbers (1–13 of 600 in a child started with --liftoff-only, before enableWasmFeatures turned
 * Liftoff off; the one-thread kernels were right). The child here is started with --liftoff-only,
 * so its modules would be Liftoff code throughout unless enableWasmFeatures turns it off; every
 * threaded trial, on new kernels whose helpers join while they run, must give the one-thread bits.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedDynamicsAvailable } from '../../src-shared/model/wasm/loader.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');

describe('threaded kernels and V8 baseline code', () => {
  it('900 trials on two threads in a process started with --liftoff-only give the one-thread bits', ({ skip }) => {
    skip(!sharedDynamicsAvailable(), 'shared WebAssembly memory unavailable');
    const child = spawnSync(process.execPath, ['--liftoff-only', '--import', 'tsx', path.join(repoRoot, 'tests/helpers/threadedBitsChild.ts'), '150'], {
      cwd: repoRoot, // where tsx resolves
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(child.status, child.stderr).toBe(0);
    const result = JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}') as { trials: number; wrong: number };
    expect(result).toMatchObject({ trials: 900, wrong: 0 });
  });
});
