/**
 * Issue 15 in the web app: the page is cross-origin isolated (COOP + COEP from the web server), so
 * the speed worker starts its helper threads (nested blob: Web Workers) and a slider frame's
 * float64 batch runs on every core — with the same bits as the same frame on one thread, and the
 * same outputs as the Node kernels compute for it. The built speed worker is driven directly with
 * a model large enough for the batch to take helpers (n · m ≥ 240; the speed spec's N = 40
 * manifold is too small), once per session kind. No CSP or COEP complaint on the way.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { buildExperimentNetwork } from '../src-shared/experiments/support.js';
import { speedFactors } from '../src-shared/speed/speed.js';
import { SliderSession, type SpeedModel } from '../src-renderer/workers/speedCompute.js';
import { collectPageErrors, openExample } from './helpers.js';

const root = path.resolve(import.meta.dirname, '..');

/** The built speed worker's URL path (its name carries a content hash). */
function speedWorkerPath(): string {
  const file = readdirSync(path.join(root, 'out/renderer/assets')).find((name) => /^speed\.worker-.*\.js$/.test(name));
  if (!file) throw new Error('no speed worker in out/renderer/assets: build first');
  return `/assets/${file}`;
}

function slowModel(): SpeedModel {
  const prepared = buildExperimentNetwork({ n: 100, seed: 5, conditions: 3 });
  const { network, params } = prepared;
  const n = network.n;
  const factors = speedFactors(3, 2, params.nSamples);
  const gains = new Float64Array(3 * n);
  for (let k = 0; k < 3; k++) for (let i = 0; i < n; i++) gains[k * n + i] = 1 + 0.05 * k * Math.cos(0.9 * i);
  return { n, nE: network.nE, W: network.W, readout: network.readout, params, x0s: prepared.initialConditions, m: 3, factors, gains, amplitudeScaling: false, groupLabels: null };
}

/** The browser globals used in page.evaluate (this file type-checks without DOM types). */
interface PageWorker {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: { data: { id: number; kind: string; result?: unknown; message?: string } }) => void): void;
  removeEventListener(type: 'message', listener: (event: { data: { id: number; kind: string; result?: unknown; message?: string } }) => void): void;
  terminate(): void;
}
interface PageGlobals {
  crossOriginIsolated: boolean;
  navigator: { hardwareConcurrency: number };
  Worker: new (url: string, options: { type: 'module' }) => PageWorker;
}

const LAMBDAS = [0.2, 0.7, 1, 0.45, 0.9, 0.1];

