/**
 * A network from .npy files in the layout of the published data (../shared/reference/stroud2018):
 *   W        N×N   row i = inputs to neuron i; neurons 0..N/2−1 excitatory, the rest inhibitory
 *   x0       N     initial condition (optional: else main computes the top-m observability-Gramian
 *                  eigenvectors in a worker — an O(N³) Lyapunov solve never runs on the UI thread)
 *   readout  1+N/2 (or C×(1+N/2))  offset first, then one weight per excitatory neuron (optional)
 * Every shape and value problem is refused with a sentence naming the file and what was expected.
 */
import type { RequestOf } from '../../src-shared/ipc/contract.js';
import { NpyError, parseNpy, type ParsedNpy } from '../../src-shared/formats/npy.js';

export class NetworkImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NetworkImportError';
  }
}

export interface NamedBytes {
  name: string;
  bytes: Uint8Array;
}

/** Largest network the IPC contract carries. */
export const MAX_IMPORT_N = 2000;

function shapeText(shape: number[]): string {
  return shape.length === 0 ? 'a scalar' : shape.join('×');
}

function readNpy(file: NamedBytes): ParsedNpy {
  let parsed: ParsedNpy;
  try {
    parsed = parseNpy(file.bytes);
  } catch (error) {
    const detail = error instanceof NpyError || error instanceof Error ? error.message : String(error);
    throw new NetworkImportError(`${file.name} is not a readable .npy file: ${detail}`);
  }
  for (let i = 0; i < parsed.data.length; i++) {
    if (!Number.isFinite(parsed.data[i])) {
      throw new NetworkImportError(`${file.name} contains ${Number.isNaN(parsed.data[i]) ? 'NaN' : 'an infinite value'} at index ${i}.`);
    }
  }
  return parsed;
}

/** Length of a vector given as (k,), (k, 1) or (1, k); null for anything else. */
function vectorLength(shape: number[]): number | null {
  if (shape.length === 1) return shape[0];
  if (shape.length === 2 && (shape[0] === 1 || shape[1] === 1)) return shape[0] * shape[1];
  return null;
}

export interface ImportedNetworkOptions {
  name: string;
  /** Rows of Gramian initial conditions main computes when there is no x0 file. */
  initialConditions?: number;
}

/** The project:update `importNetwork` request for these files (checked shapes and values). */
export type NetworkImportRequest = NonNullable<RequestOf<'project:update'>['importNetwork']>;

export function networkFromNpy(
  files: { W: NamedBytes; x0?: NamedBytes | null; readout?: NamedBytes | null },
  options: ImportedNetworkOptions,
): NetworkImportRequest {
  const w = readNpy(files.W);
  if (w.shape.length !== 2 || w.shape[0] !== w.shape[1]) {
    throw new NetworkImportError(`${files.W.name} has shape ${shapeText(w.shape)}; W must be a square N×N matrix.`);
  }
  const n = w.shape[0];
  if (n < 4 || n % 2 !== 0) {
    throw new NetworkImportError(`${files.W.name} is ${n}×${n}; N must be even and at least 4 (first half excitatory, second half inhibitory).`);
  }
  if (n > MAX_IMPORT_N) throw new NetworkImportError(`${files.W.name} is ${n}×${n}; GainLab handles networks up to N = ${MAX_IMPORT_N}.`);
  const nE = n / 2;

  let x0: Float64Array | undefined;
  if (files.x0) {
    const x = readNpy(files.x0);
    const length = vectorLength(x.shape);
    if (length !== n) {
      throw new NetworkImportError(`${files.x0.name} has shape ${shapeText(x.shape)}; x0 must have N = ${n} entries to match ${files.W.name}.`);
    }
    x0 = Float64Array.from(x.data);
  }

  let readout: NetworkImportRequest['readout'];
  if (files.readout) {
    const r = readNpy(files.readout);
    const perChannel = 1 + nE;
    let channels: number;
    const length = vectorLength(r.shape);
    if (length === perChannel) channels = 1;
    else if (r.shape.length === 2 && r.shape[1] === perChannel && r.shape[0] >= 1 && r.shape[0] <= 64) channels = r.shape[0];
    else {
      throw new NetworkImportError(
        `${files.readout.name} has shape ${shapeText(r.shape)}; the readout must have 1 + N/2 = ${perChannel} entries (offset first, then one weight per excitatory neuron), or C×${perChannel} for C channels.`,
      );
    }
    readout = { channels, weights: Float64Array.from(r.data) };
  }

  return {
    name: options.name,
    n,
    W: w.data,
    ...(x0 ? { x0 } : {}),
    ...(readout ? { readout } : {}),
    initialConditions: options.initialConditions ?? 1,
    origin: `imported (${[files.W, files.x0, files.readout].filter((f): f is NamedBytes => !!f).map((f) => f.name).join(', ')})`.slice(0, 200),
  };
}

/** Which role a dropped/picked .npy file plays, from its name (W.npy, x0.npy, readout.npy). */
export function roleOfNpyFile(fileName: string): 'W' | 'x0' | 'readout' | null {
  const base = fileName.replace(/^.*[\\/]/, '').replace(/\.npy$/i, '').toLowerCase();
  if (base === 'w' || /(^|[_-])w$/.test(base) || /weights?$/.test(base)) return 'W';
  if (base === 'x0' || /x0$/.test(base) || /initial[_-]?cond/.test(base)) return 'x0';
  if (/readout|beta/.test(base)) return 'readout';
  return null;
}

/**
 * One line on the files of a several-at-once pick that are not a network's (null when every file
 * found its role). Picking the whole published folder brings its targets along: they are named as
 * left out, with where a target goes — not "name it W.npy", which read as if a target should be
 * renamed into a weight matrix, and named only the last such file.
 */
export function leftOutNpyFilesNote(fileNames: readonly string[]): string | null {
  const left = fileNames.filter((name) => roleOfNpyFile(name) === null);
  if (left.length === 0) return null;
  const list = left.join(', ');
  const targets = left.every((name) => /target|movement|traj/i.test(name));
  return targets
    ? `Left out ${list}: not part of a network. Import a target movement in the movement editor (Draw target… → Import .npy).`
    : `Left out ${list}: a network's files are W.npy, x0.npy and readout.npy (rename, or pick each in its own field below); a target movement is imported in the movement editor (Draw target… → Import .npy).`;
}
