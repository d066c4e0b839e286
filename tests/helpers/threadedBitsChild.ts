// A child process for tests/model/liftoff.test.ts: threaded trials against the one-thread bits in
// a process whose V8 flags the test chooses (node --liftoff-only …). Prints one JSON line:
// { trials, wrong, arithmetic } — trials run on two threads, and how many differed in any bit.
import { enableWasmFeatures } from '../../src-main/worker/wasmFeatures.js';
import { createNodeKernelThreads } from '../../src-main/worker/kernelThread.js';
import { createKernel } from '../../src-shared/model/kernels/index.js';
import type { IColumns } from '../../src-shared/model/kernels/wasmKernel.js';
import { DEFAULT_DYNAMICS } from '../../src-shared/model/params.js';
import { randomNetwork } from './randomNetwork.js';

const arithmetic = enableWasmFeatures();
const rounds = Number(process.argv[2] ?? 100);
const threads = createNodeKernelThreads({ helpers: 1 });
// n = 200, dense enough for the dense I columns; a trial of 80 samples (317 stages)
const network = randomNetwork(200, 100, 2018, 1, true);
const params = { ...DEFAULT_DYNAMICS, nSamples: 80 };
const gains = Float64Array.from({ length: network.n }, (_, i) => 0.7 + 0.03 * (i % 17));
const expected = new Float64Array(params.nSamples * network.n);
createKernel('wasm-pairs', network, params, { threads: null, iColumns: 'lists' }).run(gains, network.x0, null, expected);

let trials = 0;
let wrong = 0;
const states = new Float64Array(expected.length);
for (let round = 0; round < rounds; round++) {
  // new kernels each round: helpers join while the first trials run, as in the app
  for (const iColumns of ['lists', 'dense'] as IColumns[]) {
    const kernel = createKernel('wasm-threads', network, params, { threads, iColumns });
    if (kernel.schedule) kernel.schedule.force = 'team';
    for (let t = 0; t < 3; t++) {
      kernel.run(gains, network.x0, null, states);
      trials++;
      if (!Buffer.from(states.buffer).equals(Buffer.from(expected.buffer))) wrong++;
    }
    kernel.dispose?.();
  }
}
console.log(JSON.stringify({ trials, wrong, arithmetic }));
await threads.close();
