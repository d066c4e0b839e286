/**
 * The real web-mode server for fault and abuse tests: the app context web mode wires
 * (createAppContext: file-backed projects in a temp config dir, the real model worker from source on
 * one thread, .gainlab files encoded on the project-I/O worker) behind startWebServer, with WebSocket clients that speak the real wire format.
 *
 *   const harness = await startHarness({ overrides: { 'app:info': async () => deep } });
 *   const client = await harness.connect();
 *   const envelope = await client.invoke('app:info', {});
 *   await harness.close();
 *
 * `overrides` replace handlers of the real table (fault injection); everything else is real.
 * Server log lines are collected in `logs` instead of printed.
 */
import { rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import WebSocket from 'ws';
import type { Envelope, InvokeChannel, RequestOf, ResponseOf } from '../../src-shared/ipc/contract.js';
import { WireReader, type WireFrame } from '../../src-shared/ipc/wire.js';
import { createWebSocketTransport, webSocketUrl, type WebSocketTransport, type WebSocketTransportOptions } from '../../src-shared/ipc/wsTransport.js';
import { createAppContext, type AppContext } from '../../src-main/services/appServices.js';
import type { HandlerTable } from '../../src-main/services/handlers.js';
import { sourceWorkerOptions } from '../../src-main/services/workerPool.js';
import { startWebServer, type RunningWebServer, type WebServerOptions } from '../../src-main/web/webServer.js';
import { tempDir } from './tempDirs.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyHandler = (request: any) => Promise<unknown>;

export interface HarnessOptions {
  /** Handlers that replace the real ones (fault injection). */
  overrides?: Partial<Record<InvokeChannel, AnyHandler>>;
  /** Encode and decode .gainlab files on the project-I/O worker thread, as web mode does (default true). */
  projectIoWorker?: boolean;
  /** Server options (limits); handlers, subscribe, rendererDir and log are the harness's. */
  server?: Omit<Partial<WebServerOptions>, 'handlers' | 'subscribe' | 'log'>;
}

export interface TestClient {
  socket: WebSocket;
  /** The shared client transport on this socket (real encoding, binary parts, timeouts). */
  transport: WebSocketTransport;
  invoke<C extends InvokeChannel>(channel: C, request: RequestOf<C>): Promise<Envelope<ResponseOf<C>>>;
  /** Send raw messages (hand-made frames); answers arrive through `result(id)`. */
  sendRaw(...messages: Array<string | Uint8Array>): void;
  /** The decoded result frame with this id (raw frames' answers), or a timeout error. */
  result(id: number, timeoutMs?: number): Promise<Envelope<unknown>>;
  /** Every decoded frame this socket received, in order. */
  frames: WireFrame[];
  /** Raw messages received: text lengths and binary byte lengths (to check what travelled how). */
  received: Array<{ kind: 'text' | 'binary'; length: number }>;
  close(): void;
}

export interface Harness {
  context: AppContext;
  server: RunningWebServer;
  handlers: HandlerTable;
  configDir: string;
  /** Log lines of the server. */
  logs: string[];
  /** Origin of the page (what a browser would send). */
  origin: string;
  connect(options?: { wire?: 1 | 2; transport?: WebSocketTransportOptions }): Promise<TestClient>;
  /** A bare authenticated WebSocket (no decoding: for clients that only count messages). */
  connectRaw(options?: { wire?: 1 | 2 }): Promise<WebSocket>;
  /** A client that completes the WebSocket handshake and then never reads its socket. */
  connectStalled(options?: { wire?: 1 | 2 }): Promise<net.Socket>;
  close(): Promise<void>;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const configDir = tempDir('harness');
  const worker = sourceWorkerOptions(repoRoot);
  const context = createAppContext({
    mode: 'web',
    version: '0.0.0-test',
    workerFile: worker.filename,
    workerExecArgv: worker.execArgv,
    projectIoWorkerFile: options.projectIoWorker === false ? undefined : sourceWorkerOptions(repoRoot, 'projectIoWorker').filename,
    jobThreads: 1,
    configDir,
  });
  const handlers = { ...context.handlers, ...options.overrides } as HandlerTable;
  const logs: string[] = [];
  const server = await startWebServer({
    port: 0,
    rendererDir: configDir,
    ...options.server,
    handlers,
    subscribe: context.hub.subscribe,
    log: (line) => logs.push(line),
  });
  const origin = `http://127.0.0.1:${server.port}`;
  const clients = new Set<{ close(): void }>();
  const stalled = new Set<net.Socket>();

  function url(wire: 1 | 2): string {
    const v2 = webSocketUrl({ protocol: 'http:', host: `127.0.0.1:${server.port}`, search: `?token=${server.token}` });
    return wire === 2 ? v2 : v2.replace(/&wire=\d+/, '');
  }

  async function connect(connectOptions: { wire?: 1 | 2; transport?: WebSocketTransportOptions } = {}): Promise<TestClient> {
    const socket = new WebSocket(url(connectOptions.wire ?? 2), { origin });
    const transport = createWebSocketTransport(socket as never, connectOptions.transport);
    await transport.ready;
    const frames: WireFrame[] = [];
    const received: TestClient['received'] = [];
    const waiting = new Map<number, (envelope: Envelope<unknown>) => void>();
    const results = new Map<number, Envelope<unknown>>();
    const reader = new WireReader({
      frame(frame) {
        frames.push(frame);
        if (frame.type !== 'result' || typeof frame.id !== 'number') return;
        const envelope = frame.envelope as Envelope<unknown>;
        const resolve = waiting.get(frame.id);
        if (resolve) {
          waiting.delete(frame.id);
          resolve(envelope);
        } else results.set(frame.id, envelope);
      },
      refused(refusal) {
        frames.push({ type: 'unreadable', id: refusal.id, message: refusal.message });
      },
    });
    socket.on('message', (data, isBinary) => {
      const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : Buffer.isBuffer(data) ? data : Buffer.concat(data);
      received.push({ kind: isBinary ? 'binary' : 'text', length: bytes.byteLength });
      reader.read(isBinary ? bytes : Buffer.from(bytes).toString());
    });
    const client: TestClient = {
      socket,
      transport,
      invoke: (channel, request) => transport.invoke(channel, request),
      sendRaw: (...messages) => {
        for (const message of messages) socket.send(message, { binary: typeof message !== 'string' });
      },
      result(id, timeoutMs = 10_000) {
        const known = results.get(id);
        if (known) return Promise.resolve(known);
        return new Promise((resolve, reject) => {
          const timer = setTimeout(() => {
            waiting.delete(id);
            reject(new Error(`no result for frame ${id} within ${timeoutMs} ms`));
          }, timeoutMs);
          waiting.set(id, (envelope) => {
            clearTimeout(timer);
            resolve(envelope);
          });
        });
      },
      frames,
      received,
      close: () => socket.terminate(),
    };
    clients.add(client);
    return client;
  }

  function connectRaw(connectOptions: { wire?: 1 | 2 } = {}): Promise<WebSocket> {
    const socket = new WebSocket(url(connectOptions.wire ?? 2), { origin });
    clients.add({ close: () => socket.terminate() });
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(socket));
      socket.once('error', reject);
    });
  }

  function connectStalled(connectOptions: { wire?: 1 | 2 } = {}): Promise<net.Socket> {
    const target = new URL(url(connectOptions.wire ?? 2));
    return new Promise((resolve, reject) => {
      const socket = net.connect(server.port, '127.0.0.1', () => {
        socket.write(
          `GET ${target.pathname}${target.search} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nOrigin: ${origin}\r\n` +
            'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n' +
            'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
        );
      });
      let head = '';
      const onData = (chunk: Buffer) => {
        head += chunk.toString('latin1');
        if (!head.includes('\r\n\r\n')) return;
        socket.off('data', onData);
        if (!head.startsWith('HTTP/1.1 101')) return reject(new Error(`handshake refused: ${head.split('\r\n')[0]}`));
        // from here on nothing is read: the kernel buffers fill, then the server's queue grows
        socket.pause();
        stalled.add(socket);
        resolve(socket);
      };
      socket.on('data', onData);
      socket.on('error', () => undefined);
    });
  }

  return {
    context,
    server,
    handlers,
    configDir,
    logs,
    origin,
    connect,
    connectRaw,
    connectStalled,
    async close() {
      for (const client of clients) client.close();
      for (const socket of stalled) socket.destroy();
      await server.close();
      await context.dispose({ discardRecovery: true });
      rmSync(configDir, { recursive: true, force: true });
    },
  };
}

/** Nearest-rank percentile of unsorted samples. */
export function percentile(samples: ArrayLike<number>, p: number): number {
  const sorted = Float64Array.from(samples).sort();
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/**
 * Measures how late a thread that does nothing but wait is woken (every 2 ms), on its own thread.
 * On a machine shared with other work this is the scheduling delay every thread of the process
 * suffers, whatever the code under test does; latency bounds are checked on top of it.
 */
export function startSchedulingProbe(): { stop(): Promise<{ p99: number; max: number }> } {
  const worker = new Worker(
    `const { parentPort } = require('node:worker_threads');
     const lateness = [];
     let last = performance.now();
     const timer = setInterval(() => { const now = performance.now(); lateness.push(Math.max(0, now - last - 2)); last = now; }, 2);
     parentPort.once('message', () => { clearInterval(timer); parentPort.postMessage(Float64Array.from(lateness)); });`,
    { eval: true },
  );
  return {
    async stop() {
      const lateness = new Promise<Float64Array>((resolve) => worker.once('message', resolve));
      worker.postMessage('stop');
      const samples = await lateness;
      await worker.terminate();
      return { p99: percentile(samples, 99), max: percentile(samples, 100) };
    },
  };
}
