/**
 * Promise wrapper around one speed Web Worker (speed.worker.ts): requests by id, replies resolve
 * or reject them. A worker that dies rejects everything pending and is started again on the
 * next request.
 */
type Reply = { id: number; kind: 'done'; result: unknown } | { id: number; kind: 'error'; message: string };

/** The browser's Worker as far as this client needs it (the speed store is also type-checked and unit-tested under Node). */
interface SpeedWorker {
  onmessage: ((event: { data: Reply }) => void) | null;
  onerror: ((event: { message?: string; preventDefault?(): void }) => void) | null;
  postMessage(message: unknown, transfer: unknown[]): void;
  terminate(): void;
}
declare const Worker: new (url: URL, options: { type: 'module' }) => SpeedWorker;

export class SpeedWorkerClient {
  private worker: SpeedWorker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();

  private ensure(): SpeedWorker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./speed.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event) => {
      const reply = event.data;
      const entry = this.pending.get(reply.id);
      if (!entry) return;
      this.pending.delete(reply.id);
      if (reply.kind === 'done') entry.resolve(reply.result);
      else entry.reject(new Error(reply.message));
    };
    worker.onerror = (event) => {
      event.preventDefault?.();
      const error = new Error(event.message || 'the speed worker failed');
      for (const entry of this.pending.values()) entry.reject(error);
      this.pending.clear();
      worker.terminate();
      if (this.worker === worker) this.worker = null;
    };
    this.worker = worker;
    return worker;
  }

  request<T>(message: Record<string, unknown>, transfer: unknown[] = []): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.ensure().postMessage({ ...message, id }, transfer);
    });
  }

  terminate(): void {
    this.worker?.terminate();
    this.worker = null;
    for (const entry of this.pending.values()) entry.reject(new Error('stopped'));
    this.pending.clear();
  }
}
