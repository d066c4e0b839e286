/**
 * The migration chain of project.json: migrations[v] turns a version-v document into version
 * v + 1 (with a MigrationContext: project.json's bytes, and which 1-D arrays to read as rows). `migrateProjectDocument` runs the
 * chain up to PROJECT_SCHEMA_VERSION, refuses documents from a newer GainLab, and reports invalid
 * old documents field by field, like the current schema does.
 *
 * Format version 1 (GainLab 0.0.x prototypes), the exact shape this code reads:
 *
 *   {
 *     "format": "gainlab-project",          // v1 said "format", v2 says "kind"
 *     "version": 1,                         // v2 says "schemaVersion"
 *     "title": "My project",                // v2: name
 *     "created": "2026-01-02T03:04:05Z",    // optional; v2: createdAt (modifiedAt too)
 *     "networks": [{
 *       "label": "SOC 200",                 // v2: name; ids did not exist (v2 assigns net-1, net-2, …)
 *       "size": 200, "excitatory": 100,     // v2: n, nE
 *       "weights": { "path": "arrays/…", "shape": [200, 200] },          // v2: W
 *       "x0": { "path": "arrays/…", "shape": [200] },                    // one initial condition, 1-D
 *       "readout": { "path": "arrays/…", "shape": [101] } | null,        // one channel, 1-D, offset first
 *       "tau": 200, "T": 500, "samples": 200,   // v2: params {tau, r0 20, rmax 100, duration, nSamples, tanh}
 *       "seed": 7 | null
 *     }],
 *     "movements": [{                       // v2: targets (ids target-1, target-2, …)
 *       "label": "reach",
 *       "data": { "path": "arrays/…", "shape": [200] },    // one channel, 1-D
 *       "T": 500,
 *       "origin": "drawn" | "imported" | "generated" | "published",
 *       "seed": 3                           // only for origin "generated"
 *     }]
 *   }
 *
 * v1 → v2 also reads the 1-D x0, readout and movement arrays as 1 × length ones (a migrated
 * project saves them as such), so that every v2 array has the shape v2 documents (initial
 * conditions m × n, readout channels × (1+nE), targets channels × nSamples).
 */
import { DEFAULT_DYNAMICS } from '../model/params.js';
import { z } from 'zod';
import { ProjectFileError } from './errors.js';
import { sha256Hex } from '../runs/sha256.js';
import { defaultSpeedFactors } from './speedManifoldRecord.js';
import {
  arrayRefSchema,
  describeZodIssues,
  
  PROJECT_KIND,
  PROJECT_SCHEMA_VERSION,
  type ProjectJson,
} from './schema.js';

/** What a migration sees of the archive besides the parsed project.json. */
export interface MigrationContext {
  /** project.json's bytes as stored (format 3 → 4 derives the legacy project id from them). */
  readonly projectJsonBytes: Uint8Array;
  /**
   * Array files the loader reads as one row (1 × length) although the .npy is 1-D: format 1
   * stored x0, readouts and movements 1-D. Migrations never inflate or rewrite array files, so
   * the loader's bounds apply to every array of every format.
   */
  readonly readAsRow: Set<string>;
}

export function migrationContext(projectJsonBytes: Uint8Array): MigrationContext {
  return { projectJsonBytes, readAsRow: new Set() };
}

export type Migration = (document: unknown, context: MigrationContext) => unknown;

// ---------------------------------------------------------------------------------------------
// Version 1
// ---------------------------------------------------------------------------------------------

const finite = z.number().finite();

export const projectJsonV1Schema = z.object({
  format: z.literal(PROJECT_KIND),
  version: z.literal(1),
  title: z.string().max(200),
  created: z.string().max(64).optional(),
  networks: z.array(
    z.object({
      label: z.string().max(200),
      size: z.number().int().min(2),
      excitatory: z.number().int().min(1),
      weights: arrayRefSchema,
      x0: arrayRefSchema,
      readout: arrayRefSchema.nullable(),
      tau: finite.positive(),
      T: finite.positive(),
      samples: z.number().int().min(2),
      seed: z.number().int().nullable(),
    }),
  ),
  movements: z.array(
    z.object({
      label: z.string().max(200),
      data: arrayRefSchema,
      T: finite.positive(),
      origin: z.enum(['drawn', 'imported', 'generated', 'published']),
      seed: z.number().int().optional(),
    }),
  ),
});
export type ProjectJsonV1 = z.infer<typeof projectJsonV1Schema>;

/** A 1-D array ref as a 1 × length one; the loader reads the 1-D file as that row (same values, bit for bit). */
function promoteToRow(context: MigrationContext, ref: { path: string; shape: number[] }): { path: string; shape: number[] } {
  if (ref.shape.length !== 1) return ref;
  context.readAsRow.add(ref.path);
  return { path: ref.path, shape: [1, ref.shape[0]] };
}

