/**
 * Run recipes as one .zip: "Export run" (the app, from main's copy of a stored run) packs the recipe JSON and the .npy files it names into
 * one .zip (a browser download cannot write several files beside each other; unzipped, the JSON
 * sits beside its data exactly as `gainlab run FILE` expects, and `gainlab run` reads the .zip too).
 * "Open run" reads such a .zip, or a JSON picked together with its .npy files.
 */
import { strFromU8, strToU8, zipSync } from 'fflate';
import type { TrainingOptions, TrainingRequest, TrainingResult } from '../ipc/contract.js';
import { encodeNpy, NPY_MAX_HEADER_BYTES, NpyError, parseNpy } from '../formats/npy.js';
import { ProjectFileError } from '../project/errors.js';
import { bytesText } from '../project/limits.js';
import { plainZipReason, ZipArchive } from '../project/zipReader.js';
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

/** Bytes of the recipe JSON in a .zip (a recipe is a few kB). */
const RECIPE_JSON_CAP = 16 * 2 ** 20;
/**
 * Bytes of one .npy in a recipe .zip: the largest array a run can have — W at MAX_N (32 MB), a target of
 * 64 channels × MAX_SAMPLES (51 MB) — with its header.
 */
const RECIPE_ARRAY_CAP = 64 * 2 ** 20 + NPY_MAX_HEADER_BYTES + 12;

/**
 * The entries of a recipe .zip by base name (a zip made by hand may put everything in one folder),
 * each inflated only when read and with a cap (the bounded reader of project files, zipReader.ts):
 * JSON files at most 16 MiB, anything else 64 MiB. Every refusal is a RecipeError saying
 * "`fileName` is not a readable zip (…)".
 */
export function recipeZipEntries(bytes: Uint8Array, fileName: string): Map<string, () => Uint8Array> {
  const readable = <T>(read: () => T): T => {
    try {
      return read();
    } catch (error) {
      if (error instanceof ProjectFileError) {
        throw new RecipeError(`${fileName} is not a readable zip (${plainZipReason(error)})`);
      }
      throw error;
    }
  };
  const zip = readable(() => ZipArchive.open(bytes));
  const entries = new Map<string, () => Uint8Array>();
  for (const entry of zip.entries.values()) {
    if (entry.name.endsWith('/')) continue;
    const name = entry.name.split('/').pop() ?? entry.name;
    const json = name.toLowerCase().endsWith('.json');
    const cap = json ? RECIPE_JSON_CAP : RECIPE_ARRAY_CAP;
    const capText = json ? `the ${bytesText(cap)} a run recipe may have` : `the ${bytesText(cap)} the largest array of a recipe needs`;
    entries.set(name, () => readable(() => zip.read(entry, cap, name, capText)));
  }
  return entries;
}

export interface OpenedRun {
  recipe: RunRecipe;
  request: TrainingRequest;
}

/** Files as picked: one .zip, or the recipe .json with its .npy files. */
export function openRunFiles(files: Array<{ name: string; bytes: Uint8Array }>): OpenedRun {
  const byName = new Map<string, () => Uint8Array>();
  for (const file of files) {
    const isZip = file.bytes[0] === 0x50 && file.bytes[1] === 0x4b;
    if (isZip) for (const [name, read] of recipeZipEntries(file.bytes, file.name)) byName.set(name, read);
    else byName.set(file.name, () => file.bytes);
  }
  const recipeName = [...byName.keys()].find((name) => name.toLowerCase().endsWith('.json'));
  if (!recipeName) throw new RecipeError('no run recipe (.json) among the files');
  const recipe = parseRunRecipe(strFromU8(byName.get(recipeName)!()));
  const request = trainingRequestFromRecipe(recipe, (name) => {
    const read = byName.get(name);
    if (!read) throw new RecipeError(`${name} is missing: pick it together with the recipe, or open the exported .zip`);
    try {
      const parsed = parseNpy(read());
      return { data: parsed.data, shape: parsed.shape };
    } catch (error) {
      if (error instanceof NpyError) throw new RecipeError(`${name} is not a valid .npy file (${error.message})`);
      throw error;
    }
  });
  return { recipe, request };
}

