/**
 * Analyses of the speed figures (model-spec §10–11): eigenvalues of the linearisation before and
 * after learning and outputs from noisy initial conditions. The eigenvalues, the noisy x0 and the
 * histogram are the shared analyses' own (src-shared/analysis), re-exported here.
 */
import { linearisationEigenvalues, noisyInitialCondition } from '../analysis/runAnalyses.js';
import { histogram } from '../analysis/statistics.js';
import { BatchSimulator } from '../model/batchSimulator.js';
import type { Network } from '../model/network.js';
import type { DynamicsParams } from '../model/params.js';
import { Rng } from '../model/rng.js';

export { histogram, linearisationEigenvalues, noisyInitialCondition };

/** Outputs (draws × channels × nSamples) of `draws` noisy copies of x0 with the given gains. */
export function noisyOutputs(
  network: Network,
  params: DynamicsParams,
  gains: Float64Array,
  x0: Float64Array,
  snrDb: number,
  draws: number,
  seed: number,
): Float64Array {
  const rng = new Rng(seed);
  const x0s = Array.from({ length: draws }, () => noisyInitialCondition(x0, snrDb, rng));
  const sim = new BatchSimulator(network, params, draws);
  try {
    sim.run(x0s.map(() => gains), x0s);
    const length = network.readout.channels * params.nSamples;
    const out = new Float64Array(draws * length);
    for (let d = 0; d < draws; d++) sim.output(d, out.subarray(d * length, (d + 1) * length));
    return out;
  } finally {
    sim.dispose(); // the helper threads go back now, not when the simulator is collected
  }
}
