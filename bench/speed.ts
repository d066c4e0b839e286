/**
 * Speed-slider benchmarks (model-spec §10–11): one slider update at N = 400 as the speed view's Web
 * Worker computes it (src-renderer/workers/speedCompute.ts SliderSession.frame, run here in Node):
 *   speed.slider_update_ms.n400.preview   while dragging: float32 batch, preview stride 3
 *   speed.slider_update_ms.n400.exact     on release: float64 batch at the model's own step
 * The model: a synthetic SOC-like N = 400 network (bench/simulation.ts), 3 initial conditions,
 * 7 speeds up to 5× (Fig. 6), gains between the fast and slow patterns interpolated at λ values
 * that change on every update (as a drag does); stretch estimate included.
 */
import { SliderSession, type SpeedModel } from '../src-renderer/workers/speedCompute.js';
import { DEFAULT_DYNAMICS } from '../src-shared/model/params.js';
import { Rng } from '../src-shared/model/rng.js';
import { syntheticNetwork } from './simulation.js';
import type { Benchmark } from './types.js';

const N = 400;

function sliderModel(): SpeedModel {
  const { network } = syntheticNetwork(N, 400);
  const rng = new Rng(6);
  const m = 3;
  const factors = [1, 1 + 2 / 3, 1 + 4 / 3, 3, 3 + 2 / 3, 4 + 1 / 3, 5];
  const x0s = new Float64Array(m * N);
  for (let k = 0; k < m; k++) for (let i = 0; i < N; i++) x0s[k * N + i] = k === 0 ? network.x0[i] : rng.normal(0, 1.5);
  const gains = new Float64Array(factors.length * N);
  factors.forEach((factor, k) => {
    for (let i = 0; i < N; i++) gains[k * N + i] = 1 + 0.1 * (factor - 1) * Math.sin(i * (k + 1));
  });
  return { n: N, nE: network.nE, W: network.W, readout: network.readout, params: DEFAULT_DYNAMICS, x0s, m, factors, gains, amplitudeScaling: false, groupLabels: null };
}

function sliderBenchmark(exact: boolean): Benchmark {
  let session: SliderSession | null = null;
  let step = 0;
  return {
    name: `speed.slider_update_ms.n${N}.${exact ? 'exact' : 'preview'}`,
    repeats: exact ? 10 : 20,
    warmup: 2,
    setup: () => {
      session = new SliderSession(sliderModel(), { alongManifold: false, previewKernel: 'wasm-batch-f32' }, () => performance.now());
    },
    run: () => {
      step++;
      session!.frame(((step * 0.37) % 1 + 1) % 1, exact);
    },
    teardown: () => {
      session = null;
    },
    note: exact
      ? `synthetic SOC-like N=${N}, 3 conditions, display window 5T at the model step (float64 batch), stretch estimate`
      : `synthetic SOC-like N=${N}, 3 conditions, display window 5T, preview stride 3, float32 batch, stretch estimate`,
  };
}

export const benchmarks: Benchmark[] = [sliderBenchmark(false), sliderBenchmark(true)];
