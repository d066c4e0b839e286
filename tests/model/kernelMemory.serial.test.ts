// Many threaded kernels, one after another, in one process (a sweep, an experiment, a long
// session): the memory of the disposed ones is given back. Each kernel's shared WebAssembly memory
// is held by every thread that used it, and neither V8's heap accounting nor an idle helper
// thread would ever collect it (src-main/worker/kernelThread.ts DRIVER_COLLECT_BYTES,
// src-shared/model/kernels/threads.ts HELPER_MAX_KERNELS). Without either, the process grew by
// all of their memory. Serial: it measures the process's memory.
import { afterAll, describe, expect, it } from 'vitest';
import { createNodeKernelThreads } from '../../src-main/worker/kernelThread.js';
import { createKernel } from '../../src-shared/model/kernels/index.js';
import { HELPER_MAX_KERNELS } from '../../src-shared/model/kernels/threads.js';
import { DEFAULT_DYNAMICS } from '../../src-shared/model/params.js';
import { sharedDynamicsAvailable } from '../../src-shared/model/wasm/loader.js';
import { randomNetwork } from '../helpers/randomNetwork.js';

const MB = 1048576;
// collect every 32 MB here (the app: 256 MB) so that a few seconds of kernels show it
const threads = createNodeKernelThreads({ helpers: 1, collectBytes: 32 * MB });
afterAll(() => threads.close());

describe('threaded kernels created one after another', () => {
  it('1 000 kernels with 600 MB of memory in all leave the process less than 160 MB bigger', ({ skip }) => {
    skip(!sharedDynamicsAvailable(), 'shared WebAssembly memory unavailable');
    const network = randomNetwork(200, 100, 11, 1, true);
    const params = { ...DEFAULT_DYNAMICS, nSamples: 20 };
    const gains = new Float64Array(network.n).fill(1);
    const count = 1000;
    const rssBefore = process.memoryUsage().rss;
    let peak = 0;
    let memoryBytes = 0;
    const started = performance.now();
    for (let k = 0; k < count; k++) {
      const kernel = createKernel('wasm-threads', network, params, { threads, iColumns: 'lists' }) as ReturnType<typeof createKernel> & { wasm: { memory: { buffer: ArrayBufferLike } } };
      memoryBytes += kernel.wasm.memory.buffer.byteLength;
      kernel.run(gains, network.x0, null, null);
      kernel.dispose?.();
      if (k % 10 === 0) peak = Math.max(peak, process.memoryUsage().rss - rssBefore);
    }
    peak = Math.max(peak, process.memoryUsage().rss - rssBefore);
    console.log(
      `[kernel memory] ${count} kernels (${(memoryBytes / MB).toFixed(0)} MB of memory in all) in ${(performance.now() - started).toFixed(0)} ms: ` +
        `process peak +${(peak / MB).toFixed(0)} MB; helpers replaced ${threads.retired}, alive ${threads.started}; full collections ${threads.collections}`,
    );
    expect(memoryBytes).toBeGreaterThan(560 * MB);
    expect(peak).toBeLessThan(160 * MB);
    expect(threads.collections).toBeGreaterThanOrEqual(16);
    expect(threads.retired).toBeGreaterThanOrEqual(Math.floor(count / HELPER_MAX_KERNELS) - 2);
  });
});
