/**
 * One view of a project network for the model and the jobs (src-shared/project/modelViews.ts):
 * initial condition k is row k of the stored m × n matrix, copied (a job can never write into the
 * project); out-of-range rows and a missing readout are refused with the network named.
 */
import { describe, expect, it } from 'vitest';
import { initialConditionOf, networkForModel, networkPayloadOf, NetworkViewError } from '../../src-shared/project/modelViews.js';
import { DEFAULT_DYNAMICS } from '../../src-shared/model/params.js';
import type { ProjectNetwork } from '../../src-shared/project/schema.js';

const n = 4;
const stored = {
  id: 'net', name: 'Four', n, nE: 2,
  W: Float64Array.from({ length: n * n }, (_, k) => k),
  // three initial conditions: row k holds 10k + i
  initialConditions: Float64Array.from({ length: 3 * n }, (_, k) => 10 * Math.floor(k / n) + (k % n)),
  nInitialConditions: 3,
  readout: { channels: 1, weights: Float64Array.of(0.5, 1, 2), fittedTo: null },
  params: { ...DEFAULT_DYNAMICS },
} as unknown as ProjectNetwork;

describe('project network views', () => {
  it('initial condition k is row k, as a copy', () => {
    expect(Array.from(initialConditionOf(stored, 2))).toEqual([20, 21, 22, 23]);
    const row = initialConditionOf(stored, 1);
    row[0] = -1;
    expect(stored.initialConditions[n]).toBe(10);
  });

  it('the payload and the model network carry the same x0, W, readout and parameters', () => {
    const payload = networkPayloadOf(stored, 1);
    const model = networkForModel(stored, 1);
    expect(Array.from(payload.x0)).toEqual([10, 11, 12, 13]);
    expect(Array.from(model.x0)).toEqual(Array.from(payload.x0));
    expect(payload.W).toBe(stored.W);
    expect(Array.from(model.readout.weights)).toEqual([0.5, 1, 2]);
    expect(payload.params).toEqual(DEFAULT_DYNAMICS);
    expect(payload.params).not.toBe(stored.params);
  });

  it('refuses a row that does not exist and a payload without a readout, naming the network', () => {
    expect(() => initialConditionOf(stored, 3)).toThrow(/"Four" has 3 initial condition\(s\); there is no number 4/);
    expect(() => initialConditionOf(stored, -1)).toThrow(NetworkViewError);
    const bare = { ...stored, readout: null } as unknown as ProjectNetwork;
    expect(() => networkPayloadOf(bare)).toThrow(/"Four" has no readout/);
    // the model view of a network without a readout reads out zero (used to simulate rates only)
    expect(Array.from(networkForModel(bare).readout.weights)).toEqual([0, 0, 0]);
  });
});
