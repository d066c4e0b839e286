/**
 * IPC pieces of 'experiment' jobs: one paper experiment definition (src-shared/experiments) run as
 * a job on the worker pool (jobs:start-experiment). contract.ts re-exports these and wires them
 * into the job kinds, results and channels; this file imports nothing from contract.ts (that
 * would be a cycle) and no model code (the preload and the contract stay light).
 */
import { z } from 'zod';
import { rangeSchema, SETTING_RANGES } from '../settingsRanges.js';

/** Every runnable definition, in the order the Experiments view lists them. */
export const EXPERIMENT_NAMES = ['fig1', 'supp1f', 'supp2', 'fig4', 'supp3', 'fig6', 'supp5', 'fig8'] as const;
export type ExperimentName = (typeof EXPERIMENT_NAMES)[number];

const jobId = z.string().min(1).max(200);

const count = (max: number) => z.number().int().min(1).max(max);

/** Every setting an experiment may take instead of its preset (each definition takes some). */
export const experimentOverridesSchema = z.strictObject({
  /** Independent sessions per condition. */
  sessions: rangeSchema(SETTING_RANGES.sessions).optional(),
  /** Reward-rule trials per session (or per pattern). */
  trials: rangeSchema(SETTING_RANGES.trials).optional(),
  /** Adam iterations (supp1f per trainable and target; supp2 for specialising; others per pattern). */
  iterations: count(100_000).optional(),
  /** σ of the reward rule's gain noise. */
  sigma: rangeSchema(SETTING_RANGES.sigma).optional(),
  /** α of the reward rule's low-pass averages. */
  alpha: rangeSchema(SETTING_RANGES.alpha).optional(),
  /** Adam learning rate. */
  lr: rangeSchema(SETTING_RANGES.learningRate).optional(),
  /** Rule of learned patterns (fig4/supp3 pool, fig6 manifold, fig8 libraries). */
  rule: z.enum(['reward', 'gradient']).optional(),
  /** Size N of the experiment's own SOC network. */
  n: z.number().int().min(10).max(2000).optional(),
  /** Random modulatory groups G. */
  groups: count(2000).optional(),
  /** Initial conditions m learned jointly. */
  conditions: count(20).optional(),
  /** Movements (supp2 b–h, supp5). */
  movements: count(100).optional(),
  /** Targets: supp1f's targets, the novel targets of fig4/supp3/fig8, supp2's novel movements. */
  targets: count(1000).optional(),
  /** Learned patterns: the pool of fig4/supp3, the shapes of fig8. */
  pool: count(1000).optional(),
  /** Random libraries per library size (fig4, supp3). */
  libraries: count(1000).optional(),
  /** Library sizes l (fig4, supp3). */
  librarySizes: z.array(count(1000)).min(1).max(100).optional(),
  /** Speeds of the manifold (fig6). */
  speeds: z.number().int().min(2).max(20).optional(),
  /** m values of Supp. 5h–j. */
  conditionSweep: z.array(count(20)).min(1).max(20).optional(),
  /** Noisy-x0 samples per SNR (fig1). */
  noiseSamples: count(100_000).optional(),
});
export type ExperimentOverrides = z.output<typeof experimentOverridesSchema>;
export type OverrideKey = keyof ExperimentOverrides;

/**
 * Start one experiment. Without `networkId` the definition builds its own SOC network from `seed`;
 * with it, that network of the open project is used as given (it needs a readout and the default
 * dynamics). Full (quick: false) runs the paper's set-up; `overrides` change single settings; a
 * parameter the chosen definition does not take is refused ('invalid-payload').
 */
export const experimentRequestSchema = z.strictObject({
  experiment: z.enum(EXPERIMENT_NAMES),
  /** Small network, few targets and trials (seconds); false = the paper's settings. */
  quick: z.boolean().default(true),
  seed: rangeSchema(SETTING_RANGES.seed).default(1),
  /** A network of the open project instead of the definition's own SOC network. */
  networkId: jobId.optional(),
  /** fig1 only: a target movement of the open project (default: generated target seed 2). */
  targetId: jobId.optional(),
  /** supp2 only: network sizes of panels e–h (paper set-up 100, 200, 400; quick 30 and 40). */
  sizes: z.array(z.number().int().min(10).max(2000)).min(1).max(6).optional(),
  /**
   * Departures from the paper's set-up (e.g. tiny test settings, or σ for the slow tasks); only
   * those the definition takes (catalog.ts ExperimentInfo.overrides). A run with any override that
   * differs from the paper says so in its result (summary.setup.departures).
   */
  overrides: experimentOverridesSchema.optional(),
  label: z.string().max(200).optional(),
});
export type ExperimentRequest = z.input<typeof experimentRequestSchema>;
export type ExperimentOptions = z.output<typeof experimentRequestSchema>;

/** A table cell: a number (NaN allowed: JSON-like data of a partial run) or a string. */
const cellSchema = z.custom<number | string>((v) => typeof v === 'number' || typeof v === 'string', { message: 'expected a number or a string' });
const float64Array = z.custom<Float64Array>((v) => v instanceof Float64Array, { message: 'expected a Float64Array' });

/**
 * A figure as data (experiments/figureSpec.ts FigureSpec). Checked for its frame only; the series
 * data (ArrayLike numbers) pass through untouched (loose object: nothing is stripped).
 */
export const figureSpecSchema = z.looseObject({
  kind: z.enum(['lines', 'box', 'histogram', 'heatmap', 'scatter']),
  name: z.string(),
  title: z.string(),
});

export const experimentJobResultSchema = z.object({
  kind: z.literal('experiment'),
  experiment: z.enum(EXPERIMENT_NAMES),
  title: z.string(),
  quick: z.boolean(),
  seed: z.number(),
  /** 'own SOC network' or the project network's name. */
  network: z.string(),
  /** The definition's JSON-able numbers and settings (what summary.json holds). */
  summary: z.record(z.string(), z.unknown()),
  tables: z.array(z.object({ name: z.string(), columns: z.array(z.string()), rows: z.array(z.array(cellSchema)) })),
  arrays: z.array(z.object({ name: z.string(), shape: z.array(z.number().int()), data: float64Array })),
  figures: z.array(figureSpecSchema),
  /** Extra CSV texts (the analyses' own tables). */
  csv: z.array(z.object({ name: z.string(), text: z.string() })),
  elapsedMs: z.number(),
  /** true when the job was cancelled: whatever the definition had computed (possibly nothing). */
  partial: z.boolean(),
  /** Why there is less than a full result (e.g. cancelled before the first figure). */
  note: z.string().optional(),
});
export type ExperimentJobResult = z.infer<typeof experimentJobResultSchema>;
