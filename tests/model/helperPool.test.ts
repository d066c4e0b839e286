// HelperPool (src-shared/model/kernels/threads.ts): helper workers are reused until they have served
// their share of kernels (or bytes of kernel memory), then stopped and replaced, so that an idle
// helper cannot keep every memory it ever served alive.
import { describe, expect, it } from 'vitest';
import { createSharedMemory } from '../../src-shared/model/wasm/loader.js';
import { HELPER_MAX_BYTES, HELPER_MAX_KERNELS, HelperPool, helperMemoryBytes, type HelperEntry } from '../../src-shared/model/kernels/threads.js';

interface FakeWorker {
  id: number;
  stopped: boolean;
}

function fakePool(maxWorkers = 8) {
  let next = 0;
  const stopped: number[] = [];
  const pool = new HelperPool<FakeWorker>(
    maxWorkers,
    () => ({ id: next++, stopped: false }),
    (entry) => {
      entry.worker.stopped = true;
      stopped.push(entry.worker.id);
    },
  );
  // a kernel's helper leaves: its flag is cleared by the helper thread (HELPER_START_HANDLER)
  const leave = (entry: HelperEntry<FakeWorker> | null) => Atomics.store(entry!.busy, 0, 0);
  return { pool, stopped, leave };
}

describe('HelperPool', () => {
  it('reuses a free worker for HELPER_MAX_KERNELS kernels, starts its successor at the last, and stops it at the next', () => {
    const { pool, stopped, leave } = fakePool();
    const workers: number[] = [];
    for (let k = 0; k < HELPER_MAX_KERNELS; k++) {
      const entry = pool.take(1000);
      workers.push(entry!.worker.id);
      leave(entry);
    }
    expect(workers).toEqual(Array(HELPER_MAX_KERNELS).fill(0));
    // the successor was started with the last kernel, before anyone needs it
    expect(pool.size).toBe(2);
    expect(stopped).toEqual([]);
    const next = pool.take(1000);
    expect(next!.worker.id).toBe(1);
    expect(stopped).toEqual([0]);
    expect(pool.retired).toBe(1);
    expect(pool.size).toBe(1);
  });

  it('never stops a worker that is still serving a kernel', () => {
    const { pool, stopped, leave } = fakePool();
    let entry: HelperEntry<FakeWorker> | null = null;
    for (let k = 0; k < HELPER_MAX_KERNELS; k++) {
      entry = pool.take();
      if (k < HELPER_MAX_KERNELS - 1) leave(entry);
    }
    // worker 0 is spent but busy: the next kernel gets its successor, worker 0 keeps running
    const other = pool.take();
    expect(other!.worker.id).toBe(1);
    expect(stopped).toEqual([]);
    leave(entry);
    leave(other);
    pool.take();
    expect(stopped).toEqual([0]);
  });

  it('stops a worker once the memories it served reach HELPER_MAX_BYTES, whatever their number', () => {
    const { pool, stopped, leave } = fakePool();
    leave(pool.take(HELPER_MAX_BYTES / 2));
    leave(pool.take(HELPER_MAX_BYTES / 2));
    expect(stopped).toEqual([]);
    expect(pool.take(1)!.worker.id).toBe(1);
    expect(stopped).toEqual([0]);
  });

  it('gives none when full of busy workers, and none after close', () => {
    const { pool } = fakePool(2);
    expect(pool.take()).not.toBeNull();
    expect(pool.take()).not.toBeNull();
    expect(pool.take()).toBeNull();
    expect(pool.close()).toHaveLength(2);
    expect(pool.take()).toBeNull();
  });

  it('reads the bytes of a kernel memory', () => {
    const memory = createSharedMemory(3);
    expect(helperMemoryBytes({ module: {}, memory, kernel: 0 })).toBe(3 * 65536);
    expect(helperMemoryBytes({ module: {}, memory: {}, kernel: 0 })).toBe(0);
  });
});
