/**
 * IPC pieces of 'experiment' jobs: one paper experiment definition (src-shared/experiments) run as
 * a job on the worker pool (jobs:start-experiment). contract.ts re-exports these and wires them
 * into the job kinds, results and channels; this file imports nothing from contract.ts (that
 * would be a cycle) and no model code (the preload and the contract stay light).
 */
import { z } from 'zod';

/** Every runnable definition, in the order the Experiments view lists them. */
export const EXPERIMENT_NAMES = ['fig1', 'supp1f', 'supp2', 'fig4', 'supp3', 'fig6', 'supp5', 'fig8'] as const;
export type ExperimentName = (typeof EXPERIMENT_NAMES)[number];

const jobId = z.string().min(1).max(200);

/**
 * Start one experiment. Without `networkId` the definition builds its own SOC network from `seed`
 * (the paper's set-up); with it, that network of the open project is used as given (it needs a
 * readout and the default dynamics). The few size parameters a definition accepts are optional;
 * a parameter the chosen definition does not take is refused ('invalid-payload').
 */
export const experimentRequestSchema = z.strictObject({
  experiment: z.enum(EXPERIMENT_NAMES),
  /** Small network, few targets and trials (seconds); false = the paper's settings. */
  quick: z.boolean().default(true),
  seed: z.number().int().min(0).max(2 ** 32 - 1).default(1),
  /** A network of the open project instead of the definition's own SOC network. */
  networkId: jobId.optional(),
  /** fig1 only: a target movement of the open project (default: generated target seed 2). */
  targetId: jobId.optional(),
  /** supp2 only: network sizes of panels e–h (default 200 and 400; quick 40 and 60). */
  sizes: z.array(z.number().int().min(10).max(2000)).min(1).max(6).optional(),
  /** Smaller or larger runs than the preset (e.g. tiny test settings); only those the definition takes. */
  overrides: z
    .strictObject({
      /** fig1, supp2: independent reward-rule sessions per condition. */
      sessions: z.number().int().min(1).max(100).optional(),
      /** fig1, supp2: reward-rule trials per session. */
      trials: z.number().int().min(1).max(1_000_000).optional(),
      /** supp1f: Adam iterations per trainable and target; supp2: Adam iterations for specialising. */
      iterations: z.number().int().min(1).max(100_000).optional(),
      /** supp1f: number of generated targets. */
      targets: z.number().int().min(1).max(100).optional(),
      /** fig1: noisy-x0 samples per SNR. */
      noiseSamples: z.number().int().min(1).max(100_000).optional(),
    })
    .optional(),
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
