/**
 * Web-mode wire benchmarks (src-shared/ipc/wire.ts, src-main/web/webServer.ts):
 *   wire.encode_32mb_ms / wire.decode_32mb_ms   a 32 MB Float64Array (W of N = 2000) as a binary
 *       part (v2): the JSON text is a placeholder, the bytes are a view
 *   wire.encode_4mb_inline_ms / wire.decode_4mb_inline_ms   a 4 MB Float64Array inline as base64
 *       (v1, what every array cost before; 32 MB this way took about 9 s to encode here)
 *   wire.roundtrip_32mb_ms   the 32 MB array to the real web server and back over a WebSocket on
 *       127.0.0.1 (one request, one echoed answer; includes ws's masking in JavaScript)
 *   wire.flood_p99_ms   p99 latency of 1 000 jobs:list-like requests per second for 2 s from a
 *       client in the same process (reported in the "ms" field)
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { WireReader, decodeWire, encodeValue, encodeWire, invokeMessage, type WireFrame } from '../src-shared/ipc/wire.js';
import { createWebSocketTransport, webSocketUrl, type WebSocketTransport } from '../src-shared/ipc/wsTransport.js';
import type { HandlerTable } from '../src-main/services/handlers.js';
import { startWebServer, type RunningWebServer } from '../src-main/web/webServer.js';
import type { Benchmark } from './types.js';

const N = 2000;

function matrix(length: number): Float64Array {
  const values = new Float64Array(length);
  for (let i = 0; i < length; i++) values[i] = Math.sin(i) * 1e-3;
  return values;
}

function decodeOnce(text: string, parts: Uint8Array[]): WireFrame {
  let frame: WireFrame | null = null;
  const reader = new WireReader({ frame: (f) => (frame = f), refused: (r) => { throw new Error(r.message); } });
  reader.read(text);
  for (const part of parts) reader.read(part);
  return frame!;
}

let W: Float64Array | null = null;
let encoded: { text: string; parts: Uint8Array[] } | null = null;
let inlineW: Float64Array | null = null;
let inlineText = '';

let server: RunningWebServer | null = null;
let client: WebSocketTransport | null = null;

/** A handler table with the two channels the benchmarks use (nothing else is called). */
function benchHandlers(): HandlerTable {
  const handlers: Partial<Record<string, (request: unknown) => Promise<unknown>>> = {
    'simulate:run': async (request) => {
      const output = (request as { network: { W: Float64Array } }).network.W;
      return { channels: 1, nSamples: output.length, output, rates: null, error: null, durationMs: 0 };
    },
    'jobs:list': async () => [],
  };
  return handlers as unknown as HandlerTable;
}

async function startServer(): Promise<void> {
  server = await startWebServer({ port: 0, handlers: benchHandlers(), rendererDir: mkdtempSync(path.join(os.tmpdir(), 'gainlab-bench-')), log: () => undefined });
  const url = webSocketUrl({ protocol: 'http:', host: `127.0.0.1:${server.port}`, search: `?token=${server.token}` });
  client = createWebSocketTransport(new WebSocket(url, { origin: `http://127.0.0.1:${server.port}` }) as never);
  await client.ready;
}

async function stopServer(): Promise<void> {
  client?.close();
  await server?.close();
  client = null;
  server = null;
}

export const benchmarks: Benchmark[] = [
  {
    name: 'wire.encode_32mb_ms',
    repeats: 20,
    setup: () => {
      W = matrix(N * N);
    },
    run: () => {
      invokeMessage(1, 'simulate:run', encodeValue({ W }));
    },
    note: 'N = 2000 W (32 MB) as one binary part',
  },
  {
    name: 'wire.decode_32mb_ms',
    repeats: 20,
    setup: () => {
      // what a socket hands over: the text and a buffer of its own per part
      const message = invokeMessage(1, 'simulate:run', encodeValue({ W }));
      encoded = { text: message.text, parts: message.binary.map((p) => new Uint8Array(p)) };
    },
    run: () => {
      decodeOnce(encoded!.text, encoded!.parts);
    },
    teardown: () => {
      W = null;
      encoded = null;
    },
    note: 'zero-copy view over the received part',
  },
  {
    name: 'wire.encode_4mb_inline_ms',
    repeats: 3,
    warmup: 1,
    setup: () => {
      inlineW = matrix(500_000);
    },
    run: () => {
      inlineText = encodeWire({ W: inlineW });
    },
    note: 'v1: 4 MB as base64 inside the JSON text',
  },
  {
    name: 'wire.decode_4mb_inline_ms',
    repeats: 3,
    warmup: 1,
    run: () => {
      decodeWire(inlineText);
    },
    teardown: () => {
      inlineW = null;
      inlineText = '';
    },
  },
  {
    name: 'wire.roundtrip_32mb_ms',
    repeats: 5,
    warmup: 1,
    setup: async () => {
      W = matrix(N * N);
      await startServer();
    },
    run: async () => {
      const envelope = await client!.invoke('simulate:run', {
        network: {
          id: 'w',
          name: 'w',
          n: N,
          nE: N / 2,
          W: W!,
          x0: new Float64Array(N),
          readout: { channels: 1, weights: new Float64Array(1 + N / 2) },
          params: { tau: 200, r0: 20, rmax: 100, duration: 500, nSamples: 200, gainFunction: 'tanh' },
        },
        includeRates: false,
      });
      if (!envelope.ok || envelope.value.output.length !== N * N) throw new Error('round trip failed');
    },
    teardown: async () => {
      W = null;
      await stopServer();
    },
    note: 'request and echoed answer, binary both ways, in-process client and server',
  },
  {
    name: 'wire.flood_p99_ms',
    repeats: 3,
    warmup: 0,
    setup: startServer,
    run: async () => {
      const latencies: number[] = [];
      const start = performance.now();
      const pending: Promise<void>[] = [];
      let sent = 0;
      while (sent < 2000) {
        const due = Math.min(2000, Math.floor(performance.now() - start));
        while (sent < due) {
          sent++;
          const t0 = performance.now();
          pending.push(client!.invoke('jobs:list', {}).then(() => void latencies.push(performance.now() - t0)));
        }
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      await Promise.all(pending);
      latencies.sort((a, b) => a - b);
      return latencies[Math.ceil(0.99 * latencies.length) - 1];
    },
    teardown: stopServer,
    note: '1 000 requests/s for 2 s; p99 latency; client in the same process',
  },
];

