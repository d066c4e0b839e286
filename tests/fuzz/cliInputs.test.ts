/**
 * Fuzzing the command line's input files, run in-process (tests/helpers/cli.ts runCli): run
 * recipes (`gainlab run`, the JSON with its .npy files beside it, and the exported .zip) and
 * network folders (`gainlab simulate` and `train --net DIR`: W.npy, x0.npy, readout.npy, and a target). Each
 * case must exit 0, or 2 with one line on stderr naming the problem; never 1 with a stack.
 * Runs a mutation leaves valid are stopped after a moment (Ctrl-C, shouldStop).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { afterAll, describe, it } from 'vitest';
import { invokeContract } from '../../src-shared/ipc/contract.js';
import { encodeNpy } from '../../src-shared/formats/npy.js';
import { generateTarget } from '../../src-shared/model/targets.js';
import { buildRunRecipe } from '../../src-shared/runs/recipe.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { syntheticNetwork, syntheticTarget } from '../main/fixtures/syntheticModel.js';
import { expectNoFailures, type Fuzz, messageProblem, mutateBytes, mutateJson, numericLeaves, runCases } from './fuzz.js';

const root = mkdtempSync(path.join(tmpdir(), 'gainlab-fuzz-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const network = syntheticNetwork();
const target = syntheticTarget(network);
const bundle = buildRunRecipe({
  request: invokeContract['jobs:start-training'].request.parse({
    source: { kind: 'inline', network, targets: [target] },
    rule: 'reward',
    trials: 20,
    sigma: 0.01,
    alpha: 0.3,
    groups: { kind: 'random', count: 4 },
    seed: 3,
    sessions: 1,
    label: 'fuzz',
  }),
  result: null,
  gainlabVersion: '0.0.0-fuzz',
  createdAt: '2026-01-01T00:00:00.000Z',
});
const recipeNpy: Record<string, Uint8Array> = Object.fromEntries(Object.entries(bundle.arrays).map(([name, a]) => [name, encodeNpy(a.data, a.shape)]));

/** The CLI's promise for input files: 0, or 2 with one line; 1 only for a repeat that differs. */
function cliProblem(result: CliResult, outcome: (kind: string) => void): string | null {
  const lines = result.stderr.split('\n').filter((line) => line !== '');
  const last = lines[lines.length - 1] ?? '';
  outcome(`exit ${result.code}`);
  // a non-finite result: printed as NaN/Infinity, or null in a JSON summary's errors
  if (result.code === 0) return /\b(NaN|Infinity)\b|"[a-zA-Z]*[eE]rrors?":(null|\[[^\]]*null)/.test(result.stdout) ? `exit 0 with a non-finite result: ${result.stdout.slice(0, 300)}` : null;
  if (result.code === 2) {
    // progress lines may come first; the refusal is the last line. Some refusals append the
    // command's option list on purpose (CliError.usage, cliSupport.ts optionsLine): the bound is on the message.
    return messageProblem(last.replace(/; valid options: .* \(see gainlab [a-z-]+ --help\)$/, ''));
  }
  if (result.code === 1 && /differs from the recorded results/.test(last) && !/unexpected error/.test(result.stderr)) return null;
  return `exit ${result.code}: ${result.stderr.slice(0, 400)}`;
}

/** `gainlab ARGS` in `dir`, stopped (as with Ctrl-C) once it has run for a second. */
async function cli(dir: string, argv: string[]): Promise<CliResult> {
  const started = performance.now();
  return runCli(dir, argv, () => performance.now() - started > 1000);
}

function caseDir(name: string, index: number): string {
  const dir = path.join(root, `${name}-${index}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** One .npy of `files` mutated (its header most often). */
function mutateOneNpy(files: Record<string, Uint8Array>, fz: Fuzz): { files: Record<string, Uint8Array>; description: string } {
  const name = fz.pick(Object.keys(files));
  const npy = files[name];
  if (fz.chance(0.25)) {
    // well formed, extreme values
    const value = fz.pick([1e308, -1e308, 5e-324, 1e154]);
    const length = (npy.length - 128) / 8;
    const data = Float64Array.from({ length: Math.max(0, length) }, (_, i) => (i % 2 ? value : -value));
    return { files: { ...files, [name]: encodeNpy(data, [data.length]) }, description: `${name} = ±${value} (1-D)` };
  }
  const headerEnd = 10 + (npy[8] | (npy[9] << 8));
  const mutated = mutateBytes(npy, fz, [[0, headerEnd]]);
  return { files: { ...files, [name]: mutated.bytes }, description: `${name}: ${mutated.description}` };
}

describe('fuzzing CLI input files', () => {
  it('gainlab run: the recipe JSON, its .npy files and the .zip', async () => {
    const result = await runCases('gainlab run', 9001, 150, (fz, index) => {
      const kind = fz.pick(['json', 'json', 'npy', 'zip'] as const);
      let files: Record<string, Uint8Array> = recipeNpy;
      let recipeText = JSON.stringify(bundle.recipe, null, 2);
      let description: string;
      if (kind === 'json') {
        const mutated = mutateJson(bundle.recipe, fz, fz.chance(0.5) ? numericLeaves : undefined);
        recipeText = mutated.text;
        description = `recipe.json: ${mutated.description}`;
      } else {
        const mutated = mutateOneNpy(files, fz);
        files = mutated.files;
        description = mutated.description;
      }
      return {
        description,
        run: async (outcome) => {
          const dir = caseDir('run', index);
          let file = path.join(dir, 'recipe.json');
          if (kind === 'zip') {
            const zip = zipSync({ 'recipe.json': strToU8(recipeText), ...recipeNpy }, { mtime: new Date(Date.UTC(2000, 0, 1)) });
            const mutated = mutateBytes(zip, fz);
            description = `recipe.zip: ${mutated.description}`;
            file = path.join(dir, 'recipe.zip');
            writeFileSync(file, mutated.bytes);
          } else {
            writeFileSync(file, recipeText);
            for (const [name, bytes] of Object.entries(files)) writeFileSync(path.join(dir, name), bytes);
          }
          return cliProblem(await cli(dir, ['run', path.basename(file), '--out', 'out']), outcome);
        },
      };
    });
    expectNoFailures(result);
  });

  it('gainlab simulate and train: the network folder and the target', async () => {
    const netFiles: Record<string, Uint8Array> = {
      'W.npy': encodeNpy(network.W, [network.n, network.n]),
      'x0.npy': encodeNpy(network.x0, [network.n]),
      'readout.npy': encodeNpy(network.readout.weights, [1 + network.nE]),
      // on the network folder's grid (the default dynamics)
      'target.npy': encodeNpy(generateTarget(1).values, [generateTarget(1).values.length]),
    };
    const result = await runCases('gainlab simulate/train', 4711, 200, (fz, index) => {
      const mutated = mutateOneNpy(netFiles, fz);
      // the first 150 cases simulate (as they always did: their seeds stay), the rest train
      const command = index < 150 ? ['simulate'] : ['train', '--trials', '3', '--rule', fz.pick(['reward', 'gradient'])];
      return {
        description: `${command.join(' ')}: ${mutated.description}`,
        run: async (outcome) => {
          const dir = caseDir('net', index);
          mkdirSync(path.join(dir, 'net'));
          for (const [name, bytes] of Object.entries(mutated.files)) writeFileSync(path.join(dir, name === 'target.npy' ? name : `net/${name}`), bytes);
          return cliProblem(await cli(dir, [...command, '--net', 'net', '--target', 'target.npy', '--out', 'out']), outcome);
        },
      };
    });
    expectNoFailures(result);
  });
});
