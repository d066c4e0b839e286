/**
 * Fuzzing "Open run" (src-shared/runs/recipeArchive.ts openRunFiles, the renderer's import of an
 * exported run): the exported .zip mutated byte by byte, its recipe JSON mutated semantically, and
 * the recipe picked with mutated .npy files beside it. Each case must open into a training request
 * or be refused with one line of RecipeError.
 */
import { strFromU8, strToU8, unzipSync } from 'fflate';
import { describe, it } from 'vitest';
import { invokeContract } from '../../src-shared/ipc/contract.js';
import { RecipeError } from '../../src-shared/runs/recipe.js';
import { openRunFiles, runArchive } from '../../src-shared/runs/recipeArchive.js';
import { syntheticNetwork, syntheticTarget } from '../main/fixtures/syntheticModel.js';
import { expectNoFailures, mutateBytes, mutateJson, refusesCleanly, runCases } from './fuzz.js';

const network = syntheticNetwork();
const archive = runArchive(
  invokeContract['jobs:start-training'].request.parse({
    source: { kind: 'inline', network, targets: [syntheticTarget(network)] },
    rule: 'gradient',
    trainable: 'x0',
    trials: 10,
    learningRate: 0.01,
    groups: { kind: 'neuron' },
    seed: 4,
    label: 'fuzz',
  }),
  null,
  '0.0.0-fuzz',
  '2026-01-01T00:00:00.000Z',
);
const entries = unzipSync(archive.bytes);
const recipeName = Object.keys(entries).find((name) => name.endsWith('.json'))!;
const recipe = JSON.parse(strFromU8(entries[recipeName])) as unknown;

describe('fuzzing Open run', () => {
  it('the exported .zip, its recipe and its .npy files, mutated', async () => {
    const result = await runCases('open run', 2718, 250, (fz) => {
      const kind = fz.pick(['zip', 'json', 'npy'] as const);
      let files: { name: string; bytes: Uint8Array }[];
      let description: string;
      if (kind === 'zip') {
        const mutated = mutateBytes(archive.bytes, fz);
        files = [{ name: archive.fileName, bytes: mutated.bytes }];
        description = `zip: ${mutated.description}`;
      } else if (kind === 'json') {
        const mutated = mutateJson(recipe, fz);
        files = Object.entries(entries).map(([name, bytes]) => ({ name, bytes: name === recipeName ? strToU8(mutated.text) : bytes }));
        description = `recipe: ${mutated.description}`;
      } else {
        const name = fz.pick(Object.keys(entries).filter((n) => n.endsWith('.npy')));
        const npy = entries[name];
        const mutated = mutateBytes(npy, fz, [[0, 10 + (npy[8] | (npy[9] << 8))]]);
        files = Object.entries(entries).map(([n, bytes]) => ({ name: n, bytes: n === name ? mutated.bytes : bytes }));
        description = `${name}: ${mutated.description}`;
      }
      return { description, run: (outcome) => refusesCleanly(() => openRunFiles(files), RecipeError, () => null, outcome) };
    });
    expectNoFailures(result);
  });
});
