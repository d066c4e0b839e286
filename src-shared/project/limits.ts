/**
 * The bounds of a .gainlab file. A file beyond any of them is refused with a one-line message
 * naming the field or entry, before GainLab spends the time or memory it would take. Each bound is
 * far above what a real project reaches (FORMAT.md lists them with the reasons), so they only ever
 * stop damaged or hostile files. The encoder checks the same bounds, so GainLab never writes a
 * file it would refuse to open.
 */
import { MAX_SAMPLES } from '../model/params.js';

const MiB = 1024 * 1024;

export const PROJECT_LIMITS = {
  // --- the archive -------------------------------------------------------------------------
  /** The whole .gainlab file: every array at its cap stored uncompressed, project.json and the zip's own records fit. */
  fileBytes: 2048 * MiB + 512 * MiB,
  /** Length of an entry name in the zip. */
  entryNameChars: 1000,
  /** project.json, uncompressed. */
  projectJsonBytes: 64 * MiB,
  /**
   * Objects and arrays, and values of any kind, in project.json: counted in one pass over the text
   * before JSON.parse, whose memory and time grow with them (64 MiB of "{}," would take 2 GB and a
   * minute to parse). A project at every other limit stays far below.
   */
  projectJsonContainers: 1_000_000,
  projectJsonValues: 8_000_000,
  /**
   * Expansion: the arrays of a file may take at most this many times the file's size once read
   * (or `expansionFloor`, for small files). Float64 data of real projects compresses a few-fold;
   * only a decompression bomb expands more. The encoder stores arrays uncompressed when deflate
   * would shrink a project further, so every file GainLab writes opens again.
   */
  expansionFactor: 64,
  expansionFloor: 256 * MiB,
  /** Every array reference of the project together, at 8 bytes per element (2 GiB). */
  totalArrayBytes: 2048 * MiB,
  /** Array references in project.json (every one counted, also several pointing at one file); each is a zip entry. */
  arrayRefs: 65_000,
  /** A .npy header (numpy itself refuses longer headers in files it does not trust). */
  npyHeaderBytes: 10_000,
  /** Dimensions of one array. */
  arrayDims: 8,

  // --- the model -----------------------------------------------------------------------------
  /** Neurons per network (the IPC contract's MAX_N). */
  maxN: 2000,
  /** Initial conditions per network (the observability Gramian has at most N eigenvectors). */
  initialConditions: 2000,
  /** Readout and target channels (the IPC contract's limit). */
  channels: 64,
  /** Samples of a target (the IPC contract's limit). */
  samples: MAX_SAMPLES,
  /**
   * The largest magnitude of a value of the model's inputs: W, initial conditions, readout weights,
   * target values and gains (of runs, libraries and manifolds). The authors' published network is
   * below 25 everywhere (|W| ≤ 4.5, |x0| ≤ 3.8, readout ≤ 6.7, targets ≤ 23), and GainLab's own
   * learning moves a gain by at most ~10⁷ (Adam: ≤ learning rate 10 × 10⁶ iterations; the reward
   * rule: σ ≤ 1 per trial × 10⁶ trials), so 10¹² is never reached by a real project. Within it, no
   * stored number can overflow a simulation: rates are bounded by rmax (tanh gain function), so a
   * neuron's input is at most N·10¹²·rmax (2·10¹⁷ at N = 2 000, rmax = 100) and the output's
   * squared error ~10³⁴, far below float64's 1.8·10³⁰⁸; an output that still overflows
   * (tasks/simulation.ts simulationProblem) comes from the dynamics (a linear gain function with
   * unstable W), not from the file. ±1e308 in W was refused only when simulated or trained.
   * Outputs, error curves and other results GainLab computes are only required to be finite.
   */
  modelValueMagnitude: 1e12,

  // --- counts --------------------------------------------------------------------------------
  networks: 64,
  targets: 4096,
  runs: 20_000,
  sessionsPerRun: 100,
  /** Targets (and initial-condition rows) one training run was trained on. */
  targetsPerRun: 256,
  primitiveLibraries: 1000,
  /** Runs (primitives) in one library. */
  runsPerLibrary: 1000,
  speedManifolds: 1000,
  /** Durations of one speed manifold. */
  durationsPerManifold: 1000,
  experimentResults: 1000,
  /** Tables, arrays, figures and texts of one experiment result, each. */
  partsPerResult: 1000,
  /** Columns of one result table. */
  tableColumns: 1000,

  // --- text ----------------------------------------------------------------------------------
  idChars: 200,
  nameChars: 200,
  /** Notes of the project, a run, a library, a manifold or a result (1 MB). */
  notesChars: 1_000_000,
  /** Short labels: origin, SOC recipe, media type, definition, writer name and version. */
  labelChars: 200,
  /** A file name recorded for an imported target. */
  fileNameChars: 1000,
  /** An ISO date. */
  dateChars: 64,
  /** One text of an experiment result (a CSV table, an HTML report). */
  resultTextChars: 16 * MiB,

  // --- free JSON values: settings, summary, figures, table cells -----------------------------
  /** Nesting of a free JSON value ({"a": [1]} is depth 2). */
  jsonDepth: 16,
  /** A string inside a free JSON value. */
  jsonStringChars: 1_000_000,
  /** The settings of a run, manifold or result, and a result's summary, serialised. */
  settingsBytes: 1 * MiB,
  /** All figures of one result, serialised; and all tables of one result. */
  resultFiguresBytes: 16 * MiB,
  resultTablesBytes: 16 * MiB,
} as const;

/**
 * The bounds of the archive as a whole, which encode and decode take as an option: a tool that
 * trusts its files may raise them, and tests lower them to check each rule without gigabytes.
 * (The bounds of single fields live in the zod schema and are fixed.)
 */
export interface ArchiveLimits {
  projectJsonBytes: number;
  projectJsonContainers: number;
  projectJsonValues: number;
  totalArrayBytes: number;
  arrayRefs: number;
  expansionFactor: number;
  expansionFloor: number;
}

export function archiveLimits(overrides: Partial<ArchiveLimits> = {}): ArchiveLimits {
  const L = PROJECT_LIMITS;
  return {
    projectJsonBytes: L.projectJsonBytes,
    projectJsonContainers: L.projectJsonContainers,
    projectJsonValues: L.projectJsonValues,
    totalArrayBytes: L.totalArrayBytes,
    arrayRefs: L.arrayRefs,
    expansionFactor: L.expansionFactor,
    expansionFloor: L.expansionFloor,
    ...overrides,
  };
}

/** "64 MiB", "2 GiB", "10 000 bytes" — how a limit reads in a message. */
export function bytesText(bytes: number): string {
  if (bytes >= 1024 * MiB) return `${+(bytes / (1024 * MiB)).toFixed(2)} GiB`;
  if (bytes >= MiB) return `${+(bytes / MiB).toFixed(1)} MiB`;
  if (bytes >= 10_000) return `${+(bytes / 1024).toFixed(0)} KiB`;
  return `${bytes} bytes`;
}

/** 1000000 → "1 000 000" (thin grouping that reads the same in every locale). */
export function countText(count: number): string {
  return String(count).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}
