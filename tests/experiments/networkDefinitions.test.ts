/**
 * Every experiment lists the GainLab definitions its network really rested on
 * (src-shared/experiments/setup.ts `networkDefinitions`, used by src-shared/experiments/fig1.ts,
 * src-shared/experiments/supp1f.ts, src-shared/experiments/supp2.ts, src-shared/experiments/fig4.ts,
 * src-shared/experiments/supp3.ts, src-shared/experiments/fig6.ts, src-shared/experiments/supp5.ts,
 * src-shared/experiments/fig8.ts; the view's list before a run: src-shared/experiments/catalog.ts
 * `definitionsOnGivenNetwork`):
 * - on its own network: 'own-soc-network' and 'readout-nnls';
 * - on a given network (the published one with `gainlab experiment --net DIR`, a project network
 *   in the Experiments view), which keeps its readout: neither — before, fig4, supp3, fig6, fig8,
 *   supp2 and supp5 listed both whatever the network;
 * - unless the run refits a readout on it: Supp. 4's r0 = 5 Hz (supp3) and Supp. 5's movements
 *   after the first (supp5) still list 'readout-nnls';
 * - supp2 builds its own networks for panels e–h at every size but the given network's, so it
 *   lists 'own-soc-network' unless every size is the given one; its Supp. 2e figure of the given
 *   network does not.
 * Runs are tiny (N = 20, a pool of 2, a few iterations): only the definitions lists are checked.
 */
import { describe, expect, it } from 'vitest';
import type { DefinitionId } from '../../src-shared/definitions.js';
import { experimentInfo } from '../../src-shared/experiments/catalog.js';
import { runFig1 } from '../../src-shared/experiments/fig1.js';
import { runFig4 } from '../../src-shared/experiments/fig4.js';
import { runFig6 } from '../../src-shared/experiments/fig6.js';
import { runFig8 } from '../../src-shared/experiments/fig8.js';
import type { SetupSummary } from '../../src-shared/experiments/setup.js';
import { runSupp1f } from '../../src-shared/experiments/supp1f.js';
import { runSupp2 } from '../../src-shared/experiments/supp2.js';
import { runSupp3 } from '../../src-shared/experiments/supp3.js';
import { runSupp5 } from '../../src-shared/experiments/supp5.js';
import { socNetwork, type ExperimentResult } from '../../src-shared/experiments/support.js';
import type { ExperimentName } from '../../src-shared/ipc/contract.js';

const N = 20;
// the given network: built by GainLab here, but handed in as a project's network would be
const given = socNetwork(N, 5).network;
const NETWORK_DEFINITIONS: DefinitionId[] = ['own-soc-network', 'readout-nnls'];

const listed = (result: ExperimentResult) => (result.summary.setup as SetupSummary).definitions.map((d) => d.id);
const networkPart = (result: ExperimentResult) => listed(result).filter((id) => NETWORK_DEFINITIONS.includes(id));

/** Tiny runs of each experiment, on its own network (network undefined) or on the given one. */
const tiny: Record<ExperimentName, (network: typeof given | undefined) => ExperimentResult> = {
  fig1: (network) => runFig1({ quick: true, seed: 1, network, n: N, sessions: 1, trials: 5, noiseSamples: 1 }),
  supp1f: (network) => runSupp1f({ quick: true, seed: 1, network, n: N, targets: 1, iterations: 2 }),
  supp2: (network) => runSupp2({ quick: true, seed: 1, network, settings: { n: N, groupCounts: [2], improvementGroups: [2], sharedGroups: 2, movements: 1, novelMovements: 1, sessions: 1, trials: 3, specialiseIterations: 2, sizes: [N], sizeGroups: [2] } }),
  fig4: (network) => runFig4({ quick: true, seed: 1, network, settings: { n: N, pool: 2, sizes: [1], libraries: 1, novelTargets: 1, iterations: 2, refineSize: 1, refineIterations: 2 } }),
  supp3: (network) => runSupp3({ quick: true, seed: 1, network, settings: { n: N, pool: 2, sizes: [1], libraries: 1, novelTargets: 1, lowRateSizes: [1], iterations: 2 } }),
  fig6: (network) => runFig6({ quick: true, seed: 1, network, settings: { n: N, groups: 4, speeds: 2, maxFactor: 2, iterations: 2, trials: 3, sliderUpdates: 1, lambdaStep: 0.5 } }),
  supp5: (network) => runSupp5({ quick: true, seed: 1, network, settings: { n: N, groups: 4, movements: 2, sessions: 1, trials: 3, iterations: 2, conditionSweep: [2], exampleConditions: 2, noisyDraws: 1 } }),
  fig8: (network) => runFig8({ quick: true, seed: 1, network, settings: { n: N, groups: 4, librarySize: 2, novelTargets: 1, iterations: 2 } }),
};

/** What each experiment does with a given network's readout: kept, or refitted (NNLS) for a part of the run. */
const refitsOnGiven: Record<ExperimentName, boolean> = { fig1: false, supp1f: false, supp2: false, fig4: false, supp3: true, fig6: false, supp5: true, fig8: false };

describe('the definitions an experiment lists for its network', () => {
  for (const name of Object.keys(tiny) as ExperimentName[]) {
    it(`${name}: own network lists both, a given one only a refitted readout`, () => {
      const own = tiny[name](undefined);
      expect(networkPart(own)).toEqual(expect.arrayContaining(NETWORK_DEFINITIONS));
      const onGiven = tiny[name](given);
      expect(onGiven.summary.n ?? given.n).toBe(N);
      expect(networkPart(onGiven)).toEqual(refitsOnGiven[name] ? ['readout-nnls'] : []);
      // the Experiments view's list before a run says the same as the run (supp2's preset sizes go beyond the given network's)
      if (name !== 'supp2') expect([...experimentInfo(name).definitionsOnGivenNetwork].sort()).toEqual([...new Set(listed(onGiven))].sort());
      expect([...experimentInfo(name).definitions].sort()).toEqual(expect.arrayContaining(NETWORK_DEFINITIONS));
    });
  }

  it('supp5 on a given network with one movement keeps its readout throughout', () => {
    const one = runSupp5({ quick: true, seed: 1, network: given, settings: { n: N, groups: 4, movements: 1, sessions: 1, trials: 3, iterations: 2, conditionSweep: [2], exampleConditions: 2, noisyDraws: 1 } });
    expect(networkPart(one)).toEqual([]);
  });

  it('supp2 on a given network builds its own networks of the other sizes, and says so per figure', () => {
    const run = runSupp2({ quick: true, seed: 1, network: given, settings: { n: N, groupCounts: [2], improvementGroups: [2], sharedGroups: 2, movements: 1, novelMovements: 1, sessions: 1, trials: 3, specialiseIterations: 2, sizes: [16, N], sizeGroups: [2] } });
    expect(networkPart(run)).toEqual(NETWORK_DEFINITIONS);
    const figureDefinitions = (name: string) => run.figures.find((f) => f.name === name)?.definitions;
    expect(figureDefinitions('supp2e_rates_N16')).toEqual(['supp2-sizes', 'own-soc-network']);
    expect(figureDefinitions(`supp2e_rates_N${N}`)).toEqual(['supp2-sizes']);
    expect(experimentInfo('supp2').definitionsOnGivenNetwork).toEqual(expect.arrayContaining(NETWORK_DEFINITIONS));
  });
});
