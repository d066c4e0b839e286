/**
 * .gainlab archive encoding and decoding (zip via fflate and zipReader.ts, arrays as NumPy .npy via
 * formats/npy.ts). No node imports: the CLI, the main process, workers and the renderer (web-mode
 * upload/download) all read and write project files with this code.
 *
 * decodeProject checks, in this order, and throws ProjectFileError with a code naming the first
 * problem. Nothing is inflated before the step that needs it, and nothing beyond its bound
 * (limits.ts PROJECT_LIMITS):
 *  1. the zip's central directory (zipReader.ts): not-zip, corrupt-zip, unsupported-zip (zip64,
 *     several disks, encryption), unsafe-entry (".." parts, absolute paths, backslashes,
 *     duplicate names — also of entries that are never read), too-large (entry count);
 *  2. project.json: present (not-gainlab), declared size ≤ 64 MiB and inflated with that cap
 *     (too-large), CRC-32 (corrupt-zip), valid JSON (invalid-json), kind (not-gainlab), format
 *     version (newer-version; older ones are migrated), schema with every string, count and free
 *     JSON value bounded (invalid-schema, names the field);
 *  3. every array reference, before any array is inflated: shape in project.json vs the fields
 *     (shape-mismatch), present (missing-array), the entry's declared size within what its shape
 *     needs as a .npy (too-large), the total over every reference ≤ 2 GiB and the number of
 *     references (too-large);
 *  4. each array: inflated with its cap and CRC-checked (corrupt-zip), complete (truncated-array),
 *     readable .npy with a header ≤ 10 000 bytes (bad-array), shape in the .npy vs project.json
 *     (shape-mismatch), finite (non-finite);
 *  5. references between items (bad-reference).
 * Entries project.json does not reference are never inflated; they are listed in `ignoredEntries`.
 */
import { strFromU8, strToU8, zipSync, type Zippable } from 'fflate';
import { encodeNpy, NPY_MAX_HEADER_BYTES, NpyError, parseNpy } from '../formats/npy.js';
import { ProjectFileError } from './errors.js';
import { jsonTextProblem } from './jsonValue.js';
import { archiveLimits, bytesText, countText, type ArchiveLimits } from './limits.js';
import { documentVersion, migrateProjectDocument, migrationContext, type MigrationContext } from './migrations.js';
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
import { ZipArchive, type ZipEntry } from './zipReader.js';

export { crc32 } from './zipReader.js';

export interface EncodeProjectOptions {
  /** Recorded in project.json as writtenBy.version. */
  appVersion?: string;
  /** Deflate level 0–9 (default 6) of project.json and of the arrays deflate shrinks (arrayEntryLevel; the others are stored). */
  level?: 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;
  /** Bounds of the archive (default PROJECT_LIMITS); a file is written only if it reopens within them. */
  limits?: Partial<ArchiveLimits>;
}

export interface DecodeProjectOptions {
  /** Named in error messages ("example.gainlab": …). */
  fileName?: string;
  /** Bounds of the archive (default PROJECT_LIMITS). */
  limits?: Partial<ArchiveLimits>;
}

export interface DecodedProject {
  project: Project;
  /** The format version the file was written in (< PROJECT_SCHEMA_VERSION when it was migrated). */
  fromVersion: number;
  /** "GainLab 0.1.0", or null. */
  writtenBy: string | null;
  /** Entries of the zip that project.json does not reference (never inflated, not part of the project). */
  ignoredEntries: string[];
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
        ...(session.bestParameters ? { bestParameters: put(`runs/${i}/session_${k}/best_parameters`, session.bestParameters, [session.bestParameters.length]) } : {}),
      })),
      status: run.status,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      notes: run.notes,
      purpose: run.purpose,
      ...(run.initialGains ? { initialGains: put(`runs/${i}/initial_gains`, run.initialGains, [run.initialGains.length]) } : {}),
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
  // The schema and the array limits are the contract for readers: never write a project.json we
  // would refuse to read.
  const check = projectJsonSchema.safeParse(json);
  if (!check.success) {
    throw new ProjectFileError('invalid-schema', `cannot save: ${describeZodIssues(check.error.issues)}`);
  }
  try {
    projectFromJson(json, new ArrayPlanner(null, migrationContext(new Uint8Array(0)), archiveLimits(options.limits)));
  } catch (error) {
    if (error instanceof ProjectFileError) throw new ProjectFileError(error.code, `cannot save: ${error.detail}`);
    throw error;
  }
  return { json, files };
}

