/**
 * The renderer's linear algebra off the UI thread (linalg.worker.ts): eigenvalues and the
 * spectral abscissa of a weight matrix, cached per matrix (a replaced network arrives with a new
 * W, never a stale answer). The matrix is copied to the worker; the caller keeps its own.
 * α is the largest real part of the same eigenvalues (one real Schur form for both): the
 * inspector's spectrum and the summary's α of one network cost one O(N³) decomposition and one
 * copy of W, not two (N = 1000: α arrived 7 s after the spectrum, and each 8 MB copy is a long
 * task on the page).
 */
import { maxReal } from '../../src-shared/linalg/schur.js';

type Reply = { id: number; kind: 'done'; result: unknown } | { id: number; kind: 'error'; message: string };

/**
 * The worker as this client uses it, declared here so the client type-checks without the DOM's
 * types too (tests/renderer/linalgClient.test.ts runs it under Node with a stand-in worker).
 */
interface LinalgWorker {
  onmessage: ((event: { data: Reply }) => void) | null;
  onerror: ((event: { message?: string; preventDefault?(): void }) => void) | null;
  postMessage(message: unknown): void;
  terminate(): void;
}
declare const Worker: new (url: URL, options: { type: 'module' }) => LinalgWorker;

let worker: LinalgWorker | null = null;
let nextId = 1;
const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
const spectra = new WeakMap<Float64Array, Promise<{ re: Float64Array; im: Float64Array }>>();

function ensure(): LinalgWorker {
  if (worker) return worker;
  const created = new Worker(new URL('./linalg.worker.ts', import.meta.url), { type: 'module' });
  created.onmessage = (event) => {
    const entry = pending.get(event.data.id);
    if (!entry) return;
    pending.delete(event.data.id);
    if (event.data.kind === 'done') entry.resolve(event.data.result);
    else entry.reject(new Error(event.data.message));
  };
  created.onerror = (event) => {
    event.preventDefault?.();
    for (const entry of pending.values()) entry.reject(new Error(event.message || 'the linear-algebra worker failed'));
    pending.clear();
    created.terminate();
    if (worker === created) worker = null;
  };
  worker = created;
  return created;
}

function request<T>(kind: 'eigenvalues', W: Float64Array, n: number): Promise<T> {
  const id = nextId++;
  return new Promise<T>((resolve, reject) => {
    pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
    ensure().postMessage({ id, kind, W, n });
  });
}

/** Eigenvalues of W (n × n, row-major), computed in the worker. */
export function eigenvaluesOff(W: Float64Array, n: number): Promise<{ re: Float64Array; im: Float64Array }> {
  let result = spectra.get(W);
  if (!result) {
    result = request<{ re: Float64Array; im: Float64Array }>('eigenvalues', W, n);
    spectra.set(W, result);
    result.catch(() => spectra.delete(W));
  }
  return result;
}

/** α = max Re λ(W), from the eigenvalues computed in the worker (shared with eigenvaluesOff). */
export async function spectralAbscissaOff(W: Float64Array, n: number): Promise<number> {
  return maxReal((await eigenvaluesOff(W, n)).re, n);
}
