/**
 * Issue 15: the speed slider's frames on every core. The float64 batches of the slider (the exact
 * frame, and a float64 preview) with helper threads — here the Node host, the same helper program
 * the browser's speed worker runs in Web Workers (src-renderer/workers/kernelThreads.ts) — give
 * the same bits as one thread, with the helpers really computing part of the frames; a disposed
 * session gives its helpers back.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { buildExperimentNetwork } from '../../src-shared/experiments/support.js';
import { speedFactors } from '../../src-shared/speed/speed.js';
import { sharedDynamicsAvailable } from '../../src-shared/model/wasm/loader.js';
import { SliderSession, type SliderFrame, type SpeedModel } from '../../src-renderer/workers/speedCompute.js';
import { createNodeKernelThreads } from '../../src-main/worker/kernelThread.js';
import { sameBits } from '../helpers/expectClose.js';

// n · m ≥ BATCH_THREADS_MIN_WORK, so the batch takes helpers
const prepared = buildExperimentNetwork({ n: 120, seed: 4, conditions: 3 });
const { network, params } = prepared;
const n = network.n;
const factors = speedFactors(3, 2, params.nSamples);
const gains = new Float64Array(3 * n);
for (let k = 0; k < 3; k++) for (let i = 0; i < n; i++) gains[k * n + i] = 1 + 0.04 * k * Math.sin(1.7 * i);
const model: SpeedModel = {
  n,
  nE: network.nE,
  W: network.W,
  readout: network.readout,
  params,
  x0s: prepared.initialConditions,
  m: 3,
  factors,
  gains,
  amplitudeScaling: false,
  groupLabels: null,
};

const threads = createNodeKernelThreads({ helpers: 1 });
afterAll(() => threads.close());

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function expectSameFrame(threaded: SliderFrame, alone: SliderFrame): void {
  expect(threaded.nSamples).toBe(alone.nSamples);
  expect(threaded.outputs.length).toBe(model.m * network.readout.channels * alone.nSamples);
  expect(sameBits(threaded.outputs, alone.outputs), `outputs at λ = ${alone.lambda}`).toBe(true);
  expect(threaded.factors).toEqual(alone.factors);
  expect(threaded.explained).toEqual(alone.explained);
}

describe.skipIf(!sharedDynamicsAvailable())('speed slider on every core', () => {
  it('preview (float64) and exact frames with a helper thread are bit-identical to one thread, and the helper computes part of them', async () => {
    const now = () => performance.now();
    const alone = new SliderSession(model, { alongManifold: false, previewKernel: 'auto' }, now, null);
    const team = new SliderSession(model, { alongManifold: false, previewKernel: 'auto' }, now, threads);
    try {
      // the helpers join asynchronously: the first frames may run without them; then every frame
      // uses them (the schedule's own choice depends on the machine's load)
      team.frame(0);
      team.frame(0, true);
      for (const exact of [false, true]) team.slider.threadSchedule(exact)!.force = 'team';
      await pause(300);
      let helperChunks = { preview: 0, exact: 0 };
      for (const lambda of [0, 0.13, 0.5, 0.77, 1, 0.31, 0.9, 0.05]) {
        for (const exact of [false, true]) {
          const expected = alone.frame(lambda, exact);
          const got = team.frame(lambda, exact);
          expect(expected.helperChunks).toBe(0);
          expectSameFrame(got, expected);
          if (exact) helperChunks.exact += got.helperChunks;
          else helperChunks.preview += got.helperChunks;
        }
      }
      expect(helperChunks.preview).toBeGreaterThan(0);
      expect(helperChunks.exact).toBeGreaterThan(0);
      // and the frames differ between λ values (the comparison above compares real outputs)
      expect(sameBits(alone.frame(0, true).outputs, alone.frame(1, true).outputs)).toBe(false);
    } finally {
      alone.dispose();
      team.dispose();
    }
  });

  it('the float32 preview stays on one thread; the exact frame of the same session uses the helper', async () => {
    const session = new SliderSession(model, { alongManifold: true, previewKernel: 'wasm-batch-f32' }, () => performance.now(), threads);
    try {
      session.frame(0.4, true);
      expect(session.slider.threadSchedule(false)).toBeNull();
      session.slider.threadSchedule(true)!.force = 'team';
      await pause(300);
      let exactChunks = 0;
      for (const lambda of [0.2, 0.6, 0.8, 0.35]) {
        expect(session.frame(lambda).helperChunks).toBe(0);
        exactChunks += session.frame(lambda, true).helperChunks;
      }
      expect(exactChunks).toBeGreaterThan(0);
    } finally {
      session.dispose();
    }
  });

  it('sessions replaced one after another reuse the same helper threads (dispose gives them back)', async () => {
    const host = createNodeKernelThreads({ helpers: 1 });
    try {
      for (let round = 0; round < 6; round++) {
        const session = new SliderSession(model, { alongManifold: false, previewKernel: 'auto' }, () => performance.now(), host);
        session.frame(0.5);
        session.frame(0.5, true);
        session.dispose();
        // a released helper leaves its loop after the chunk it is computing (a helper still
        // starting up — tens of ms for a new worker thread — first joins, then sees the release)
        const since = performance.now();
        while (host.busy > 0 && performance.now() - since < 10_000) await pause(2);
        expect(host.busy, `round ${round}: helpers still busy ${(performance.now() - since).toFixed(0)} ms after dispose`).toBe(0);
      }
      // the reference batch, the preview and the exact run: never more than one helper each at once
      expect(host.started).toBeLessThanOrEqual(3);
    } finally {
      await host.close();
    }
  });
});
