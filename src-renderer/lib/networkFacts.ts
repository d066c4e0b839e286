/**
 * The few numbers a researcher checks first about a network: size, E/I split, stability margin
 * α = max Re λ(W) (the SOC criterion stops at α ≤ 0.15), how sparse the readout is, the time grid,
 * and where the network came from. α needs a real Schur form (src-shared/linalg): a few tens of
 * milliseconds for N = 200, so it is cached per weight matrix.
 */
import type { ProjectNetwork } from '../../src-shared/project/schema.js';
import { spectralAbscissa } from '../../src-shared/linalg/schur.js';

export interface NetworkFact {
  key: string;
  label: string;
  value: string;
  title?: string;
}

/** Keyed by the W array itself: an edited network arrives with a new W, never a stale α. */
const alphaCache = new WeakMap<Float64Array, number>();

/** α from the SOC build log when the network has one, else computed from W. */
export function networkAlpha(network: Pick<ProjectNetwork, 'n' | 'W' | 'soc'>): number {
  if (network.soc && Number.isFinite(network.soc.finalAlpha)) return network.soc.finalAlpha;
  let alpha = alphaCache.get(network.W);
  if (alpha === undefined) {
    alpha = spectralAbscissa(network.W, network.n);
    alphaCache.set(network.W, alpha);
  }
  return alpha;
}

/** The seed the network was built with, or where it came from when it has none. */
export function provenance(network: Pick<ProjectNetwork, 'seed' | 'soc' | 'origin'>): string {
  const seed = network.seed ?? network.soc?.seed ?? null;
  if (seed !== null) return String(seed);
  if (/published/i.test(network.origin)) return 'published';
  return network.origin ? `— (${network.origin})` : '—';
}

export function describeNetwork(network: ProjectNetwork): NetworkFact[] {
  const { n, nE, readout, params } = network;
  let readNeurons = 0;
  if (readout) {
    for (let i = 1; i <= nE; i++) {
      // a neuron counts as read out if any channel weights it
      for (let c = 0; c < readout.channels; c++) {
        if (readout.weights[c * (1 + nE) + i] !== 0) {
          readNeurons++;
          break;
        }
      }
    }
  }
  let x0Norm = 0;
  for (let i = 0; i < n; i++) x0Norm += network.initialConditions[i] * network.initialConditions[i];
  const alpha = networkAlpha(network);
  return [
    { key: 'n', label: 'N', value: String(n), title: 'Number of neurons' },
    { key: 'ei', label: 'E / I', value: `${nE} / ${n - nE}`, title: 'Excitatory / inhibitory neurons' },
    {
      key: 'alpha',
      label: 'α',
      value: alpha.toFixed(4),
      title: 'Spectral abscissa max Re λ(W); stability-optimised networks stop at α ≤ 0.15',
    },
    { key: 'seed', label: 'Seed', value: provenance(network), title: 'Random seed the network was built with' },
    {
      key: 'readout',
      label: 'Read out',
      value: readout ? `${readNeurons} of ${nE} E${readout.channels > 1 ? ` · ${readout.channels} ch` : ''}` : 'no readout yet',
      title: 'Excitatory neurons with a non-zero readout weight',
    },
    {
      key: 'x0',
      label: '‖x₀‖',
      value: `${Math.sqrt(x0Norm).toFixed(2)}${network.nInitialConditions > 1 ? ` (${network.nInitialConditions} ICs)` : ''}`,
      title: 'Norm of the (first) initial condition',
    },
    {
      key: 'grid',
      label: 'T, τ',
      value: `${params.duration} ms, ${params.tau} ms`,
      title: `Movement duration and neuron time constant; ${params.nSamples} samples, ${params.gainFunction} gain function`,
    },
  ];
}
