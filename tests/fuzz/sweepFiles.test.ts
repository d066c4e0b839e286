/**
 * Fuzzing sweep files (`gainlab sweep plan/run FILE`): a valid sweep over a network folder and one
 * over a project file, mutated semantically, then loaded, expanded and checked against their
 * inputs as `sweep plan` does before it measures anything (src-cli/sweep/loadSweep.ts). Each case
 * must plan, or be refused with a CliError of one line.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CliError } from '../../src-cli/cliSupport.js';
import { checkTasks, loadSweep, sweepInputs } from '../../src-cli/sweep/loadSweep.js';
import { encodeNpy } from '../../src-shared/formats/npy.js';
import { generateTarget } from '../../src-shared/model/targets.js';
import { encodeProject } from '../../src-shared/project/archive.js';
import { sampleProject } from '../project/fixtures.js';
import { syntheticNetwork } from '../main/fixtures/syntheticModel.js';
import { expectNoFailures, mutateJson, numericLeaves, refusesCleanly, runCases } from './fuzz.js';

const root = mkdtempSync(path.join(tmpdir(), 'gainlab-fuzz-sweeps-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const network = syntheticNetwork();
mkdirSync(path.join(root, 'net'));
writeFileSync(path.join(root, 'net', 'W.npy'), encodeNpy(network.W, [network.n, network.n]));
writeFileSync(path.join(root, 'net', 'x0.npy'), encodeNpy(network.x0, [network.n]));
writeFileSync(path.join(root, 'net', 'readout.npy'), encodeNpy(network.readout.weights, [1 + network.nE]));
writeFileSync(path.join(root, 'target.npy'), encodeNpy(generateTarget(1).values, [generateTarget(1).values.length]));
writeFileSync(path.join(root, 'study.gainlab'), encodeProject(sampleProject()));

const SWEEPS = [
  {
    schemaVersion: 1,
    name: 'fuzz-net',
    description: 'a sweep over a network folder',
    base: { source: { networkDir: 'net', targets: ['target.npy', { generated: 2 }] }, rule: 'reward', trials: 100, seed: 1, sigma: 0.001, alpha: 0.3, groups: 'N' },
    design: 'grid',
    factors: { seed: [1, 2], groups: [5, { kind: 'random', count: 4 }], sigma: [0.001, 0.002], targets: ['target.npy', ['target.npy', { generated: 3 }]] },
  },
  {
    schemaVersion: 1,
    name: 'fuzz-project',
    base: { source: { project: 'study.gainlab', networkId: 'net-a', targetIds: [{ generated: 4 }] }, rule: 'gradient', trials: 50, learningRate: 0.01, groups: 3 },
    design: 'list',
    tasks: [{ seed: 1 }, { seed: 2, groups: 'N' }, { trials: 10, rule: 'reward', sigma: 0.01 }],
  },
];

describe('fuzzing sweep files', () => {
  it('the unmutated sweeps plan', () => {
    SWEEPS.forEach((sweep, k) => {
      const file = path.join(root, `valid-${k}.sweep.json`);
      writeFileSync(file, JSON.stringify(sweep));
      const loaded = loadSweep(file);
      expect(checkTasks(loaded, sweepInputs(loaded)).size).toBeGreaterThan(1);
    });
  });

  it('sweep files mutated semantically, loaded and checked as `sweep plan` does', async () => {
    const result = await runCases('sweep file', 31337, 300, (fz, index) => {
      const mutated = mutateJson(fz.pick(SWEEPS), fz, fz.chance(0.5) ? numericLeaves : undefined);
      const file = path.join(root, `case-${index}.sweep.json`);
      return {
        description: mutated.description,
        run: (outcome) => {
          writeFileSync(file, mutated.text);
          return refusesCleanly(
            () => {
              const loaded = loadSweep(file);
              return checkTasks(loaded, sweepInputs(loaded));
            },
            CliError,
            (hashes) => (hashes.size > 0 ? null : 'planned no tasks'),
            outcome,
          );
        },
      };
    });
    expectNoFailures(result);
  });
});
