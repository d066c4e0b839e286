/**
 * .gainlab archive encoding and decoding (zip via fflate, arrays as NumPy .npy via model/npy.ts).
 * No node imports: the CLI, the main process, workers and the renderer (web-mode upload/download)
 * all read and write project files with this code.
 *
 * decodeProject checks, in this order, and throws ProjectFileError with a code naming the first
 * problem: zip magic (not-zip) → archive integrity incl. CRC-32 of every entry (corrupt-zip) →
 * project.json present (not-gainlab) → valid JSON (invalid-json) → kind (not-gainlab) → format
 * version (newer-version; older ones are migrated) → schema (invalid-schema, names the field) →
 * each array: shape in project.json vs the fields (shape-mismatch), present (missing-array),
 * complete (truncated-array), readable (bad-array), shape in the .npy vs project.json
 * (shape-mismatch), finite (non-finite) → references between items (bad-reference).
 */
import { strFromU8, strToU8, unzipSync, zipSync, type Zippable } from 'fflate';
import { encodeNpy, NpyError, parseNpy } from '../model/npy.js';
import { ProjectFileError } from './errors.js';
import { documentVersion, migrateProjectDocument, migrationContext, type MigrationContext } from './migrations.js';

/** The archive's files by path. */
type ArchiveFiles = Map<string, Uint8Array>;
import {
  describeZodIssues,
  PROJECT_JSON_NAME,
  PROJECT_KIND,
  PROJECT_SCHEMA_VERSION,
  projectJsonSchema,
  type ArrayRef,
  type NdArray,
  type Project,
  type ProjectJson,
  type ProjectNetwork,
  type RunSession,
  type TargetMovement,
  type TrainingRun,
} from './schema.js';
import { firstNonFinite, nonFiniteError, shapesEqual, shapeText, validateProject } from './validate.js';
import { speedManifoldFromJson, speedManifoldToJson } from './speedManifoldRecord.js';
import { experimentResultFromJson, experimentResultToJson } from './experimentResultRecord.js';

export interface EncodeProjectOptions {
  /** Recorded in project.json as writtenBy.version. */
  appVersion?: string;
  /** Deflate level 0–9 (default 6). */
  level?: 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;
}

export interface DecodeProjectOptions {
  /** Named in error messages ("example.gainlab": …). */
  fileName?: string;
}

export interface DecodedProject {
  project: Project;
  /** The format version the file was written in (< PROJECT_SCHEMA_VERSION when it was migrated). */
  fromVersion: number;
  /** "GainLab 0.1.0", or null. */
  writtenBy: string | null;
}

// ---------------------------------------------------------------------------------------------
// Encoding
// ---------------------------------------------------------------------------------------------

/** Zip timestamps are DOS dates (1980–2099); keep the archive deterministic for a given project. */
function zipDate(iso: string): Date {
  const t = Date.parse(iso);
  const min = Date.UTC(1980, 0, 2);
  const max = Date.UTC(2099, 11, 30);
  return new Date(Number.isFinite(t) ? Math.min(max, Math.max(min, t)) : min);
}

