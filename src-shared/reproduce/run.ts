/**
 * The reproduction run behind `gainlab reproduce` and the app's Reproduction report: every part
 * (parts.ts) in turn, each kept in the store as soon as it finishes — so a run restarted after a
 * crash (or a stop) skips the finished parts, and the long parts also resume inside (their
 * experiment checkpoints live in the same store) — then every claim (claims.ts) evaluated from
 * the parts' summaries, and one self-contained HTML report (report.ts).
 *
 * Pure src-shared: the store, the SVG renderer and the environment line are given by the caller
 * (the CLI: a directory, ECharts server-side SVG, node/os facts; the app's job: its own).
 */
import { DEFINITIONS } from '../definitions.js';
import type { FigureSpec } from '../experiments/figureSpec.js';
import { labelHash, buildExperimentNetwork, type ExperimentCheckpoint, type PreparedNetwork } from '../experiments/support.js';
import { CLAIMS } from './claims.js';
import { decodeValue, encodeValue } from './codec.js';
import { PARTS, type PartContext, type PublishedData, type ReproductionMode } from './parts.js';
import { reportHtml } from './report.js';
import type { EvaluatedClaim, ReproductionEnvironment, ReproductionProgress, ReproductionStore, StoredPart } from './types.js';

export type { EvaluatedClaim, PublishedData, ReproductionEnvironment, ReproductionMode, ReproductionProgress, ReproductionStore, StoredPart };

export interface ReproductionOptions {
  mode: ReproductionMode;
  seed?: number;
  published?: PublishedData | null;
  store: ReproductionStore;
  environment: ReproductionEnvironment;
  renderSvg: (figure: FigureSpec) => string;
  onProgress?: (progress: ReproductionProgress) => void;
  shouldStop?: () => boolean;
  /** Clock (ms); default Date.now. */
  now?: () => number;
  /**
   * Run only these parts, in this order (ids of PARTS); the report still includes every part
   * already in the store. Two processes on one store with complementary orders (one forwards, one
   * backwards) share the work of a full run: each skips the parts the other has stored, and
   * inside a part the finished checkpoints.
   */
  only?: readonly string[];
}

export interface ReproductionResult {
  html: string;
  claims: EvaluatedClaim[];
  parts: StoredPart[];
  /** True when stopped before every part finished (the report then covers the finished ones). */
  stopped: boolean;
  /** This invocation's wall time, and the parts' total compute time (over restarts). */
  wallMs: number;
  computeMs: number;
}

/** Relative cost of each part per mode (for the progress percent; measured on this project's machines). */
const COST: Record<ReproductionMode, Record<string, number>> = {
  quick: { published: 1, adam: 4, fig1: 25, supp1f: 6, supp2: 40, fig4: 5, supp3: 8, supp5: 35, fig6: 8, fig8: 6 },
  full: { published: 1, adam: 5, fig1: 600, supp1f: 300, supp2: 6000, fig4: 1800, supp3: 2400, supp5: 4000, fig6: 2500, fig8: 600 },
};

function partName(mode: ReproductionMode, seed: number, id: string): string {
  return `parts/${mode}-seed${seed}-${id}.json`;
}

/** Experiment checkpoints in the store, one file per key (the key is kept inside and compared). */
export function storeCheckpoint(store: ReproductionStore): ExperimentCheckpoint {
  const file = (key: string) => `checkpoints/${labelHash(key).toString(16).padStart(8, '0')}-${key.length}.json`;
  return {
    load(key) {
      const text = store.read(file(key));
      if (text === undefined) return undefined;
      try {
        const kept = decodeValue(text) as { key: string; value: unknown };
        return kept.key === key ? kept.value : undefined;
      } catch {
        return undefined; // a file cut short by a crash: recompute
      }
    },
    save(key, value) {
      store.write(file(key), encodeValue({ key, value }));
    },
  };
}

/** SOC networks built once per (n, seed) and kept in the store (an N = 400 network takes minutes). */
export function storedSocNetworks(checkpoint: ExperimentCheckpoint): (n: number, seed: number, shouldStop?: () => boolean) => PreparedNetwork {
  const memory = new Map<string, PreparedNetwork>();
  return (n, seed, shouldStop) => {
    const key = `network:soc:${n}:${seed}`;
    const cached = memory.get(key);
    if (cached) return cached;
    const kept = checkpoint.load(key) as PreparedNetwork | undefined;
    const prepared = kept ?? buildExperimentNetwork({ n, seed, shouldStop });
    if (!kept && !shouldStop?.()) checkpoint.save(key, prepared);
    memory.set(key, prepared);
    return prepared;
  };
}

/** Largest heat map drawn in the report (rows and columns); the experiments' CSV and .npy keep every value. */
const REPORT_HEATMAP_SIZE = 64;

/** The figure as the report draws it: heat maps thinned to every k-th row and column (the file stays a few MB). */
export function reportFigure(figure: FigureSpec): FigureSpec {
  if (figure.kind !== 'heatmap' || (figure.rows <= REPORT_HEATMAP_SIZE && figure.cols <= REPORT_HEATMAP_SIZE)) return figure;
  const rowStride = Math.ceil(figure.rows / REPORT_HEATMAP_SIZE);
  const colStride = Math.ceil(figure.cols / REPORT_HEATMAP_SIZE);
  const rows = Math.ceil(figure.rows / rowStride);
  const cols = Math.ceil(figure.cols / colStride);
  const data = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) data[r * cols + c] = figure.data[r * rowStride * figure.cols + c * colStride];
  return { ...figure, rows, cols, data, title: `${figure.title} (every ${rowStride === colStride ? `${rowStride}th row and column` : `${rowStride}th row, ${colStride}th column`})` };
}