/** A format-2 project.json as migrateV1toV2 makes it (no runs, libraries or manifolds; no format-4 fields). */
export type ProjectJsonV2 = Omit<ProjectJson, 'schemaVersion' | 'id' | 'runs' | 'primitiveLibraries' | 'speedManifolds' | 'experimentResults'> & {
  schemaVersion: 2;
  runs: [];
  primitiveLibraries: [];
  speedManifolds: [];
};

export function migrateV1toV2(document: unknown, context: MigrationContext): ProjectJsonV2 {
  const parsed = projectJsonV1Schema.safeParse(document);
  if (!parsed.success) {
    throw new ProjectFileError(
      'invalid-schema',
      `project.json (format version 1) is not valid: ${describeZodIssues(parsed.error.issues)}`,
    );
  }
  const v1 = parsed.data;
  const created = v1.created ?? '1970-01-01T00:00:00.000Z';
  const networks = v1.networks.map((net, i) => ({
    id: `net-${i + 1}`,
    name: net.label,
    n: net.size,
    nE: net.excitatory,
    W: net.weights,
    initialConditions: promoteToRow(context, net.x0),
    nInitialConditions: 1,
    readout: net.readout
      ? { channels: 1, weights: promoteToRow(context, net.readout), fittedTo: null, fitError: null }
      : null,
    params: {
      ...DEFAULT_DYNAMICS,
      tau: net.tau,
      duration: net.T,
      nSamples: net.samples,
    },
    seed: net.seed,
    soc: null,
    origin: net.seed === null ? 'imported' : 'soc',
    createdAt: created,
  }));
  const targets = v1.movements.map((movement, i) => {
    const values = promoteToRow(context, movement.data);
    const source =
      movement.origin === 'generated'
        ? movement.seed === undefined
          ? null
          : { kind: 'generated' as const, seed: movement.seed }
        : movement.origin === 'imported'
          ? { kind: 'imported' as const, fileName: null }
          : { kind: movement.origin };
    if (source === null) {
      throw new ProjectFileError(
        'invalid-schema',
        `project.json (format version 1) is not valid: movements[${i}].seed: a generated movement needs its seed`,
      );
    }
    return {
      id: `target-${i + 1}`,
      name: movement.label,
      channels: values.shape.length === 2 ? values.shape[0] : 1,
      nSamples: values.shape[values.shape.length - 1] ?? 0,
      duration: movement.T,
      values,
      source,
      createdAt: created,
    };
  });
  return {
    kind: PROJECT_KIND,
    schemaVersion: 2,
    writtenBy: { name: 'GainLab', version: 'format 1' },
    name: v1.title,
    notes: '',
    createdAt: created,
    modifiedAt: created,
    networks,
    targets,
    runs: [],
    primitiveLibraries: [],
    speedManifolds: [],
  } as ProjectJsonV2;
}

// ---------------------------------------------------------------------------------------------
// Version 2 → 3: speed manifolds record how they were learned
// ---------------------------------------------------------------------------------------------

/**
 * Format 2 speed manifolds had id, name, networkId, durations and gains only. Format 3 adds
 * factors (durations / the network's T), initialConditions (null: the network's row 0),
 * amplitudeScaling (false), rule, seed, groupLabels, initialErrors, errors (null: unknown),
 * settings ({}) and status ('done'). Nothing else changes; no array file is rewritten.
 */
export function migrateV2toV3(document: unknown): unknown {
  if (typeof document !== 'object' || document === null) return document;
  const doc = document as Record<string, unknown>;
  const networks = Array.isArray(doc.networks) ? (doc.networks as Record<string, unknown>[]) : [];
  const durationOf = (networkId: unknown): number | null => {
    const net = networks.find((n) => n && typeof n === 'object' && n.id === networkId);
    const params = net?.params as { duration?: unknown } | undefined;
    return typeof params?.duration === 'number' ? params.duration : null;
  };
  const manifolds = Array.isArray(doc.speedManifolds) ? (doc.speedManifolds as unknown[]) : doc.speedManifolds;
  return {
    ...doc,
    schemaVersion: 3,
    speedManifolds: Array.isArray(manifolds)
      ? manifolds.map((manifold) => {
          if (typeof manifold !== 'object' || manifold === null) return manifold;
          const m = manifold as Record<string, unknown>;
          const durations = Array.isArray(m.durations) && m.durations.every((d) => typeof d === 'number') ? (m.durations as number[]) : null;
          return {
            ...m,
            // an invalid format-2 record is left for the schema to report field by field
            factors: durations ? defaultSpeedFactors(durations, durationOf(m.networkId)) : m.factors,
            initialConditions: null,
            amplitudeScaling: false,
            rule: null,
            settings: {},
            seed: null,
            groupLabels: null,
            initialErrors: null,
            errors: null,
            status: 'done',
          };
        })
      : manifolds,
  };
}