/** The .gainlab bytes of a project. Throws ProjectFileError if the project is not valid (e.g. a NaN in an array). */
export function encodeProject(project: Project, options: EncodeProjectOptions = {}): Uint8Array {
  const { json, files } = projectToEntries(project, options);
  const limits = archiveLimits(options.limits);
  const mtime = zipDate(project.modifiedAt);
  const level = options.level ?? 6;
  const text = strToU8(JSON.stringify(json, null, 2));
  if (text.length > limits.projectJsonBytes) {
    throw new ProjectFileError(
      'too-large',
      `cannot save: project.json would be ${bytesText(text.length)}; a project file holds at most ${bytesText(limits.projectJsonBytes)} of it (notes, settings, figures, tables and texts together)`,
    );
  }
  const problem = jsonTextProblem(text, { maxContainers: limits.projectJsonContainers, maxValues: limits.projectJsonValues });
  if (problem) throw new ProjectFileError('too-large', `cannot save: project.json would be beyond what a project holds: ${problem}`);
  const arrayLevels = new Map<string, typeof level>();
  for (const [path, npy] of files) arrayLevels.set(path, arrayEntryLevel(npy, level));
  const zip = (storeArrays: boolean): Uint8Array => {
    const zippable: Zippable = {
      // project.json first, so a reader that peeks at the header finds it at once.
      [PROJECT_JSON_NAME]: [text, { level, mtime }],
    };
    for (const [path, bytes] of files) zippable[path] = [bytes, { level: storeArrays ? 0 : arrayLevels.get(path), mtime }];
    return zipSync(zippable, { mtime });
  };
  const bytes = zip(false);
  // Arrays that deflate far better than real data does (e.g. mostly zeros) would make the file
  // look like a decompression bomb to the reader: store them uncompressed instead.
  let arrayBytes = 0;
  for (const npy of files.values()) arrayBytes += npy.length;
  return arrayBytes > expansionCap(bytes.length, limits) ? zip(true) : bytes;
}

/**
 * An array entry is deflated only when that saves at least this share of it; otherwise it is
 * stored (zip method 0, which every zip reader reads, GainLab's included). Float64 data with
 * noisy mantissas — a run's error curves, gains, dense weights — deflates by 4–8 % only, and
 * fflate deflates it at ~10 MB/s: a 10-session × 100 000-trial run took 0.7–1.5 s to save with a
 * warm project-I/O thread (2.6–3.6 s with a fresh one) and 0.3–0.5 s to inflate on open, for
 * 0.6 MB saved of 8 MB (bench/projectIo.ts project.save_large_ms).
 */
export const MIN_DEFLATE_SAVING = 0.2;

/** The entropy estimate reads at most this many evenly spaced blocks of this many bytes of an entry. */
const SAMPLE_BLOCKS = 64;
const SAMPLE_BLOCK_BYTES = 4096;

/**
 * The share of its size a Huffman code of single bytes needs for `data` (its order-0 entropy / 8),
 * from up to 256 KiB of it in evenly spaced blocks (an 8 MB entry costs ~1 ms, not the ~40 ms of
 * counting every byte). That is what deflate reaches on float64 arrays, whose 8-byte values
 * rarely repeat in runs LZ77 could use; long runs (the zeros of a sparse W) lower the entropy
 * too, so such arrays are still deflated.
 */
function byteEntropyRatio(data: Uint8Array): number {
  const counts = new Uint32Array(256);
  const count = (start: number, end: number): void => {
    for (let i = start; i < end; i++) counts[data[i]]++;
  };
  let sampled = data.length;
  if (data.length <= SAMPLE_BLOCKS * SAMPLE_BLOCK_BYTES) {
    count(0, data.length);
  } else {
    const stride = Math.floor((data.length - SAMPLE_BLOCK_BYTES) / (SAMPLE_BLOCKS - 1));
    for (let k = 0; k < SAMPLE_BLOCKS; k++) count(k * stride, k * stride + SAMPLE_BLOCK_BYTES);
    sampled = SAMPLE_BLOCKS * SAMPLE_BLOCK_BYTES;
  }
  if (sampled === 0) return 1;
  let bits = 0;
  for (let b = 0; b < 256; b++) {
    if (counts[b] > 0) bits += counts[b] * Math.log2(sampled / counts[b]);
  }
  return bits / 8 / sampled;
}

/**
 * Entries below this size are deflated whatever they hold: it takes well under a millisecond, and
 * the entropy of so few bytes says little (Huffman tables and the .npy header's padding weigh in).
 */
export const ALWAYS_DEFLATED_BYTES = 64 * 1024;

/** `level` for an array entry deflate shrinks by MIN_DEFLATE_SAVING or more (or a small one), else 0 (stored). */
function arrayEntryLevel<L extends NonNullable<EncodeProjectOptions['level']>>(npy: Uint8Array, level: L): L | 0 {
  return npy.length < ALWAYS_DEFLATED_BYTES || byteEntropyRatio(npy) <= 1 - MIN_DEFLATE_SAVING ? level : 0;
}