export function runReproduction(options: ReproductionOptions): ReproductionResult {
  const now = options.now ?? (() => Date.now());
  const started = now();
  const seed = options.seed ?? 1;
  const mode = options.mode;
  const store = options.store;
  const shouldStop = options.shouldStop ?? (() => false);
  const checkpoint = storeCheckpoint(store);
  const socNetwork = storedSocNetworks(checkpoint);
  const costs = COST[mode];
  const total = PARTS.reduce((sum, p) => sum + (costs[p.id] ?? 1), 0);
  let doneCost = 0;
  const parts: StoredPart[] = [];
  let stopped = false;

  const order = options.only ? options.only.map((id) => {
    const index = PARTS.findIndex((p) => p.id === id);
    if (index < 0) throw new Error(`no part "${id}" (parts: ${PARTS.map((p) => p.id).join(', ')})`);
    return index;
  }) : PARTS.map((_, index) => index);
  let skipped = false;
  PARTS.forEach((part, index) => {
    if (order.includes(index)) return;
    // not asked for: in the report if another run stored it, else "not run"
    const kept = store.read(partName(mode, seed, part.id));
    if (kept === undefined) {
      skipped = true;
      return;
    }
    try {
      parts.push(decodeValue(kept) as StoredPart);
      doneCost += costs[part.id] ?? 1;
    } catch {
      skipped = true;
    }
  });

  order.forEach((index) => {
    const part = PARTS[index];
    if (stopped) return;
    const name = partName(mode, seed, part.id);
    const kept = store.read(name);
    if (kept !== undefined) {
      try {
        parts.push(decodeValue(kept) as StoredPart);
        doneCost += costs[part.id] ?? 1;
        return;
      } catch {
        // cut short by a crash: run the part again
      }
    }
    if (shouldStop()) {
      stopped = true;
      return;
    }
    const cost = costs[part.id] ?? 1;
    // within a part, as far as the part says it has come (an experiment's steps)
    const progress = (message: string, partPercent = 0) =>
      options.onProgress?.({ part: part.id, index, parts: PARTS.length, message, percent: Math.min(99, (100 * (doneCost + (cost * partPercent) / 100)) / total) });
    const ctx: PartContext = { mode, seed, published: options.published ?? null, checkpoint, socNetwork, onProgress: progress, shouldStop };
    progress(`starting: ${part.title}`);
    const partStarted = now();
    const reason = part.unavailable?.(ctx) ?? null;
    let stored: StoredPart;
    if (reason) {
      stored = { id: part.id, title: part.title, mode, seed, status: 'unavailable', reason, summary: {}, setup: null, settings: {}, figures: [], elapsedMs: 0, finishedAt: new Date(now()).toISOString() };
    } else {
      const out = part.run(ctx);
      if (out.stopped || shouldStop()) {
        stopped = true;
        return;
      }
      stored = {
        id: part.id,
        title: part.title,
        mode,
        seed,
        status: 'done',
        summary: out.summary,
        setup: out.setup,
        settings: out.settings,
        figures: out.figures.map((f) => ({ name: f.name, title: f.title, svg: options.renderSvg(reportFigure(f)) })),
        elapsedMs: now() - partStarted,
        finishedAt: new Date(now()).toISOString(),
        version: options.environment.version,
      };
    }
    store.write(name, encodeValue(stored));
    parts.push(stored);
    doneCost += cost;
  });

  // the report lists the parts in the paper's order whatever order they ran in
  const rank = (id: string) => PARTS.findIndex((p) => p.id === id);
  parts.sort((a, b) => rank(a.id) - rank(b.id));
  stopped = stopped || skipped;
  const byId = new Map(parts.map((p) => [p.id, p]));
  const claims: EvaluatedClaim[] = CLAIMS.map((claim) => {
    const { evaluate, ...rest } = claim;
    const missing = claim.parts.filter((id) => byId.get(id)?.status !== 'done');
    if (missing.length > 0) {
      const why = missing.map((id) => (byId.get(id)?.reason ? `${id}: ${byId.get(id)!.reason}` : `${id} did not run`)).join('; ');
      return { ...rest, measured: `— (${why})`, verdict: 'not run' };
    }
    try {
      return { ...rest, ...evaluate((id) => byId.get(id)!.summary) };
    } catch (error) {
      return { ...rest, measured: `— (could not evaluate: ${error instanceof Error ? error.message : String(error)})`, verdict: 'not run' };
    }
  });
  const wallMs = now() - started;
  const computeMs = parts.reduce((sum, p) => sum + p.elapsedMs, 0);
  const html = reportHtml({ mode, seed, environment: options.environment, generatedAt: new Date(now()).toISOString(), wallMs, computeMs, parts, claims, stopped, definitions: Object.values(DEFINITIONS), partTitles: PARTS.map((p) => ({ id: p.id, title: p.title })) });
  return { html, claims, parts, stopped, wallMs, computeMs };
}