/** project.json and the array files of a project (before zipping). */
export function projectToEntries(project: Project, options: EncodeProjectOptions = {}): { json: ProjectJson; files: Map<string, Uint8Array> } {
  validateProject(project);
  const files = new Map<string, Uint8Array>();
  const put = (path: string, data: Float64Array, shape: number[]): ArrayRef => {
    const full = `arrays/${path}.npy`;
    files.set(full, encodeNpy(data, shape));
    return { path: full, shape: [...shape] };
  };
  const putNd = (path: string, array: NdArray): ArrayRef => put(path, array.data, array.shape);

  const json: ProjectJson = {
    kind: PROJECT_KIND,
    schemaVersion: PROJECT_SCHEMA_VERSION,
    writtenBy: { name: 'GainLab', version: options.appVersion ?? 'unknown' },
    id: project.id,
    name: project.name,
    notes: project.notes,
    createdAt: project.createdAt,
    modifiedAt: project.modifiedAt,
    networks: project.networks.map((net, i) => ({
      id: net.id,
      name: net.name,
      n: net.n,
      nE: net.nE,
      W: put(`networks/${i}/W`, net.W, [net.n, net.n]),
      initialConditions: put(`networks/${i}/initial_conditions`, net.initialConditions, [net.nInitialConditions, net.n]),
      nInitialConditions: net.nInitialConditions,
      readout: net.readout
        ? {
            channels: net.readout.channels,
            weights: put(`networks/${i}/readout`, net.readout.weights, [net.readout.channels, 1 + net.nE]),
            fittedTo: net.readout.fittedTo,
            fitError: net.readout.fitError,
          }
        : null,
      params: { ...net.params },
      seed: net.seed,
      soc: net.soc
        ? {
            recipe: net.soc.recipe,
            seed: net.soc.seed,
            iterations: net.soc.iterations,
            finalAlpha: net.soc.finalAlpha,
            alphaHistory: put(`networks/${i}/soc_alpha_history`, net.soc.alphaHistory, [net.soc.alphaHistory.length]),
            buildMs: net.soc.buildMs,
          }
        : null,
      origin: net.origin,
      createdAt: net.createdAt,
    })),
    targets: project.targets.map((target, i) => ({
      id: target.id,
      name: target.name,
      channels: target.channels,
      nSamples: target.nSamples,
      duration: target.duration,
      values: put(`targets/${i}/values`, target.values, [target.channels, target.nSamples]),
      source: { ...target.source },
      createdAt: target.createdAt,
    })),
    runs: project.runs.map((run, i) => ({
      id: run.id,
      name: run.name,
      networkId: run.networkId,
      targetIds: [...run.targetIds],
      initialConditionIndices: [...run.initialConditionIndices],
      rule: run.rule,
      settings: run.settings,
      seed: run.seed,
      initialError: run.initialError,
      groupLabels: run.groupLabels ? [...run.groupLabels] : null,
      sessions: run.sessions.map((session, k) => ({
        session: session.session,
        seed: session.seed,
        bestError: session.bestError,
        bestTrial: session.bestTrial,
        trialsRun: session.trialsRun,
        errorCurve: put(`runs/${i}/session_${k}/error_curve`, session.errorCurve, [session.errorCurve.length]),
        bestGains: put(`runs/${i}/session_${k}/best_gains`, session.bestGains, [session.bestGains.length]),
        output: session.output ? putNd(`runs/${i}/session_${k}/output`, session.output) : null,
      })),
      status: run.status,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      notes: run.notes,
      purpose: run.purpose,
    })),
    primitiveLibraries: project.primitiveLibraries.map((library, i) => ({
      id: library.id,
      name: library.name,
      networkId: library.networkId,
      runIds: [...library.runIds],
      gains: putNd(`primitive_libraries/${i}/gains`, library.gains),
      outputs: putNd(`primitive_libraries/${i}/outputs`, library.outputs),
      notes: library.notes,
    })),
    speedManifolds: project.speedManifolds.map((manifold, i) => speedManifoldToJson(manifold, i, project, putNd)),
    experimentResults: project.experimentResults.map((result, i) => experimentResultToJson(result, i, putNd)),
  };
  // The schema is the contract for readers: never write a project.json we would refuse to read.
  const check = projectJsonSchema.safeParse(json);
  if (!check.success) {
    throw new ProjectFileError('invalid-schema', `cannot save: ${describeZodIssues(check.error.issues)}`);
  }
  return { json, files };
}

/** The .gainlab bytes of a project. Throws ProjectFileError if the project is not valid (e.g. a NaN in an array). */
export function encodeProject(project: Project, options: EncodeProjectOptions = {}): Uint8Array {
  const { json, files } = projectToEntries(project, options);
  const mtime = zipDate(project.modifiedAt);
  const level = options.level ?? 6;
  const zippable: Zippable = {
    // project.json first, so a reader that peeks at the header finds it at once.
    [PROJECT_JSON_NAME]: [strToU8(JSON.stringify(json, null, 2)), { level, mtime }],
  };
  for (const [path, bytes] of files) zippable[path] = [bytes, { level, mtime }];
  return zipSync(zippable, { mtime });
}

