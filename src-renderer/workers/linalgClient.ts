/**
 * The renderer's linear algebra off the UI thread (linalg.worker.ts): eigenvalues and the
 * spectral abscissa of a weight matrix, cached per matrix (a replaced network arrives with a new
 * W, never a stale answer). The matrix is copied to the worker; the caller keeps its own.
 */
type Reply = { id: number; kind: 'done'; result: unknown } | { id: number; kind: 'error'; message: string };

let worker: Worker | null = null;
let nextId = 1;
const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
const spectra = new WeakMap<Float64Array, Promise<{ re: Float64Array; im: Float64Array }>>();
const abscissas = new WeakMap<Float64Array, Promise<number>>();

function ensure(): Worker {
  if (worker) return worker;
  const created = new Worker(new URL('./linalg.worker.ts', import.meta.url), { type: 'module' });
  created.onmessage = (event: MessageEvent<Reply>) => {
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

function request<T>(kind: 'eigenvalues' | 'abscissa', W: Float64Array, n: number): Promise<T> {
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

/** α = max Re λ(W), computed in the worker. */
export function spectralAbscissaOff(W: Float64Array, n: number): Promise<number> {
  let result = abscissas.get(W);
  if (!result) {
    result = request<number>('abscissa', W, n);
    abscissas.set(W, result);
    result.catch(() => abscissas.delete(W));
  }
  return result;
}
