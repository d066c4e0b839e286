/**
 * `gainlab run FILE`: repeat a training run from its recipe (src-shared/runs/recipe.ts) — the JSON
 * the app's "Export run" writes, with the .npy files it names beside it, or the .zip holding both.
 * The run goes through the very task a job runs in the app's worker pool (src-shared/tasks
 * runTrainingTask), so it gets the same numbers bit for bit; when the recipe recorded its results the
 * repeat is compared with them (SHA-256 of every session's error curve) and a mismatch exits 1.
 * Writes to --out (default: <recipe stem>-repeat beside the recipe): errors-session-K.npy,
 * best-gains.npy (sessions × n), for gradient runs on x0 / W / rank1 also the trained best-x0.npy
 * (sessions × n), best-W.npy (sessions × n × n) or best-u.npy and best-v.npy (sessions × n each),
 * and summary.json. When the recipe recorded the trained arrays, their SHA-256 take part in the
 * comparison. stdout gets one JSON summary.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { trainingRequestSchema, type TrainingResult } from '../../src-shared/ipc/contract.js';
import { NpyError, parseNpy } from '../../src-shared/formats/npy.js';
import { recipeZipEntries } from '../../src-shared/runs/recipeArchive.js';
import {
  compareWithRecipe,
  parseRunRecipe,
  RecipeError,
  trainedArrays,
  trainingRequestFromRecipe,
  type RecipeArray,
  type RunRecipe,
} from '../../src-shared/runs/recipe.js';
import { contextWith, TaskError, type TaskContext } from '../../src-shared/tasks/context.js';
import { runTrainingTask } from '../../src-shared/tasks/training.js';
import { cliTaskContext, CliError, ensureOutputDir, optionsLine, parseOptions, progressReporter, resolvePath, usageText, writeJsonFile, writeNpyFile, type CliIo, type CommandSpec, gainlabVersion } from '../cliSupport.js';

export const spec: CommandSpec = {
  name: 'run',
  summary: 'Repeat a training run from its recipe (run JSON with its .npy files, or the exported .zip).',
  options: {
    recipe: { type: 'string', value: 'FILE', description: 'the run recipe (.json beside its .npy files, or .zip); also the first plain argument' },
    out: { type: 'string', value: 'DIR', description: 'output directory (default: NAME-repeat beside the recipe NAME.json or NAME.zip)' },
  },
  // every session of the run, stacked (gainlab train writes the best session's arrays alone)
  writes: {
    where: 'to --out DIR (every session of the run; NumPy shapes)',
    files: [
      ['best-gains.npy', "(sessions, n) row k: session k + 1's best gains; for gainlab train's best-gains.npy take row bestSession (0-based)"],
      ['errors-session-K.npy', "(trials + 1,) session K's error per trial (K from 1), as train's errors.npy"],
      ['best-x0.npy, best-W.npy', 'gradient runs on x0: (sessions, n); W: (sessions, n, n); rank1: best-u.npy and best-v.npy, (sessions, n)'],
      ['summary.json', 'the JSON summary printed on stdout, with the comparison to the recorded results (identical)'],
    ],
  },
};

export const USAGE = usageText(spec);

interface LoadedRecipe {
  recipe: RunRecipe;
  load: (file: string) => RecipeArray;
}

function npyFromBytes(bytes: Uint8Array, file: string): RecipeArray {
  try {
    const { shape, data } = parseNpy(bytes);
    return { shape, data };
  } catch (error) {
    if (error instanceof NpyError) throw new CliError(`gainlab run: ${file} is not a valid .npy file (${error.message})`);
    throw error;
  }
}

/**
 * What a binary file given as the recipe is ('a NumPy .npy file', 'a binary file'), or null for
 * text: its bytes would otherwise be quoted in the JSON parser's message.
 */
function binaryKind(bytes: Uint8Array): string | null {
  const head = bytes.subarray(0, 512);
  if (head[0] === 0x93 && new TextDecoder().decode(head.subarray(1, 6)) === 'NUMPY') return 'a NumPy .npy file';
  // JSON text never holds a NUL byte; images, archives and arrays do
  return head.includes(0) ? 'a binary file' : null;
}

/** Read a recipe from a .json (arrays beside it) or a .zip (recipe and arrays inside). */
export function loadRecipeFile(file: string): LoadedRecipe {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(file));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') {
      // a run's output folder (train --out, run --out) holds its recipe.json: say so rather than 'EISDIR'
      const inside = path.join(file, 'recipe.json');
      throw new CliError(`gainlab run: ${file} is a folder; give a recipe file${existsSync(inside) ? `, e.g. ${inside}` : ' (recipe.json, or a .zip exported by the app)'}`);
    }
    throw new CliError(code === 'ENOENT' ? `gainlab run: ${file} not found` : `gainlab run: cannot read ${file} (${code ?? String(error)})`);
  }
  try {
    if (bytes[0] === 0x50 && bytes[1] === 0x4b) {
      // the bounded reader of project files: each entry inflated only when needed, with a cap
      const byName = recipeZipEntries(bytes, path.basename(file));
      const recipeName = [...byName.keys()].find((name) => name.endsWith('.json'));
      if (!recipeName) throw new CliError(`gainlab run: ${file} holds no run recipe (.json)`);
      const recipe = parseRunRecipe(new TextDecoder().decode(byName.get(recipeName)!()));
      return {
        recipe,
        load: (name) => {
          const read = byName.get(name);
          if (!read) throw new CliError(`gainlab run: ${file} does not contain ${name}, which the recipe needs`);
          return npyFromBytes(read(), name);
        },
      };
    }
    const binary = binaryKind(bytes);
    if (binary) throw new CliError(`gainlab run: ${file} is ${binary}, not a run recipe; give the recipe.json that gainlab train writes into its --out folder (its .npy files beside it), or a run .zip exported by the app`);
    const recipe = parseRunRecipe(new TextDecoder().decode(bytes));
    const dir = path.dirname(file);
    return {
      recipe,
      load: (name) => {
        const full = path.join(dir, name);
        let data: Uint8Array;
        try {
          data = new Uint8Array(readFileSync(full));
        } catch {
          throw new CliError(`gainlab run: ${full} not found (the recipe needs it beside ${path.basename(file)})`);
        }
        return npyFromBytes(data, full);
      },
    };
  } catch (error) {
    if (error instanceof RecipeError) throw new CliError(`gainlab run: ${file}: ${error.message}`);
    throw error;
  }
}

