/**
 * The shapes a reproduction run passes around: its store, environment line, progress, the parts
 * it keeps and the claims it evaluates (run.ts produces them, report.ts draws them).
 */
import type { SetupSummary } from '../experiments/setup.js';
import type { Claim, ClaimOutcome, Summary } from './claims.js';
import type { ReproductionMode } from './parts.js';

/** Where finished parts and checkpoints are kept (a directory for the CLI). Names are relative paths. */
export interface ReproductionStore {
  read(name: string): string | undefined;
  write(name: string, text: string): void;
}

export interface ReproductionEnvironment {
  /** GainLab version. */
  version: string;
  /** Machine: CPU model and cores. */
  machine: string;
  /** Runtime, e.g. "Node 20.20.2 (linux x64)". */
  runtime: string;
}

export interface ReproductionProgress {
  part: string;
  index: number;
  parts: number;
  message: string;
  /** Rough percent done, from the parts' expected costs and how far the running part has come. */
  percent: number;
}

export interface StoredPart {
  id: string;
  title: string;
  mode: ReproductionMode;
  seed: number;
  status: 'done' | 'unavailable';
  reason?: string;
  summary: Summary;
  setup: SetupSummary | null;
  settings: Record<string, unknown>;
  figures: Array<{ name: string; title: string; svg: string }>;
  elapsedMs: number;
  finishedAt: string;
  /** The GainLab version that computed the part (a resumed run may mix builds; absent in older stores). */
  version?: string;
}

export interface EvaluatedClaim extends Omit<Claim, 'evaluate'>, ClaimOutcome {}
