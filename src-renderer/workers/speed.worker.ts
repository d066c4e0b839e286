/**
 * Web Worker of the speed view: the live slider and the heavier speed computations off the UI
 * thread (speedCompute.ts). The WebAssembly kernels are compiled asynchronously first (browsers
 * refuse synchronous compilation of large modules; the CSP allows it with 'wasm-unsafe-eval');
 * without WebAssembly everything runs on the TypeScript kernels.
 *
 * Requests { id, kind, ... } → replies { id, kind: 'done', result } | { id, kind: 'error', message }.
 *   init      { model, setup }   → { wasm, ms }              (builds the slider session)
 *   frame     { lambda, exact }  → SliderFrame              (outputs transferred)
 *   outputs   { model }          → SpeedOutputs
 *   stretch   { model, alongManifold, points } → stretch factor against λ
 *   analysis  { model, options } → SpeedAnalysis
 */
import { dynamicsWasmAvailable, preloadDynamicsWasm } from '../../src-shared/model/wasm/loader.js';
import { SliderSession, speedAnalysis, speedOutputs, stretchCurve, type SliderSetup, type SpeedModel } from './speedCompute.js';

type Request =
  | { id: number; kind: 'init'; model: SpeedModel; setup: SliderSetup }
  | { id: number; kind: 'frame'; lambda: number; exact?: boolean }
  | { id: number; kind: 'outputs'; model: SpeedModel }
  | { id: number; kind: 'stretch'; model: SpeedModel; alongManifold: boolean; points?: number }
  | { id: number; kind: 'analysis'; model: SpeedModel; options?: Parameters<typeof speedAnalysis>[1] };

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<Request>) => void) | null;
  postMessage(message: unknown, transfer?: Transferable[]): void;
};

let wasmReady: Promise<boolean> | null = null;
let session: SliderSession | null = null;
const now = () => performance.now();

function ensureWasm(): Promise<boolean> {
  wasmReady ??= preloadDynamicsWasm().catch(() => false);
  return wasmReady;
}

async function handle(request: Request): Promise<{ result: unknown; transfer?: Transferable[] }> {
  const wasm = await ensureWasm();
  switch (request.kind) {
    case 'init': {
      const started = now();
      session = null;
      session = new SliderSession(request.model, { ...request.setup, previewKernel: wasm && dynamicsWasmAvailable() ? 'wasm-batch-f32' : 'auto' }, now);
      // the first frame compiles the kernels' buffers: do it here, not on the first drag
      session.frame(0);
      return { result: { wasm: wasm && dynamicsWasmAvailable(), ms: now() - started } };
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