// ---------------------------------------------------------------------------------------------
// Version 3 → 4: project id, notes, run purpose, experiment results
// ---------------------------------------------------------------------------------------------

/**
 * The id a file without one gets: "legacy-" and the first 16 hex digits of the SHA-256 of its
 * project.json bytes, so the same old file opens with the same id every time (and two copies of
 * it share it, as copies of a format-4 file do).
 */
export function legacyProjectId(projectJsonBytes: Uint8Array): string {
  return `legacy-${sha256Hex(projectJsonBytes).slice(0, 16)}`;
}

/**
 * Format 4 adds: the project's `id` (legacyProjectId), `experimentResults` ([]), and `notes` ('')
 * on runs, primitive libraries and speed manifolds, and each run's `purpose` ('train': before
 * format 4 every stored run was an ordinary training). No array file changes.
 */
export function migrateV3toV4(document: unknown, context: MigrationContext): unknown {
  if (typeof document !== 'object' || document === null) return document;
  const doc = document as Record<string, unknown>;
  const withNotes = (items: unknown, extra: Record<string, unknown> = {}): unknown =>
    Array.isArray(items)
      ? items.map((item) => (typeof item === 'object' && item !== null && !Array.isArray(item) ? { ...item, notes: '', ...extra } : item))
      : items; // an invalid record is left for the schema to report field by field
  return {
    ...doc,
    schemaVersion: 4,
    id: legacyProjectId(context.projectJsonBytes),
    runs: withNotes(doc.runs, { purpose: 'train' }),
    primitiveLibraries: withNotes(doc.primitiveLibraries),
    speedManifolds: withNotes(doc.speedManifolds),
    experimentResults: [],
  };
}

/** migrations[v]: version v → v + 1. */
export const migrations: Readonly<Record<number, Migration>> = {
  1: migrateV1toV2,
  2: migrateV2toV3,
  3: migrateV3toV4,
};

// ---------------------------------------------------------------------------------------------
// Version detection and the chain
// ---------------------------------------------------------------------------------------------

export interface DocumentVersion {
  version: number;
  /** "GainLab 0.3.0" when the file says who wrote it. */
  writtenBy: string | null;
}

/**
 * Which format version a parsed project.json is. Throws 'not-gainlab' when it is JSON of some
 * other kind (so a foreign zip that happens to hold a project.json is named as such).
 */
export function documentVersion(document: unknown): DocumentVersion {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new ProjectFileError('not-gainlab', 'this is not a GainLab project: its project.json is not a JSON object');
  }
  const doc = document as Record<string, unknown>;
  let version: unknown;
  if (doc.kind === PROJECT_KIND) version = doc.schemaVersion;
  else if (doc.format === PROJECT_KIND && doc.kind === undefined) version = doc.version;
  else {
    const said = typeof doc.kind === 'string' ? ` (its kind is "${doc.kind.slice(0, 60)}")` : '';
    throw new ProjectFileError(
      'not-gainlab',
      `this is not a GainLab project: its project.json does not say kind "${PROJECT_KIND}"${said}`,
    );
  }
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new ProjectFileError('invalid-schema', `project.json: schemaVersion must be a whole number ≥ 1, found ${JSON.stringify(version)}`);
  }
  const written = doc.writtenBy as { name?: unknown; version?: unknown } | undefined;
  const writtenBy =
    written && typeof written === 'object' && typeof written.version === 'string'
      ? `${typeof written.name === 'string' ? written.name : 'GainLab'} ${written.version}`
      : null;
  return { version, writtenBy };
}

export function newerVersionError(found: DocumentVersion): ProjectFileError {
  const by = found.writtenBy ? `${found.writtenBy}, ` : '';
  return new ProjectFileError(
    'newer-version',
    `this project was saved by a newer GainLab (${by}file format ${found.version}; this GainLab reads format ${PROJECT_SCHEMA_VERSION} and older). ` +
      'Update GainLab to open it. The file has not been changed.',
  );
}

/** Bring a parsed project.json up to PROJECT_SCHEMA_VERSION (not yet validated against the v2 schema). */
export function migrateProjectDocument(
  document: unknown,
  context: MigrationContext,
): { document: unknown; fromVersion: number } {
  const found = documentVersion(document);
  if (found.version > PROJECT_SCHEMA_VERSION) throw newerVersionError(found);
  let current = document;
  for (let v = found.version; v < PROJECT_SCHEMA_VERSION; v++) {
    const step = migrations[v];
    if (!step) {
      throw new ProjectFileError('invalid-schema', `project.json: no migration from file format ${v} (this GainLab cannot read it)`);
    }
    current = step(current, context);
  }
  return { document: current, fromVersion: found.version };
}
