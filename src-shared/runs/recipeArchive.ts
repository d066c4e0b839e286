/**
 * Run recipes as one .zip: "Export run" (the app, from main's copy of a stored run) packs the recipe JSON and the .npy files it names into
 * one .zip (a browser download cannot write several files beside each other; unzipped, the JSON
 * sits beside its data exactly as `gainlab run FILE` expects, and `gainlab run` reads the .zip too).
 * "Open run" reads such a .zip, or a JSON picked together with its .npy files.
 */
import { strToU8, unzipSync, zipSync } from 'fflate';
import type { TrainingOptions, TrainingRequest, TrainingResult } from '../ipc/contract.js';
import { encodeNpy, parseNpy } from '../formats/npy.js';
import { buildRunRecipe, fileStem, parseRunRecipe, RecipeError, trainingRequestFromRecipe, type RunRecipe } from './recipe.js';

export interface RunArchive {
  fileName: string;
  bytes: Uint8Array;
  recipe: RunRecipe;
}

export function runArchive(request: TrainingOptions, result: TrainingResult | null, gainlabVersion: string, createdAt?: string): RunArchive {
  const stem = fileStem(request.label ?? 'run');
  const { recipe, arrays } = buildRunRecipe({ request, result, gainlabVersion, stem, createdAt });
  const entries: Record<string, Uint8Array> = { [`${stem}.json`]: strToU8(`${JSON.stringify(recipe, null, 2)}\n`) };
  for (const [name, array] of Object.entries(arrays)) entries[name] = encodeNpy(array.data, array.shape);
  return { fileName: `${stem}.gainlab-run.zip`, bytes: zipSync(entries, { level: 6 }), recipe };
}

export interface OpenedRun {
  recipe: RunRecipe;
  request: TrainingRequest;
}

/** Files as picked: one .zip, or the recipe .json with its .npy files. */
export function openRunFiles(files: Array<{ name: string; bytes: Uint8Array }>): OpenedRun {
  const byName = new Map<string, Uint8Array>();
  for (const file of files) {
    const isZip = file.bytes[0] === 0x50 && file.bytes[1] === 0x4b;
    if (isZip) {
      let entries: Record<string, Uint8Array>;
      try {
        entries = unzipSync(file.bytes);
      } catch {
        throw new RecipeError(`${file.name} is not a readable zip`);
      }
      for (const [name, data] of Object.entries(entries)) byName.set(name.split('/').pop() ?? name, data);
    } else {
      byName.set(file.name, file.bytes);
    }
  }
  const recipeName = [...byName.keys()].find((name) => name.toLowerCase().endsWith('.json'));
  if (!recipeName) throw new RecipeError('no run recipe (.json) among the files');
  const recipe = parseRunRecipe(new TextDecoder().decode(byName.get(recipeName)));
  const request = trainingRequestFromRecipe(recipe, (name) => {
    const bytes = byName.get(name);
    if (!bytes) throw new RecipeError(`${name} is missing: pick it together with the recipe, or open the exported .zip`);
    const parsed = parseNpy(bytes);
    return { data: parsed.data, shape: parsed.shape };
  });
  return { recipe, request };
}

