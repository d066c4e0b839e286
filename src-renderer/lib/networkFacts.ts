/**
 * The few numbers a researcher checks first about a network: size, E/I split, stability margin
 * α = max Re λ(W) (the SOC criterion stops at α ≤ 0.15), how sparse the readout is, the time grid,
 * and where the network came from. α comes from the SOC build log, or is computed from W off the UI
 * thread (a real Schur form: O(N³); workers/linalgClient.ts) and passed in.
 */
import type { ProjectNetwork } from '../../src-shared/project/schema.js';

export interface NetworkFact {
  key: string;
  label: string;
  value: string;
  title?: string;
}

/** α from the SOC build log, or null when it must be computed from W. */
export function loggedAlpha(network: Pick<ProjectNetwork, 'soc'>): number | null {
  return network.soc && Number.isFinite(network.soc.finalAlpha) ? network.soc.finalAlpha : null;
}

/** The seed the network was built with, or where it came from when it has none. */
export function provenance(network: Pick<ProjectNetwork, 'seed' | 'soc' | 'origin'>): string {
  const seed = network.seed ?? network.soc?.seed ?? null;
  if (seed !== null) return String(seed);
  if (/published/i.test(network.origin)) return 'published';
  // an origin with brackets of its own ("imported (W.npy, x0.npy)") is not bracketed again
  if (!network.origin) return '—';
  return network.origin.includes('(') ? `— ${network.origin}` : `— (${network.origin})`;
}

/**
 * A network's name with its size, for lists that offer networks: "Imported network (N = 200)",
 * but a name that already says its size (GainLab names its SOC builds "SOC network (N = 200)")
 * is not repeated ("SOC network (N = 200) (N = 200)").
 */
export function nameWithSize(network: { name: string; n: number }): string {
  return new RegExp(`\\bN\\s*=\\s*${network.n}\\b`).test(network.name) ? network.name : `${network.name} (N = ${network.n})`;
}

/** A readout weight below this fraction of its channel's largest weight is not counted as reading a neuron out. */
export const READOUT_ZERO = 1e-12;

/** `alpha`: max Re λ(W), or null while it is being computed. */
export function describeNetwork(network: Omit<ProjectNetwork, 'W'>, alpha: number | null): NetworkFact[] {
  const { n, nE, readout, params } = network;
  let readNeurons = 0;
  if (readout) {
    // weights below 1e-12 of a channel's largest count as zero: the published readout (MATLAB's
    // NNLS) holds 17 real weights (0.06–6.6) and 83 left-overs of 1e-20–1e-16, which add nothing
    const floor = Array.from({ length: readout.channels }, (_, c) => {
      let largest = 0;
      for (let i = 1; i <= nE; i++) largest = Math.max(largest, Math.abs(readout.weights[c * (1 + nE) + i]));
      return READOUT_ZERO * largest;
    });
    for (let i = 1; i <= nE; i++) {
      // a neuron counts as read out if any channel weights it
      for (let c = 0; c < readout.channels; c++) {
        const w = Math.abs(readout.weights[c * (1 + nE) + i]);
        if (w > 0 && w > floor[c]) {
          readNeurons++;
          break;
        }
      }
    }
  }
  let x0Norm = 0;
  for (let i = 0; i < n; i++) x0Norm += network.initialConditions[i] * network.initialConditions[i];
  return [
    { key: 'n', label: 'N', value: String(n), title: 'Number of neurons' },
    { key: 'ei', label: 'E / I', value: `${nE} / ${n - nE}`, title: 'Excitatory / inhibitory neurons' },
    {
      key: 'alpha',
      label: 'α',
      value: alpha === null ? 'computing…' : alpha.toFixed(4),
      title: 'Spectral abscissa max Re λ(W); stability-optimised networks stop at α ≤ 0.15',
    },
    { key: 'seed', label: 'Seed', value: provenance(network), title: 'Random seed the network was built with' },
    {
      key: 'readout',
      label: 'Read out',
      value: readout ? `${readNeurons} of ${nE} E${readout.channels > 1 ? ` · ${readout.channels} ch` : ''}` : 'no readout yet',
      title: 'Excitatory neurons with a readout weight (weights below 1e-12 of the largest count as zero)',
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
