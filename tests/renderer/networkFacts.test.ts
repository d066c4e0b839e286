import { describe, expect, it } from 'vitest';
import { expectClose } from '../helpers/expectClose.js';
import { hasReference, loadReferenceArray, referenceSkipReason } from '../helpers/reference.js';
import type { ProjectNetwork } from '../../src-shared/project/schema.js';
import { spectralAbscissa } from '../../src-shared/linalg/schur.js';
import { describeNetwork, loggedAlpha, nameWithSize, provenance } from '../../src-renderer/lib/networkFacts.js';

/** α as the Network summary shows it: the SOC log's, else what the linear-algebra worker computes (spectralAbscissa). */
function networkAlpha(net: ProjectNetwork): number {
  return loggedAlpha(net) ?? spectralAbscissa(net.W, net.n);
}

function network(W: Float64Array, n: number, patch: Partial<ProjectNetwork> = {}): ProjectNetwork {
  const nE = n / 2;
  return {
    id: `net-${n}-${W[0]}`,
    name: 'test',
    n,
    nE,
    W,
    initialConditions: new Float64Array(2 * n).map((_, i) => (i < n ? 3 : 100)),
    nInitialConditions: 2,
    readout: { channels: 1, weights: new Float64Array(1 + nE).map((_, i) => (i % 2 === 1 ? 0.5 : 0)), fittedTo: null, fitError: null },
    params: { tau: 200, r0: 20, rmax: 100, duration: 500, nSamples: 200, gainFunction: 'tanh' },
    seed: 7,
    soc: null,
    origin: 'soc',
    createdAt: '2026-01-01T00:00:00Z',
    ...patch,
  };
}

describe('network facts', () => {
  it('α is max Re λ(W): block diagonal with a rotation block a ± ib and a real eigenvalue', () => {
    // [[a, -b], [b, a]] has eigenvalues a ± ib; the upper-left 2×2 and a diagonal 0.3 and −2
    const a = 0.12;
    const b = 3;
    const n = 4;
    const W = new Float64Array([a, -b, 0, 0, b, a, 0, 0, 0, 0, 0.3, 0, 0, 0, 0, -2]);
    expectClose(networkAlpha(network(W, n)), 0.3, { atol: 1e-12 });
    const W2 = new Float64Array([a, -b, 0, 0, b, a, 0, 0, 0, 0, -0.3, 0, 0, 0, 0, -2]);
    expectClose(networkAlpha(network(W2, n)), a, { atol: 1e-12 });
  });

  it('prefers the α recorded by the SOC build', () => {
    const net = network(new Float64Array(16), 4, {
      soc: { recipe: 'published', seed: 7, iterations: 10, finalAlpha: 0.149, alphaHistory: new Float64Array(0), buildMs: null },
    });
    expect(networkAlpha(net)).toBe(0.149);
  });

  it('summarises N, E/I, seed, the read-out neurons and ‖x0‖ of the first initial condition', () => {
    const facts = Object.fromEntries(describeNetwork(network(new Float64Array(16), 4), 0.25).map((f) => [f.key, f.value]));
    expect(facts.alpha).toBe('0.2500');
    expect(Object.fromEntries(describeNetwork(network(new Float64Array(16), 4), null).map((f) => [f.key, f.value])).alpha).toBe('computing…');
    expect(facts.n).toBe('4');
    expect(facts.ei).toBe('2 / 2');
    expect(facts.seed).toBe('7');
    expect(facts.readout).toBe('1 of 2 E'); // weights [b, β1, β2] = [0, 0.5, 0]
    expect(facts.x0).toBe('6.00 (2 ICs)'); // ‖(3,3,3,3)‖ = 6
  });

  it('the published network has α = 0.149995 (reference README)', ({ skip }) => {
    skip(!hasReference, referenceSkipReason);
    const W = loadReferenceArray('W');
    const net = network(W.data, 200, { id: 'published', seed: null, origin: 'published' });
    expectClose(networkAlpha(net), 0.149995, { atol: 1e-6 });
    const facts = Object.fromEntries(describeNetwork(net, networkAlpha(net)).map((f) => [f.key, f.value]));
    expect(facts.seed).toBe('published');
  });

  it('the published readout reads out 17 E neurons: its other 83 weights (1e-20 to 1e-16) count as zero', ({ skip }) => {
    skip(!hasReference, referenceSkipReason);
    const readout = loadReferenceArray('readout').data;
    const net = network(new Float64Array(200 * 200), 200, { readout: { channels: 1, weights: readout, fittedTo: null, fitError: null } });
    const facts = Object.fromEntries(describeNetwork(net, 0.15).map((f) => [f.key, f.value]));
    expect(facts.readout).toBe('17 of 100 E');
    // tiny but comparable weights still count
    const small = network(new Float64Array(16), 4, { readout: { channels: 1, weights: new Float64Array([0, 1e-9, 2e-9]), fittedTo: null, fitError: null } });
    expect(Object.fromEntries(describeNetwork(small, 0.15).map((f) => [f.key, f.value])).readout).toBe('2 of 2 E');
  });

  it('names a network with its size once (the experiments’ network list said "SOC network (N = 200) (N = 200)")', () => {
    expect(nameWithSize({ name: 'SOC network (N = 200)', n: 200 })).toBe('SOC network (N = 200)');
    expect(nameWithSize({ name: 'Imported network', n: 200 })).toBe('Imported network (N = 200)');
    // another size in the name (a renamed copy) is not this network's: say the real one
    expect(nameWithSize({ name: 'like the N = 2000 one', n: 200 })).toBe('like the N = 2000 one (N = 200)');
  });

  it('the seed row of a network without a seed names its origin once, without doubled brackets', () => {
    const imported = network(new Float64Array(4), 2, { seed: null, origin: 'imported (W.npy, x0.npy, readout.npy)' });
    const seedRow = describeNetwork(imported, 0).find((fact) => fact.key === 'seed');
    expect(seedRow?.value).toBe('— imported (W.npy, x0.npy, readout.npy)');
    expect(provenance({ seed: null, soc: null, origin: 'drawn by hand' })).toBe('— (drawn by hand)');
    expect(provenance({ seed: null, soc: null, origin: 'the published network' })).toBe('published');
    expect(provenance({ seed: 12, soc: null, origin: 'imported (W.npy)' })).toBe('12');
  });
});