// ---------------------------------------------------------------------------------------------
// Zip integrity
// ---------------------------------------------------------------------------------------------

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** CRC-32 of each entry as the central directory records it (fflate's unzipSync does not check them). */
function centralDirectoryCrcs(bytes: Uint8Array): Map<string, number> | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const minEnd = Math.max(0, bytes.length - 22 - 65535);
  let eocd = -1;
  for (let i = bytes.length - 22; i >= minEnd; i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return null;
  const entries = view.getUint16(eocd + 10, true);
  let offset = view.getUint32(eocd + 16, true);
  const crcs = new Map<string, number>();
  for (let e = 0; e < entries; e++) {
    if (offset + 46 > bytes.length || view.getUint32(offset, true) !== 0x02014b50) return null;
    const crc = view.getUint32(offset + 16, true);
    const nameLength = view.getUint16(offset + 28, true);
    const extraLength = view.getUint16(offset + 30, true);
    const commentLength = view.getUint16(offset + 32, true);
    if (offset + 46 + nameLength > bytes.length) return null;
    const name = strFromU8(bytes.subarray(offset + 46, offset + 46 + nameLength));
    crcs.set(name, crc);
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return crcs;
}

function looksLikeZip(bytes: Uint8Array): boolean {
  // Local file header "PK\x03\x04", or an empty archive's end record "PK\x05\x06".
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && ((bytes[2] === 3 && bytes[3] === 4) || (bytes[2] === 5 && bytes[3] === 6));
}

function notAZip(bytes: Uint8Array): ProjectFileError {
  const what = bytes.length === 0 ? 'the file is empty' : 'the file is not a zip archive';
  return new ProjectFileError('not-zip', `this is not a GainLab project file: ${what} (a .gainlab file is a zip archive holding project.json and .npy arrays)`);
}

function corruptZip(reason: string): ProjectFileError {
  return new ProjectFileError('corrupt-zip', `the project file is damaged: ${reason}. If you have a backup or a recovery copy, open that instead.`);
}

/** Unzip with integrity checks; `only` limits which entries are inflated (for peeking). */
function readZip(bytes: Uint8Array, only?: (name: string) => boolean): ArchiveFiles {
  if (!looksLikeZip(bytes)) throw notAZip(bytes);
  const crcs = centralDirectoryCrcs(bytes);
  if (!crcs) throw corruptZip('the zip archive is incomplete (its directory at the end is missing; was the file cut short?)');
  let unzipped: Record<string, Uint8Array>;
  try {
    unzipped = only ? unzipSync(bytes, { filter: (file) => only(file.name) }) : unzipSync(bytes);
  } catch (error) {
    throw corruptZip(`the zip archive cannot be read (${error instanceof Error ? error.message : String(error)})`);
  }
  const files: ArchiveFiles = new Map();
  for (const [name, data] of Object.entries(unzipped)) {
    if (name.endsWith('/')) continue;
    const expected = crcs.get(name);
    if (expected !== undefined && crc32(data) !== expected) {
      throw corruptZip(`the entry ${name} fails its checksum`);
    }
    files.set(name, data);
  }
  return files;
}

// ---------------------------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------------------------

function parseProjectJson(files: ArchiveFiles): unknown {
  const raw = files.get(PROJECT_JSON_NAME);
  if (!raw) {
    throw new ProjectFileError('not-gainlab', `this zip archive is not a GainLab project: it has no ${PROJECT_JSON_NAME}`);
  }
  try {
    return JSON.parse(strFromU8(raw));
  } catch (error) {
    throw new ProjectFileError('invalid-json', `${PROJECT_JSON_NAME} is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
}

/** Kind and format version of a .gainlab file, reading only project.json (to refuse overwriting a newer file). */
export function readProjectVersion(bytes: Uint8Array, options: DecodeProjectOptions = {}): { version: number; writtenBy: string | null } {
  try {
    const files = readZip(bytes, (name) => name === PROJECT_JSON_NAME);
    return documentVersion(parseProjectJson(files));
  } catch (error) {
    throw withFileName(error, options.fileName);
  }
}

function withFileName(error: unknown, fileName: string | undefined): unknown {
  return error instanceof ProjectFileError && fileName ? error.withFileName(fileName) : error;
}

class ArrayLoader {
  constructor(
    private readonly files: ArchiveFiles,
    private readonly context: MigrationContext,
  ) {}

  /** Read ref as described in the header comment; `expected` is the shape the other fields imply, `why` says which. */
  load(ref: ArrayRef, label: string, expected: number[] | null, why = ''): Float64Array {
    if (expected && !shapesEqual(ref.shape, expected)) {
      throw new ProjectFileError(
        'shape-mismatch',
        `${label}: project.json gives shape ${shapeText(ref.shape)} but ${why} needs ${shapeText(expected)}`,
      );
    }
    const bytes = this.files.get(ref.path);
    if (!bytes) {
      throw new ProjectFileError('missing-array', `${label}: the array file ${ref.path} is missing from the archive`);
    }
    let parsed;
    try {
      parsed = parseNpy(bytes);
    } catch (error) {
      const message = error instanceof Error ? error.message.replace(/^npy: /, '') : String(error);
      const truncated = error instanceof NpyError && /truncated/.test(message);
      throw new ProjectFileError(
        truncated ? 'truncated-array' : 'bad-array',
        truncated
          ? `${label}: the array file ${ref.path} is truncated (${message})`
          : `${label}: the array file ${ref.path} is not a readable .npy array (${message})`,
      );
    }
    // format 1 stored some rows as 1-D arrays (migrations.ts)
    const shape = this.context.readAsRow.has(ref.path) && parsed.shape.length === 1 ? [1, parsed.shape[0]] : parsed.shape;
    if (!shapesEqual(shape, ref.shape)) {
      throw new ProjectFileError(
        'shape-mismatch',
        `${label}: the array file ${ref.path} has shape ${shapeText(parsed.shape)} but project.json says ${shapeText(ref.shape)}`,
      );
    }
    const bad = firstNonFinite(parsed.data);
    if (bad >= 0) throw nonFiniteError(label, parsed.data, bad, ` (${ref.path})`);
    return parsed.data;
  }

  loadNd(ref: ArrayRef, label: string): NdArray {
    return { shape: [...ref.shape], data: this.load(ref, label, null) };
  }
}

function decodeEntries(files: ArchiveFiles): DecodedProject {
  const raw = parseProjectJson(files);
  const { writtenBy } = documentVersion(raw);
  const context = migrationContext(files.get(PROJECT_JSON_NAME)!);
  const { document, fromVersion } = migrateProjectDocument(raw, context);
  const parsed = projectJsonSchema.safeParse(document);
  if (!parsed.success) {
    throw new ProjectFileError('invalid-schema', `${PROJECT_JSON_NAME} is not valid: ${describeZodIssues(parsed.error.issues)}`);
  }
  const json = parsed.data;
  const arrays = new ArrayLoader(files, context);

  const networks: ProjectNetwork[] = json.networks.map((net) => {
    const label = `network "${net.name}"`;
    return {
      id: net.id,
      name: net.name,
      n: net.n,
      nE: net.nE,
      W: arrays.load(net.W, `W of ${label}`, [net.n, net.n], `n = ${net.n}`),
      initialConditions: arrays.load(
        net.initialConditions,
        `initial conditions of ${label}`,
        [net.nInitialConditions, net.n],
        `nInitialConditions = ${net.nInitialConditions} and n = ${net.n}`,
      ),
      nInitialConditions: net.nInitialConditions,
      readout: net.readout
        ? {
            channels: net.readout.channels,
            weights: arrays.load(
              net.readout.weights,
              `readout of ${label}`,
              [net.readout.channels, 1 + net.nE],
              `${net.readout.channels} channel(s) with nE = ${net.nE}`,
            ),
            fittedTo: net.readout.fittedTo,
            fitError: net.readout.fitError,
          }
        : null,
      params: { ...net.params },
      seed: net.seed,
      soc: net.soc
        ? {
            recipe: net.soc.recipe,
            seed: net.soc.seed,
            iterations: net.soc.iterations,
            finalAlpha: net.soc.finalAlpha,
            alphaHistory: arrays.load(net.soc.alphaHistory, `SOC α history of ${label}`, net.soc.alphaHistory.shape.length === 1 ? null : [net.soc.alphaHistory.shape.reduce((a, b) => a * b, 1)], 'a history'),
            buildMs: net.soc.buildMs,
          }
        : null,
      origin: net.origin,
      createdAt: net.createdAt,
    };
  });

  const targets: TargetMovement[] = json.targets.map((target) => ({
    id: target.id,
    name: target.name,
    channels: target.channels,
    nSamples: target.nSamples,
    duration: target.duration,
    values: arrays.load(
      target.values,
      `target "${target.name}"`,
      [target.channels, target.nSamples],
      `${target.channels} channel(s) × ${target.nSamples} samples`,
    ),
    source: { ...target.source },
    createdAt: target.createdAt,
  }));

  const networkSize = new Map(json.networks.map((n) => [n.id, n.n]));
  const runs: TrainingRun[] = json.runs.map((run) => {
    const label = `training run "${run.name}"`;
    const n = networkSize.get(run.networkId);
    const sessions: RunSession[] = run.sessions.map((session, k) => ({
      session: session.session,
      seed: session.seed,
      bestError: session.bestError,
      bestTrial: session.bestTrial,
      trialsRun: session.trialsRun,
      errorCurve: arrays.load(session.errorCurve, `error curve of ${label}, session ${k}`, session.errorCurve.shape.length === 1 ? null : [session.errorCurve.shape.reduce((a, b) => a * b, 1)], 'an error curve'),
      bestGains: arrays.load(session.bestGains, `best gains of ${label}, session ${k}`, n === undefined ? null : [n], `n = ${n}`),
      output: session.output ? arrays.loadNd(session.output, `output of ${label}, session ${k}`) : null,
    }));
    return {
      id: run.id,
      name: run.name,
      networkId: run.networkId,
      targetIds: [...run.targetIds],
      initialConditionIndices: [...run.initialConditionIndices],
      rule: run.rule,
      settings: run.settings,
      seed: run.seed,
      initialError: run.initialError,
      groupLabels: run.groupLabels ? [...run.groupLabels] : null,
      sessions,
      status: run.status,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      notes: run.notes,
      purpose: run.purpose,
    };
  });

  const project: Project = {
    id: json.id,
    name: json.name,
    notes: json.notes,
    createdAt: json.createdAt,
    modifiedAt: json.modifiedAt,
    networks,
    targets,
    runs,
    primitiveLibraries: json.primitiveLibraries.map((library) => ({
      id: library.id,
      name: library.name,
      networkId: library.networkId,
      runIds: [...library.runIds],
      gains: arrays.loadNd(library.gains, `gains of primitive library "${library.name}"`),
      outputs: arrays.loadNd(library.outputs, `outputs of primitive library "${library.name}"`),
      notes: library.notes,
    })),
    speedManifolds: json.speedManifolds.map((manifold) => speedManifoldFromJson(manifold, (ref, label) => arrays.loadNd(ref, label))),
    experimentResults: json.experimentResults.map((result) => experimentResultFromJson(result, (ref, label) => arrays.loadNd(ref, label))),
  };
  validateProject(project);
  return { project, fromVersion, writtenBy };
}

/** Read a .gainlab file's bytes into a Project (migrating older formats). Throws ProjectFileError. */
export function decodeProjectFile(bytes: Uint8Array, options: DecodeProjectOptions = {}): DecodedProject {
  try {
    return decodeEntries(readZip(bytes));
  } catch (error) {
    throw withFileName(error, options.fileName);
  }
}

/** decodeProjectFile(...).project */
export function decodeProject(bytes: Uint8Array, options: DecodeProjectOptions = {}): Project {
  return decodeProjectFile(bytes, options).project;
}

/** Build a .gainlab zip from raw entries (project.json text or object, array files); for tests and tools. */
export function zipEntries(entries: Record<string, Uint8Array | string | object>): Uint8Array {
  const zippable: Zippable = {};
  for (const [name, value] of Object.entries(entries)) {
    zippable[name] =
      value instanceof Uint8Array ? value : strToU8(typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  }
  return zipSync(zippable, { mtime: new Date(Date.UTC(2000, 0, 1)) });
}
