/**
 * The browser's helper threads for the threaded kernels (src-shared/model/kernels/threads.ts): the
 * renderer counterpart of src-main/worker/kernelThread.ts. A small pool of nested dedicated Web
 * Workers, started by the speed worker, each running HELPER_THREAD_BODY for one kernel at a time,
 * so a slider frame's batched simulation uses every core.
 *
 * The helpers are blob: workers made from HELPER_THREAD_BODY (the CSP allows worker-src blob:,
 * and a blob: worker inherits the page's CSP and COEP), so there is no file to bundle or locate.
 * They need shared WebAssembly memory, hence a cross-origin isolated page (COOP + COEP, see
 * src-main/electron/security.ts securityHeaders); browserKernelThreadsUnavailable() says why not.
 *
 * Whether a helper is free is kept in a shared flag, not a message, as in the Node host: a kernel
 * created inside a synchronous computation (the speed worker never yields during a frame) finds
 * the helpers an earlier kernel gave back. The kernel never waits for a helper to join (it works
 * alone until one does), and the pool is started and pinged before the first kernel, so the
 * first frames already find their helpers running.
 */
import { HELPER_THREAD_BODY, type KernelHelperStart, type KernelThreads } from '../../src-shared/model/kernels/threads.js';

const HELPER_SOURCE = `
self.onmessage = (event) => {
  if (event.data === 'ping') {
    self.postMessage('ready');
    return;
  }
  const { data, busy } = event.data;
  const done = () => Atomics.store(busy, 0, 0);
  try {
${HELPER_THREAD_BODY}
  } catch (error) {
    done();
    throw error;
  }
};
`;

export interface BrowserKernelThreads extends KernelThreads {
  /** Helper workers started so far (each serves one kernel at a time). */
  readonly started: number;
  /** Resolves with the helpers that answered a ping (all of them, or fewer after timeoutMs). */
  ready(timeoutMs?: number): Promise<number>;
  /** Stop every helper (kernels still attached then run on their own thread only). */
  close(): void;
}

export interface BrowserKernelThreadsOptions {
  /** Helper threads per kernel (default hardwareConcurrency − 1). */
  helpers?: number;
  /**
   * Most helper workers alive at once (default 4 × helpers + 4): kernels not yet disposed hold
   * theirs, and a kernel that finds none free runs with fewer helpers instead.
   */
  maxWorkers?: number;
}

/** The cores of this machine as the browser reports them (1 when it does not). */
export function browserCores(): number {
  const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return typeof cores === 'number' && Number.isFinite(cores) && cores >= 1 ? Math.floor(cores) : 1;
}

/**
 * Why helper threads cannot run here (null: they can, as far as the page is concerned; the caller
 * still checks that the threads build of the kernels compiles: sharedDynamicsAvailable()).
 */
export function browserKernelThreadsUnavailable(): string | null {
  const scope = globalThis as { crossOriginIsolated?: boolean; Worker?: unknown; SharedArrayBuffer?: unknown };
  if (scope.crossOriginIsolated !== true) return 'the page is not cross-origin isolated (COOP/COEP headers missing)';
  if (typeof scope.SharedArrayBuffer !== 'function') return 'SharedArrayBuffer is not available';
  if (typeof scope.Worker !== 'function') return 'this worker cannot start workers';
  if (browserCores() < 2) return 'one core';
  return null;
}

export function createBrowserKernelThreads(options: BrowserKernelThreadsOptions = {}): BrowserKernelThreads {
  const helpers = Math.max(0, Math.floor(options.helpers ?? browserCores() - 1));
  const maxWorkers = Math.max(helpers, Math.floor(options.maxWorkers ?? 4 * helpers + 4));
  const source = URL.createObjectURL(new Blob([HELPER_SOURCE], { type: 'text/javascript' }));
  const pool: Array<{ worker: Worker; busy: Int32Array; ready: Promise<boolean> }> = [];
  let closed = false;

  function drop(entry: (typeof pool)[number]): void {
    const index = pool.indexOf(entry);
    if (index >= 0) pool.splice(index, 1);
    entry.worker.terminate();
  }

  function spawn(): (typeof pool)[number] {
    const worker = new Worker(source, { name: 'kernel-helper' });
    let answered: (ok: boolean) => void = () => {};
    const entry = { worker, busy: new Int32Array(new SharedArrayBuffer(4)), ready: new Promise<boolean>((resolve) => (answered = resolve)) };
    worker.onmessage = (event) => {
      if (event.data === 'ready') answered(true);
    };
    // a helper that failed is dropped (a failure inside WebAssembly means a kernel bug, caught by
    // tests; the kernel's trials then finish on the remaining threads)
    worker.onerror = (event) => {
      event.preventDefault();
      answered(false);
      drop(entry);
    };
    worker.postMessage('ping');
    pool.push(entry);
    return entry;
  }

  // start the helpers one kernel needs now: a worker starts asynchronously, and the speed worker
  // computes its frames without yielding
  for (let h = 0; h < helpers; h++) spawn();

  return {
    helpers,
    get started() {
      return pool.length;
    },
    async ready(timeoutMs = 5000): Promise<number> {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
      const answers = await Promise.all(pool.slice(0, helpers).map((entry) => Promise.race([entry.ready, timeout])));
      clearTimeout(timer);
      return answers.filter(Boolean).length;
    },
    attach(start: KernelHelperStart): void {
      if (closed) return;
      let entry = pool.find((candidate) => Atomics.load(candidate.busy, 0) === 0);
      if (!entry) {
        if (pool.length >= maxWorkers) return;
        entry = spawn();
      }
      Atomics.store(entry.busy, 0, 1);
      entry.worker.postMessage({ data: start, busy: entry.busy });
    },
    close(): void {
      closed = true;
      for (const entry of pool.splice(0)) entry.worker.terminate();
      URL.revokeObjectURL(source);
    },
  };
}