/** Run a recipe's training through the training task, in this thread. */
export async function repeatRecipe(loaded: LoadedRecipe, ctx: TaskContext = contextWith({})): Promise<TrainingResult> {
  let request;
  try {
    request = trainingRequestFromRecipe(loaded.recipe, loaded.load);
  } catch (error) {
    if (error instanceof RecipeError) throw new CliError(`gainlab run: ${error.message}`);
    throw error;
  }
  const options = trainingRequestSchema.parse(request);
  if (options.source.kind !== 'inline') throw new CliError('gainlab run: the recipe has no inline data');
  const { source, label: _label, purpose: _purpose, ...settings } = options;
  try {
    return runTrainingTask({ ...settings, sessions: settings.rule === 'gradient' ? 1 : settings.sessions, network: source.network, targets: source.targets }, ctx);
  } catch (error) {
    if (error instanceof TaskError) throw new CliError(`gainlab run: ${error.message}`);
    throw error;
  }
}

export async function run(argv: string[], io: CliIo): Promise<number> {
  // `gainlab run FILE` as well as `gainlab run --recipe FILE`
  const args = [...argv];
  if (args.length > 0 && !args[0].startsWith('-')) args.splice(0, 1, '--recipe', args[0]);
  const o = parseOptions(spec, args);
  if (!o) {
    io.stdout.write(USAGE);
    return 0;
  }
  if (!o.recipe) throw new CliError('gainlab run: give the recipe file (gainlab run FILE)', optionsLine(spec));
  const file = resolvePath(io, o.recipe as string);
  const loaded = loadRecipeFile(file);
  const { recipe } = loaded;
  const stem = path.basename(file).replace(/\.(json|zip)$/i, '');
  const outDir = o.out ? resolvePath(io, o.out as string) : path.join(path.dirname(file), `${stem}-repeat`);
  ensureOutputDir(outDir);

  const total = recipe.training.trials * recipe.training.sessions;
  const bar = progressReporter(io.stderr, `run ${recipe.training.rule}`, total);
  const started = Date.now();
  const result = await repeatRecipe(loaded, cliTaskContext(bar, io.shouldStop));
  const elapsedMs = Date.now() - started;
  const best = result.sessions[result.bestSession];
  bar.finish(result.sessions.reduce((sum, s) => sum + s.trialsRun, 0), `best ${best ? best.bestError.toPrecision(4) : '-'}`);

  const n = recipe.network.n;
  const gains = new Float64Array(result.sessions.length * n);
  result.sessions.forEach((session, k) => {
    gains.set(session.bestGains, k * n);
    writeNpyFile(path.join(outDir, `errors-session-${k + 1}.npy`), session.errorCurve, [session.errorCurve.length]);
  });
  writeNpyFile(path.join(outDir, 'best-gains.npy'), gains, [result.sessions.length, n]);
  // what gradient runs on x0 / W / rank1 trained, stacked over sessions like the gains
  const trainedFiles: string[] = [];
  const perSession = result.sessions.map((_, k) => trainedArrays(result, k, n).filter((array) => array.name !== 'gains'));
  for (const [index, first] of (perSession[0] ?? []).entries()) {
    const stacked = new Float64Array(result.sessions.length * first.data.length);
    perSession.forEach((arrays, k) => stacked.set(arrays[index].data, k * first.data.length));
    const file = `best-${first.name}.npy`;
    writeNpyFile(path.join(outDir, file), stacked, [result.sessions.length, ...first.shape]);
    trainedFiles.push(file);
  }
  const comparison = compareWithRecipe(recipe, result);
  const summary = {
    command: 'run',
    recipe: file,
    label: recipe.label,
    gainlabVersion: gainlabVersion(),
    recordedWith: recipe.gainlabVersion,
    rule: recipe.training.rule,
    trainable: recipe.training.trainable,
    sessions: result.sessions.length,
    initialError: result.initialError,
    bestErrors: result.sessions.map((s) => s.bestError),
    bestSession: result.bestSession,
    partial: result.partial,
    /** best-x0.npy, best-W.npy or best-u.npy + best-v.npy beside best-gains.npy (gradient runs on those). */
    trainedFiles,
    elapsedMs,
    /** null: the recipe recorded no results to compare with. */
    identical: comparison ? comparison.identical : null,
    out: outDir,
  };
  writeJsonFile(path.join(outDir, 'summary.json'), { ...summary, comparison });
  io.stdout.write(`${JSON.stringify(summary)}\n`);
  if (comparison && !comparison.identical) {
    io.stderr.write('gainlab run: the repeat differs from the recorded results (see summary.json)\n');
    return 1;
  }
  return 0;
}
