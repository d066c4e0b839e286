/**
 * Web Worker of the speed view: the live slider and the heavier speed computations off the UI
 * thread (speedCompute.ts). The WebAssembly kernels are compiled asynchronously first (browsers
 * refuse synchronous compilation of large modules; the CSP allows it with 'wasm-unsafe-eval');
 * without WebAssembly everything runs on the TypeScript kernels.
 *
 * Every core: when the page is cross-origin isolated and the threads build of the kernels runs
 * here, the worker starts hardwareConcurrency − 1 helper workers (kernelThreads.ts) and makes them
 * the kernels' default helper threads, so a slider frame's float64 batch splits its sessions (or rows) among
 * every core (same bits as one thread). Otherwise it runs on one thread, and says why in `threads`.
 *
 * Requests { id, kind, ... } → replies { id, kind: 'done', result } | { id, kind: 'error', message }.
 *   init      { model, setup, oneThread? } → SliderReady   (builds the slider session; oneThread:
 *                                                           no helper threads for this session;
 *                                                           setup.previewKernel: the worker's choice
 *                                                           when absent)
 *   frame     { lambda, exact }  → SliderFrame              (outputs transferred)
 *   outputs   { model }          → SpeedOutputs
 *   stretch   { model, alongManifold, points } → stretch factor against λ
 *   analysis  { model, options } → SpeedAnalysis
 */
import { BATCH_THREADS_MIN_WORK } from '../../src-shared/model/batchSimulator.js';
import { setDefaultKernelThreads } from '../../src-shared/model/kernels/threads.js';
import { dynamicsWasmAvailable, preloadDynamicsWasm, preloadSharedDynamicsWasm, sharedDynamicsAvailable } from '../../src-shared/model/wasm/loader.js';
import { browserKernelThreadsUnavailable, createBrowserKernelThreads, type BrowserKernelThreads } from './kernelThreads.js';
import { SliderSession, speedAnalysis, speedOutputs, stretchCurve, type SliderReady, type SliderSetup, type SpeedKernels, type SpeedModel } from './speedCompute.js';

type Request =
  | { id: number; kind: 'init'; model: SpeedModel; setup: SliderSetup; oneThread?: boolean }
  | { id: number; kind: 'frame'; lambda: number; exact?: boolean }
  | { id: number; kind: 'outputs'; model: SpeedModel }
  | { id: number; kind: 'stretch'; model: SpeedModel; alongManifold: boolean; points?: number }
  | { id: number; kind: 'analysis'; model: SpeedModel; options?: Parameters<typeof speedAnalysis>[1] };

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<Request>) => void) | null;
  postMessage(message: unknown, transfer?: Transferable[]): void;
};

let kernelsReady: Promise<SpeedKernels> | null = null;
let threads: BrowserKernelThreads | null = null;
let session: SliderSession | null = null;
const now = () => performance.now();

async function startKernels(): Promise<SpeedKernels> {
  const wasm = (await preloadDynamicsWasm().catch(() => false)) && dynamicsWasmAvailable();
  if (!wasm) return { wasm, helpers: 0, reason: 'WebAssembly is not available' };
  const unavailable = browserKernelThreadsUnavailable();
  if (unavailable) return { wasm, helpers: 0, reason: unavailable };
  // compiled asynchronously here, so sharedDynamicsAvailable() finds it compiled
  if (!(await preloadSharedDynamicsWasm().catch(() => false)) || !sharedDynamicsAvailable()) {
    return { wasm, helpers: 0, reason: 'the threads build of the kernels does not run here' };
  }
  const started = createBrowserKernelThreads();
  const ready = await started.ready();
  if (ready === 0) {
    started.close();
    return { wasm, helpers: 0, reason: 'the helper workers did not start' };
  }
  threads = started;
  setDefaultKernelThreads(started);
  return { wasm, helpers: started.helpers, reason: null };
}

function ensureKernels(): Promise<SpeedKernels> {
  kernelsReady ??= startKernels().catch((error: unknown) => ({ wasm: false, helpers: 0, reason: error instanceof Error ? error.message : String(error) }));
  return kernelsReady;
}

/**
 * The drag preview's kernel: with helper threads the float64 batch on every core ('auto': the same
 * bits as one thread, and faster than the float32 batch on one thread: bench
 * speed.slider_ratio.n400.preview.f64_threads = 0.79 on a quiet 2-core EPYC, 40 against 50 ms per
 * update; in Chromium 44 against 47 ms), else the float32 batch ('wasm-batch-f32', ~1.3× faster
 * than float64 on one thread) — also for a model too small for the batch to take helpers. On a
 * machine whose other cores are busy the schedule keeps the float64 preview on one thread (~65 ms
 * there).
 */
function previewKernelFor(kernels: SpeedKernels, helpers: number, model: SpeedModel): NonNullable<SliderSetup['previewKernel']> {
  if (!kernels.wasm) return 'auto';
  return helpers > 0 && model.n * model.m >= BATCH_THREADS_MIN_WORK ? 'auto' : 'wasm-batch-f32';
}

async function handle(request: Request): Promise<{ result: unknown; transfer?: Transferable[] }> {
  const kernels = await ensureKernels();
  switch (request.kind) {
    case 'init': {
      const started = now();
      session?.dispose();
      session = null;
      const sessionThreads = request.oneThread ? null : threads;
      const sessionHelpers = sessionThreads?.helpers ?? 0;
      const previewKernel = request.setup.previewKernel ?? previewKernelFor(kernels, sessionHelpers, request.model);
      session = new SliderSession(request.model, { ...request.setup, previewKernel }, now, sessionThreads);
      // the first frame compiles the kernels' buffers: do it here, not on the first drag; the exact
      // run is built too, so its helper threads are up by the first release
      session.slider.prepare();
      session.frame(0);
      const ready: SliderReady = { ...kernels, ms: now() - started, previewKernel, sessionHelpers };
      return { result: ready };
    }
    case 'frame': {
      if (!session) throw new Error('the slider is not ready');
      const frame = session.frame(request.lambda, request.exact ?? false);
      return { result: frame, transfer: [frame.outputs.buffer] };
    }
    case 'outputs':
      return { result: speedOutputs(request.model) };
    case 'stretch':
      return { result: stretchCurve(request.model, request.alongManifold, request.points) };
    case 'analysis':
      return { result: speedAnalysis(request.model, request.options) };
  }
}

// one request at a time, in order (the renderer sends slider frames one by one: latestOnly.ts)
let queue: Promise<void> = Promise.resolve();
scope.onmessage = (event) => {
  const request = event.data;
  queue = queue.then(async () => {
    try {
      const { result, transfer } = await handle(request);
      scope.postMessage({ id: request.id, kind: 'done', result }, transfer ?? []);
    } catch (error) {
      scope.postMessage({ id: request.id, kind: 'error', message: error instanceof Error ? error.message : String(error) });
    }
  });
};
