/**
 * Main's event loop while a large project is opened, edited and saved (issue 10): a project with
 * an N = 2000 and an N = 1000 network (40 MB of weights) through the real services as web mode
 * wires them (project files encoded and decoded in the project-I/O worker thread, the summary
 * without bulk arrays). Each entry reports the longest event-loop block during one operation,
 * measured with perf_hooks.monitorEventLoopDelay (goal ≤ 100 ms):
 *   project.open_block_ms     project:open of the saved file
 *   project.update_block_ms   project:update (a new target: validation, the new summary, the event)
 *   project.save_block_ms     project:save (atomic write of the re-encoded file)
 *   project.current_flood_p99_ms   p99 latency of project:current at 1 000 requests/s for 3 s over
 *       the real WebSocket server (the frozen summary's encoding is reused)
 *
 * And the wall time of saving and opening the project a long reward run leaves (N = 40, 10
 * sessions × 100 000 trials: 8 MB of error curves, tests/project/largeProject.ts), whole and by
 * stage:
 *   project.save_large_ms     project:save through the services as web mode wires them (the
 *       project cloned to the project-I/O worker, encoded there, written atomically with fsync)
 *   project.open_large_ms     project:open of that file (read, decoded in the worker, transferred back)
 *   project.encode_large_ms   encodeProject alone, on this thread (checks, .npy, zip)
 *   project.decode_large_ms   decodeProjectFile alone, on this thread (zip, CRC-32, .npy, checks)
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import type { Envelope } from '../src-shared/ipc/contract.js';
import { createWebSocketTransport, webSocketUrl, type WebSocketTransport } from '../src-shared/ipc/wsTransport.js';
import { DEFAULT_DYNAMICS } from '../src-shared/model/params.js';
import { Rng } from '../src-shared/model/rng.js';
import { decodeProjectFile, encodeProject } from '../src-shared/project/archive.js';
import type { Project, ProjectNetwork } from '../src-shared/project/schema.js';
import { createAppContext, type AppContext } from '../src-main/services/appServices.js';
import { dispatch } from '../src-main/services/handlers.js';
import { builtWorkerPath } from '../src-main/services/workerPool.js';
import { startWebServer, type RunningWebServer } from '../src-main/web/webServer.js';
import { longRewardRunProject } from '../tests/project/largeProject.js';
import type { Benchmark } from './types.js';

let context: AppContext | null = null;
let file = '';
let edits = 0;

function network(id: string, n: number, seed: number): ProjectNetwork {
  const rng = new Rng(seed);
  const W = new Float64Array(n * n);
  for (let i = 0; i < W.length; i++) W[i] = rng.uniform() < 0.25 ? 0.05 * rng.normal() : 0;
  const x0 = Float64Array.from({ length: n }, () => rng.normal());
  const weights = Float64Array.from({ length: 1 + n / 2 }, () => 0.01 * rng.uniform());
  return {
    id,
    name: `Bench network N = ${n}`,
    n,
    nE: n / 2,
    W,
    initialConditions: x0,
    nInitialConditions: 1,
    readout: { channels: 1, weights, fittedTo: null, fitError: null },
    params: { ...DEFAULT_DYNAMICS },
    seed,
    soc: null,
    origin: 'bench',
    createdAt: new Date(0).toISOString(),
  };
}

async function call(channel: string, payload: unknown): Promise<unknown> {
  const envelope = (await dispatch(context!.handlers, channel, payload)) as Envelope<unknown>;
  if (!envelope.ok) throw new Error(`${channel}: ${envelope.error.message}`);
  return envelope.value;
}

/** The longest event-loop block (ms) while `work` runs. */
async function longestBlock(work: () => Promise<unknown>): Promise<number> {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  await work();
  // one more turn, so a block at the very end is seen too
  await new Promise((resolve) => setTimeout(resolve, 20));
  histogram.disable();
  return histogram.max / 1e6;
}

async function setup(): Promise<void> {
  if (context) return;
  const here = import.meta.url;
  context = createAppContext({
    mode: 'web',
    version: 'bench',
    workerFile: builtWorkerPath(here),
    projectIoWorkerFile: builtWorkerPath(here, 'projectIoWorker'),
    configDir: mkdtempSync(path.join(os.tmpdir(), 'gainlab-bench-config-')),
  });
  file = path.join(mkdtempSync(path.join(os.tmpdir(), 'gainlab-bench-project-')), 'large.gainlab');
  await call('project:new', {});
  await call('project:update', { upsertNetworks: [network('big', 2000, 1), network('medium', 1000, 2)] });
  await call('project:saveAs', { path: file });
}

async function teardown(): Promise<void> {
  await context?.dispose();
  context = null;
}

/** The long reward run's project, its file, and services to open and save it (own context, own worker). */
const large = { project: null as Project | null, bytes: new Uint8Array(0) as Uint8Array, file: '', context: null as AppContext | null };

/** Built on first use: the other benchmarks of the suite do not pay for it. */
function largeProject(): Project {
  large.project ??= longRewardRunProject();
  return large.project;
}

