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
import { HELPER_START_HANDLER, HelperPool, helperMemoryBytes, type HelperEntry, type KernelHelperStart, type KernelThreads } from '../../src-shared/model/kernels/threads.js';

const HELPER_SOURCE = `
self.onmessage = (event) => {
  if (event.data === 'ping') {
    self.postMessage('ready');
    return;
  }
  const { data, busy } = event.data;
${HELPER_START_HANDLER}
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
  if (browserCores() < 2) return 'the browser reports a single core';
  return null;
}

export function createBrowserKernelThreads(options: BrowserKernelThreadsOptions = {}): BrowserKernelThreads {
  const helpers = Math.max(0, Math.floor(options.helpers ?? browserCores() - 1));
  const maxWorkers = Math.max(helpers, Math.floor(options.maxWorkers ?? 4 * helpers + 4));
  const source = URL.createObjectURL(new Blob([HELPER_SOURCE], { type: 'text/javascript' }));
  // each worker answers a ping once it runs
  const answers = new Map<HelperEntry<Worker>, Promise<boolean>>();
  const pool = new HelperPool<Worker>(maxWorkers, (entry) => {
    const worker = new Worker(source, { name: 'kernel-helper' });
    let answered: (ok: boolean) => void = () => {};
    answers.set(entry, new Promise<boolean>((resolve) => (answered = resolve)));
    worker.onmessage = (event) => {
      if (event.data === 'ready') answered(true);
    };
    // a helper that failed is dropped (a failure inside WebAssembly means a kernel bug, caught by
    // tests; the kernel's trials then finish on the remaining threads)
    worker.onerror = (event) => {
      event.preventDefault();
      answered(false);
      pool.drop(entry);
      answers.delete(entry);
      worker.terminate();
    };
    worker.postMessage('ping');
    return worker;
  }, (entry) => {
    answers.delete(entry);
    entry.worker.terminate();
  });
  // start the helpers one kernel needs now: a worker starts asynchronously, and the speed worker
  // computes its frames without yielding
  const first = Array.from({ length: helpers }, () => pool.spawn());

  return {
    helpers,
    get started() {
      return pool.size;
    },
    async ready(timeoutMs = 5000): Promise<number> {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
      const ready = await Promise.all(first.map((entry) => Promise.race([answers.get(entry) ?? false, timeout])));
      clearTimeout(timer);
      return ready.filter(Boolean).length;
    },
    attach(start: KernelHelperStart): void {
      const entry = pool.take(helperMemoryBytes(start));
      entry?.worker.postMessage({ data: start, busy: entry.busy });
    },
    close(): void {
      for (const worker of pool.close()) worker.terminate();
      answers.clear();
      URL.revokeObjectURL(source);
    },
  };
}