// ---------------------------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------------------------

function withFileName(error: unknown, fileName: string | undefined): unknown {
  return error instanceof ProjectFileError && fileName ? error.withFileName(fileName) : error;
}

/** project.json's bytes, inflated with its cap. */
function readProjectJsonBytes(zip: ZipArchive, limits: ArchiveLimits): Uint8Array {
  const entry = zip.get(PROJECT_JSON_NAME);
  if (!entry) throw new ProjectFileError('not-gainlab', `this zip archive is not a GainLab project: it has no ${PROJECT_JSON_NAME}`);
  return zip.read(entry, limits.projectJsonBytes, PROJECT_JSON_NAME, `the ${bytesText(limits.projectJsonBytes)} a project.json may have`);
}

function parseProjectJson(bytes: Uint8Array, limits: ArchiveLimits): unknown {
  const problem = jsonTextProblem(bytes, { maxContainers: limits.projectJsonContainers, maxValues: limits.projectJsonValues });
  if (problem) throw new ProjectFileError('too-large', `${PROJECT_JSON_NAME} is beyond what a project holds: ${problem}`);
  try {
    return JSON.parse(strFromU8(bytes));
  } catch (error) {
    throw new ProjectFileError('invalid-json', `${PROJECT_JSON_NAME} is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
}

/** Kind and format version of a .gainlab file, reading only project.json (to refuse overwriting a newer file). */
export function readProjectVersion(bytes: Uint8Array, options: DecodeProjectOptions = {}): { version: number; writtenBy: string | null } {
  try {
    const limits = archiveLimits(options.limits);
    return documentVersion(parseProjectJson(readProjectJsonBytes(ZipArchive.open(bytes), limits), limits));
  } catch (error) {
    throw withFileName(error, options.fileName);
  }
}

/** Where the arrays of projectFromJson come from. */
interface ArraySource {
  /** `expected` is the shape the other fields imply (null: any), `why` says which fields. */
  load(ref: ArrayRef, label: string, expected: number[] | null, why?: string): Float64Array;
  loadNd(ref: ArrayRef, label: string): NdArray;
}

/** The most array bytes a file of `fileBytes` may expand to (expansionFactor × its size, at least expansionFloor). */
function expansionCap(fileBytes: number, limits: ArchiveLimits): number {
  return Math.max(limits.expansionFloor, limits.expansionFactor * fileBytes);
}

/** The most bytes a .npy of `count` float64 values may take: its data, the longest header allowed, the prefix. */
function npyCap(count: number): number {
  return count * 8 + NPY_MAX_HEADER_BYTES + 12;
}

function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * The first pass over the arrays: checks each reference against the fields around it, that its
 * entry exists and declares no more than its shape needs, and adds up every reference (also
 * several pointing at one file) against the project-wide bounds. Inflates nothing.
 */
class ArrayPlanner implements ArraySource {
  private static readonly EMPTY = new Float64Array(0);
  private totalBytes = 0;
  private refs = 0;
  /** Entries referenced by project.json. */
  readonly referenced = new Set<string>();

  constructor(
    /** null on save: only the shapes and the bounds are checked. */
    private readonly zip: ZipArchive | null,
    private readonly context: MigrationContext,
    private readonly limits: ArchiveLimits,
  ) {}

  load(ref: ArrayRef, label: string, expected: number[] | null, why = ''): Float64Array {
    if (expected && !shapesEqual(ref.shape, expected)) {
      throw new ProjectFileError('shape-mismatch', `${label}: project.json gives shape ${shapeText(ref.shape)} but ${why} needs ${shapeText(expected)}`);
    }
    const where = `${label} (${ref.path})`;
    const count = elementCount(ref.shape);
    this.refs++;
    this.totalBytes += count * 8;
    const limits = this.limits;
    if (this.refs > limits.arrayRefs) {
      throw new ProjectFileError('too-large', `${where}: project.json refers to more than ${countText(limits.arrayRefs)} arrays`);
    }
    if (this.totalBytes > limits.totalArrayBytes) {
      throw new ProjectFileError(
        'too-large',
        `${where}: with this array the project's arrays pass ${bytesText(limits.totalArrayBytes)} (counting every reference; shape ${shapeText(ref.shape)} alone is ${bytesText(count * 8)})`,
      );
    }
    if (this.zip && this.totalBytes > expansionCap(this.zip.size, limits)) {
      throw new ProjectFileError(
        'too-large',
        `${where}: with this array the arrays of this ${bytesText(this.zip.size)} file pass ${bytesText(expansionCap(this.zip.size, limits))} once read (counting every reference), ` +
          `more than ${limits.expansionFactor} times its size: a decompression bomb, not a project`,
      );
    }
    if (this.zip) {
      const entry = this.zip.get(ref.path);
      if (!entry) throw new ProjectFileError('missing-array', `${label}: the array file ${ref.path} is missing from the archive`);
      const cap = npyCap(count);
      if (entry.uncompressedSize > cap) {
        throw new ProjectFileError(
          'too-large',
          `${where}: the zip declares ${bytesText(entry.uncompressedSize)} uncompressed, more than the ${bytesText(cap)} a .npy of shape ${shapeText(this.fileShape(ref))} can need`,
        );
      }
      this.referenced.add(ref.path);
    }
    return ArrayPlanner.EMPTY;
  }

  loadNd(ref: ArrayRef, label: string): NdArray {
    return { shape: ref.shape, data: this.load(ref, label, null) };
  }

  private fileShape(ref: ArrayRef): number[] {
    return this.context.readAsRow.has(ref.path) && ref.shape.length === 2 ? [ref.shape[1]] : ref.shape;
  }
}

