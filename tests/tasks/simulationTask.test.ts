/**
 * The app's simulations (simulate:run → runSimulationTask) refuse an output or an error that is
 * not finite in one line, as gainlab simulate does (tests/cli/gainlab.test.ts 'simulate refuses
 * weights…'; found by tests/fuzz/cliInputs.test.ts); a target that does not vary still shows the output,
 * without an error (the error is relative to the target's spread).
 */
import { describe, expect, it } from 'vitest';
import { normalisedError } from '../../src-shared/model/dynamics.js';
import { taskRefusal } from '../helpers/taskRefusal.js';
import { runSimulationTask, simulationProblem } from '../../src-shared/tasks/simulation.js';
import { syntheticNetwork, syntheticTarget } from '../main/fixtures/syntheticModel.js';

const network = syntheticNetwork();
const target = syntheticTarget(network);

describe('simulation task: outputs and errors that are not finite', () => {
  it('readout weights whose output overflows are refused in one line naming the network', () => {
    const huge = { ...network, readout: { channels: 1, weights: new Float64Array(network.readout.weights.length).fill(1.7976931348623157e308) } };
    const message = taskRefusal(() => runSimulationTask({ network: huge, gains: null, target, includeRates: false }));
    expect(message).toMatch(/^the output of network "Synthetic N=20" is (NaN|-?Infinity) at sample \d+ of channel 1: its W, x0 or readout weights are too large/);
    expect(message).not.toContain('\n');
    // without a target too
    expect(taskRefusal(() => runSimulationTask({ network: huge, gains: null, target: null, includeRates: false }))).toMatch(/^the output of/);
  });

  it('a finite output too far from the target to square is refused', () => {
    const weights = new Float64Array(network.readout.weights.length);
    weights[1] = 1e154; // the first E neuron's weight (index 0 is the offset)
    const far = { ...network, readout: { channels: 1, weights } };
    expect(taskRefusal(() => runSimulationTask({ network: far, gains: null, target, includeRates: false }))).toMatch(/^the error of network "Synthetic N=20" against the target is Infinity/);
  });

  it('a target that does not vary: the output, no error (it was Infinity or NaN)', () => {
    const flat = { ...target, values: new Float64Array(target.values.length).fill(0.5) };
    const shown = runSimulationTask({ network, gains: null, target: flat, includeRates: false });
    expect(Number.isFinite(normalisedError(shown.output, flat.values, 1, shown.nSamples))).toBe(false);
    expect(shown.error).toBeNull();
    expect(shown.output.every(Number.isFinite)).toBe(true);
  });

  it('an ordinary simulation is unchanged: its error is normalisedError of its output', () => {
    const shown = runSimulationTask({ network, gains: null, target, includeRates: false });
    expect(shown.error).toBe(normalisedError(shown.output, target.values, 1, shown.nSamples));
    expect(simulationProblem(shown.output, shown.nSamples, shown.error, 'x')).toBeNull();
  });
});
