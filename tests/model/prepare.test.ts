/**
 * Network preparation, one implementation (model/prepare.ts): Gramian initial conditions and the
 * NNLS readout fitted from the rates at rest. Checked against the reference path assembled from
 * its parts (simulateReference + fitReadout + normalisedError), and the fit against its definition:
 * non-negative weights, and the error it reports is the error of the output it returns.
 */
import { describe, expect, it } from 'vitest';
import { computeOutput, normalisedError, simulateReference } from '../../src-shared/model/dynamics.js';
import { initialConditions } from '../../src-shared/model/gramian.js';
import { fitReadoutAtRest, prepareNetwork } from '../../src-shared/model/prepare.js';
import { fitReadout } from '../../src-shared/model/readoutFit.js';
import { generateTarget } from '../../src-shared/model/targets.js';
import { DEFAULT_DYNAMICS } from '../../src-shared/model/params.js';
import { expectClose } from '../helpers/expectClose.js';
import { syntheticNetwork } from '../main/fixtures/syntheticModel.js';

const net = { ...syntheticNetwork(20, 7), params: DEFAULT_DYNAMICS };
const params = DEFAULT_DYNAMICS;
const target = generateTarget(4, { duration: params.duration, nSamples: params.nSamples }).values;

describe('prepareNetwork', () => {
  it('gives the Gramian initial conditions and the readout of the reference path (within 1e-9)', () => {
    const prepared = prepareNetwork(net.W, net.n, net.nE, 2, params, { channels: 1, values: target });
    expect(Array.from(prepared.initialConditions)).toEqual(Array.from(initialConditions(net.W, net.n, 2, net.nE)));
    const x0 = prepared.initialConditions.slice(0, net.n);
    const { rates } = simulateReference(net.W, net.n, x0, new Float64Array(net.n).fill(1), params);
    const reference = fitReadout(rates, params.nSamples, net.n, net.nE, target, 1);
    const readout = prepared.readout!;
    expectClose(readout.weights, reference.weights, { rtol: 1e-9, atol: 1e-12 });
    expect(readout.weights.every((w, k) => k === 0 || w >= 0)).toBe(true);
    const output = computeOutput(rates, params.nSamples, net.n, net.nE, reference);
    expectClose(readout.fitError, normalisedError(output, target, 1, params.nSamples), { rtol: 1e-9 });
    // the error reported is the error of the output returned
    expect(readout.fitError).toBe(normalisedError(readout.output, target, 1, params.nSamples));
  });

  it('without a movement: initial conditions only', () => {
    const prepared = prepareNetwork(net.W, net.n, net.nE, 1, params, null);
    expect(prepared.readout).toBeNull();
    expect(prepared.initialConditions.length).toBe(net.n);
  });

  it('fitReadoutAtRest fits from the network\'s own x0', () => {
    const a = fitReadoutAtRest(net, params, target, 1);
    const b = prepareNetwork(net.W, net.n, net.nE, 1, params, { channels: 1, values: target }).readout!;
    // a different x0 (the network's vs the Gramian's first eigenvector) gives a different fit
    expect(Array.from(a.weights)).not.toEqual(Array.from(b.weights));
    const { rates } = simulateReference(net.W, net.n, net.x0, new Float64Array(net.n).fill(1), params);
    expectClose(a.weights, fitReadout(rates, params.nSamples, net.n, net.nE, target, 1).weights, { rtol: 1e-9, atol: 1e-12 });
  });
});