/** The second pass: each array inflated with its cap, parsed and checked. */
class ArrayLoader implements ArraySource {
  constructor(
    private readonly zip: ZipArchive,
    private readonly context: MigrationContext,
  ) {}

  load(ref: ArrayRef, label: string): Float64Array {
    const entry = this.zip.get(ref.path) as ZipEntry; // the planner checked it exists
    const cap = npyCap(elementCount(ref.shape));
    const bytes = this.zip.read(entry, cap, `${label} (${ref.path})`, `the ${bytesText(cap)} its shape ${shapeText(ref.shape)} can need`);
    let parsed;
    try {
      parsed = parseNpy(bytes);
    } catch (error) {
      const message = error instanceof Error ? error.message.replace(/^npy: /, '') : String(error);
      const truncated = error instanceof NpyError && /^truncated/.test(message);
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
    return { shape: [...ref.shape], data: this.load(ref, label) };
  }
}

function decodeArchive(zip: ZipArchive, limits: ArchiveLimits): DecodedProject {
  const jsonBytes = readProjectJsonBytes(zip, limits);
  const raw = parseProjectJson(jsonBytes, limits);
  const { writtenBy } = documentVersion(raw);
  const context = migrationContext(jsonBytes);
  const { document, fromVersion } = migrateProjectDocument(raw, context);
  const parsed = projectJsonSchema.safeParse(document);
  if (!parsed.success) {
    throw new ProjectFileError('invalid-schema', `${PROJECT_JSON_NAME} is not valid: ${describeZodIssues(parsed.error.issues)}`);
  }
  const json = parsed.data;
  const planner = new ArrayPlanner(zip, context, limits);
  projectFromJson(json, planner);
  const project = projectFromJson(json, new ArrayLoader(zip, context));
  validateProject(project);
  const ignoredEntries = [...zip.entries.keys()].filter((name) => name !== PROJECT_JSON_NAME && !name.endsWith('/') && !planner.referenced.has(name));
  return { project, fromVersion, writtenBy, ignoredEntries };
}

/**
 * The in-memory project of a checked project.json, each array from `arrays`. Runs twice on open:
 * first with the ArrayPlanner (checks every shape and size, inflates nothing), then with the
 * ArrayLoader; and once with the planner on save (so limits are checked the same way both ways).
 */
function projectFromJson(json: ProjectJson, arrays: ArraySource): Project {
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
      errorCurve: arrays.load(session.errorCurve, `error curve of ${label}, session ${k + 1}`, session.errorCurve.shape.length === 1 ? null : [session.errorCurve.shape.reduce((a, b) => a * b, 1)], 'an error curve'),
      bestGains: arrays.load(session.bestGains, `best gains of ${label}, session ${k + 1}`, n === undefined ? null : [n], `n = ${n}`),
      output: session.output ? arrays.loadNd(session.output, `output of ${label}, session ${k + 1}`) : null,
      ...(session.bestParameters ? { bestParameters: arrays.load(session.bestParameters, `best parameters of ${label}, session ${k + 1}`, null, 'a parameter vector') } : {}),
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
      ...(run.initialGains ? { initialGains: arrays.load(run.initialGains, `starting gains of ${label}`, n === undefined ? null : [n], `n = ${n}`) } : {}),
    };
  });

  return {
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
}

/** Read a .gainlab file's bytes into a Project (migrating older formats). Throws ProjectFileError. */
export function decodeProjectFile(bytes: Uint8Array, options: DecodeProjectOptions = {}): DecodedProject {
  try {
    return decodeArchive(ZipArchive.open(bytes), archiveLimits(options.limits));
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