test('the page is cross-origin isolated and a slider frame on every core equals the one-thread frame', async ({ page }, testInfo) => {
  const errors = collectPageErrors(page);
  // the whole app loads under COEP require-corp: fonts, plots, the WebSocket
  await openExample(page);
  expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).crossOriginIsolated)).toBe(true);
  const cores = await page.evaluate(() => (globalThis as unknown as PageGlobals).navigator.hardwareConcurrency);

  const model = slowModel();
  // (Playwright carries typed arrays both ways)
  const result = await page.evaluate(
    async ({ url, model, lambdas }) => {
      const worker = new (globalThis as unknown as PageGlobals).Worker(url, { type: 'module' });
      let nextId = 1;
      const request = <T>(message: Record<string, unknown>): Promise<T> =>
        new Promise((resolve, reject) => {
          const id = nextId++;
          const listener = (event: { data: { id: number; kind: string; result?: unknown; message?: string } }) => {
            if (event.data.id !== id) return;
            worker.removeEventListener('message', listener);
            if (event.data.kind === 'done') resolve(event.data.result as T);
            else reject(new Error(event.data.message));
          };
          worker.addEventListener('message', listener);
          worker.postMessage({ ...message, id });
        });
      type Ready = { wasm: boolean; helpers: number; reason: string | null; sessionHelpers: number; previewKernel: string };
      type Frame = { outputs: Float64Array; helperChunks: number; factors: number[]; nSamples: number };
      const frames = async () => {
        const all: Array<{ outputs: Float64Array; helperChunks: number; factors: number[] }> = [];
        for (const lambda of lambdas) {
          for (const exact of [false, true]) {
            const frame = await request<Frame>({ kind: 'frame', lambda, exact });
            all.push({ outputs: frame.outputs, helperChunks: frame.helperChunks, factors: frame.factors });
          }
        }
        return all;
      };
      // the float64 preview on one thread too, to compare it with the one on every core
      const alone = await request<Ready>({ kind: 'init', model, setup: { alongManifold: false, previewKernel: 'auto' }, oneThread: true });
      const aloneFrames = await frames();
      const team = await request<Ready>({ kind: 'init', model, setup: { alongManifold: false } });
      // the helpers join a new kernel asynchronously: let them
      await new Promise((resolve) => setTimeout(resolve, 300));
      const teamFrames = await frames();
      // the schedule uses the helpers while that has been faster; on a busy machine it tries them
      // again every 16 frames or more: wait for a frame they computed part of
      let laterHelperChunks = 0;
      for (let extra = 0; extra < 80 && teamFrames.every((frame) => frame.helperChunks === 0) && laterHelperChunks === 0; extra++) {
        laterHelperChunks = (await request<Frame>({ kind: 'frame', lambda: 0.5, exact: true })).helperChunks;
      }
      worker.terminate();
      return { alone, team, aloneFrames, teamFrames, laterHelperChunks };
    },
    { url: speedWorkerPath(), model, lambdas: LAMBDAS },
  );

  expect(result.team.wasm).toBe(true);
  expect(result.team.reason).toBeNull();
  expect(result.team.helpers).toBe(cores - 1);
  expect(result.team.sessionHelpers).toBe(cores - 1);
  expect(result.alone.sessionHelpers).toBe(0);
  // with helper threads the worker previews with the float64 batch on every core (faster than float32 on one)
  expect(result.team.previewKernel).toBe(cores > 1 ? 'auto' : 'wasm-batch-f32');
  const helperChunks = result.teamFrames.reduce((sum, frame) => sum + frame.helperChunks, result.laterHelperChunks);
  testInfo.annotations.push({ type: 'threads', description: `${cores} cores: ${result.team.helpers} helper workers, ${helperChunks} chunks computed by helpers over ${LAMBDAS.length} preview and exact frames` });
  if (cores > 1) expect(helperChunks).toBeGreaterThan(0);
  for (const frame of result.aloneFrames) expect(frame.helperChunks).toBe(0);

  // the same bits on every core as on one thread (Object.is tells −0 from 0 and compares NaN)
  const node = new SliderSession(model, { alongManifold: false, previewKernel: 'auto' }, () => 0, null);
  result.aloneFrames.forEach((aloneFrame, k) => {
    const lambda = LAMBDAS[k >> 1];
    const exact = k % 2 === 1;
    const what = `λ = ${lambda}, ${exact ? 'exact' : 'preview'}`;
    const alone = aloneFrame.outputs;
    const team = result.teamFrames[k].outputs;
    expect(team.length).toBe(alone.length);
    expect(team.every((value, i) => Object.is(value, alone[i])), `${what}: every core vs one thread`).toBe(true);
    expect(result.teamFrames[k].factors).toEqual(aloneFrame.factors);
    // and what the Node kernels compute for that frame (the same WebAssembly, another V8)
    const expected = node.frame(lambda, exact).outputs;
    expect(alone.length).toBe(expected.length);
    let scale = 0;
    let worst = 0;
    for (let i = 0; i < expected.length; i++) {
      scale = Math.max(scale, Math.abs(expected[i]));
      worst = Math.max(worst, Math.abs(alone[i] - expected[i]));
    }
    expect(worst, `${what}: browser vs Node`).toBeLessThanOrEqual(1e-12 * scale);
  });
  node.dispose();

  const isolation = errors.filter((text) => /Content Security Policy|Cross-Origin-Embedder-Policy|COEP|CORP|NotSameOrigin|blocked/i.test(text));
  expect(isolation, isolation.join('\n')).toEqual([]);
  expect(errors).toEqual([]);
});