async function largeCall(channel: string, payload: unknown): Promise<unknown> {
  const envelope = (await dispatch(large.context!.handlers, channel, payload)) as Envelope<unknown>;
  if (!envelope.ok) throw new Error(`${channel}: ${envelope.error.message}`);
  return envelope.value;
}

async function setupLarge(): Promise<void> {
  large.bytes = encodeProject(largeProject(), { appVersion: 'bench' });
  large.file = path.join(mkdtempSync(path.join(os.tmpdir(), 'gainlab-bench-large-')), 'long run.gainlab');
  writeFileSync(large.file, large.bytes);
  large.context = createAppContext({
    mode: 'web',
    version: 'bench',
    workerFile: builtWorkerPath(import.meta.url),
    projectIoWorkerFile: builtWorkerPath(import.meta.url, 'projectIoWorker'),
    configDir: mkdtempSync(path.join(os.tmpdir(), 'gainlab-bench-config-')),
  });
  await largeCall('project:open', { path: large.file });
}

async function teardownLarge(): Promise<void> {
  await large.context?.dispose();
  large.context = null;
}

let server: RunningWebServer | null = null;
let client: WebSocketTransport | null = null;

export const benchmarks: Benchmark[] = [
  {
    name: 'project.open_block_ms',
    repeats: 5,
    warmup: 1,
    setup,
    run: () => longestBlock(() => call('project:open', { path: file })),
    note: 'N = 2000 + N = 1000 project; longest event-loop block in ms (goal ≤ 100)',
  },
  {
    name: 'project.update_block_ms',
    repeats: 10,
    warmup: 1,
    setup,
    run: () =>
      longestBlock(() =>
        call('project:update', {
          upsertTargets: [{ id: `t${++edits}`, name: `Target ${edits}`, channels: 1, nSamples: 200, duration: 500, values: new Float64Array(200), source: { kind: 'drawn' }, createdAt: new Date(0).toISOString() }],
        }),
      ),
    note: 'a new target: validation, summary, change event',
  },
  {
    name: 'project.save_block_ms',
    repeats: 5,
    warmup: 1,
    setup,
    run: () => longestBlock(() => call('project:save', {})),
    note: 'atomic save, encoded in the project-I/O worker',
  },
  {
    name: 'project.current_flood_p99_ms',
    repeats: 1,
    warmup: 0,
    setup: async () => {
      // a fresh copy of the saved project: after the entries above (a dozen added targets, a dirty
      // project) the in-process client was dropped by the server mid-flood ("The connection to
      // GainLab closed"; the cause is not pinned down), and the note promises the saved project
      await teardown();
      await setup();
      server = await startWebServer({ port: 0, handlers: context!.handlers, rendererDir: mkdtempSync(path.join(os.tmpdir(), 'gainlab-bench-')), log: () => undefined });
      const url = webSocketUrl({ protocol: 'http:', host: `127.0.0.1:${server.port}`, search: `?token=${server.token}` });
      client = createWebSocketTransport(new WebSocket(url, { origin: `http://127.0.0.1:${server.port}` }) as never);
      await client.ready;
    },
    run: async () => {
      const latencies: number[] = [];
      const pending: Promise<void>[] = [];
      const start = performance.now();
      // 1 000 requests per second for 3 s, sent on schedule whatever the answers do
      for (let k = 0; k < 3000; k++) {
        const due = start + k;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        const sent = performance.now();
        pending.push(
          client!.invoke('project:current', {}).then((envelope) => {
            if (!envelope.ok) throw new Error(envelope.error.message);
            latencies.push(performance.now() - sent);
          }),
        );
      }
      await Promise.all(pending);
      latencies.sort((a, b) => a - b);
      return latencies[Math.floor(0.99 * (latencies.length - 1))];
    },
    teardown: async () => {
      client?.close();
      await server?.close();
      client = null;
      server = null;
      await teardown();
    },
    note: 'project:current at 1 000/s for 3 s on the N = 2000 + N = 1000 project; every request answered',
  },
  {
    name: 'project.save_large_ms',
    repeats: 7,
    warmup: 1,
    setup: setupLarge,
    run: async () => {
      await largeCall('project:save', {});
    },
    teardown: teardownLarge,
    note: 'N = 40, 10 sessions × 100 000 trials (8 MB of error curves); project:save in web mode: worker encode, atomic write, fsync',
  },
  {
    name: 'project.open_large_ms',
    repeats: 7,
    warmup: 1,
    setup: setupLarge,
    run: async () => {
      await largeCall('project:open', { path: large.file });
    },
    teardown: teardownLarge,
    note: 'project:open of that file in web mode: read, decoded in the worker',
  },
  {
    name: 'project.encode_large_ms',
    repeats: 7,
    warmup: 1,
    setup: () => void largeProject(),
    run: () => {
      encodeProject(largeProject(), { appVersion: 'bench' });
    },
    note: 'encodeProject of that project on this thread',
  },
  {
    name: 'project.decode_large_ms',
    repeats: 7,
    warmup: 1,
    setup: () => {
      large.bytes = encodeProject(largeProject(), { appVersion: 'bench' });
    },
    run: () => {
      decodeProjectFile(large.bytes);
    },
    note: 'decodeProjectFile of its file on this thread',
  },
];
