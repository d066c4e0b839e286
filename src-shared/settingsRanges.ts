/**
 * The one declaration of the accepted range of every numeric learning setting. The IPC contract
 * (main's request validation), the experiment and sweep schemas, the forms (NumberField) and the
 * CLI all check against these, so a value is either accepted everywhere or refused everywhere with
 * the same sentence. The ranges are documented in docs/SETTINGS.md.
 *
 * Chosen so that every value the paper or GainLab's defaults use stays well inside (σ = 0.001 and
 * 0.003, α = 0.3, lr 0.01–0.05, 5 000 trials, 10 sessions) while values that cannot be meant
 * (σ = 1e300, which turns every gain into noise, or α = 1, which freezes the reward baseline) are
 * refused with a message naming the setting and its range.
 */
import { z } from 'zod';

export interface SettingRange {
  /** How the setting is named in messages and labels: 'σ (reward noise)'. */
  name: string;
  min: number;
  max: number;
  /** false: min itself is refused (0 < σ). */
  minInclusive: boolean;
  maxInclusive: boolean;
  integer: boolean;
  /** The step of the arrow keys in a form (never a validity constraint). */
  step: number;
  /** Shown after the field ('ms', '×T'); empty when the setting has no unit. */
  unit: string;
  /** Why the range is what it is (docs/SETTINGS.md lists these). */
  why: string;
}

function range(spec: Partial<SettingRange> & Pick<SettingRange, 'name' | 'min' | 'max' | 'why'>): SettingRange {
  return { minInclusive: true, maxInclusive: true, integer: false, step: 1, unit: '', ...spec };
}

export const MAX_SEED = 2 ** 32 - 1;

export const SETTING_RANGES = {
  trials: range({ name: 'Trials', min: 1, max: 1_000_000, integer: true, step: 100, why: 'reward-rule trials per session; the paper uses 5 000' }),
  iterations: range({ name: 'Iterations', min: 1, max: 1_000_000, integer: true, step: 50, why: 'Adam iterations; 300 reach the paper-level error' }),
  sigma: range({ name: 'σ (reward noise)', min: 0, max: 1, minInclusive: false, step: 0.0005, why: 'gain noise per trial; the paper uses 0.001 (0.003 for the slow tasks); above 1 the noise swamps the gains (g ≈ 1)' }),
  alpha: range({ name: 'α (averaging)', min: 0, max: 1, maxInclusive: false, step: 0.05, why: 'low-pass factor of the reward baseline; the paper uses 0.3; α = 1 would never update the baseline' }),
  learningRate: range({ name: 'Learning rate', min: 0, max: 10, minInclusive: false, step: 0.005, why: 'Adam step size; 0.01 by default, 0.05 in the quick experiments' }),
  sessions: range({ name: 'Sessions', min: 1, max: 100, integer: true, why: 'independent sessions run together; the paper runs 10' }),
  seed: range({ name: 'Seed', min: 0, max: MAX_SEED, integer: true, why: 'any 32-bit unsigned integer' }),
  speeds: range({ name: 'Speeds', min: 2, max: 20, integer: true, why: 'durations of a speed manifold; Fig. 6 uses 7' }),
  maxFactor: range({ name: 'Slowest factor', min: 1, max: 20, minInclusive: false, step: 0.5, unit: '× T', why: 'the slowest movement lasts this many times T; Fig. 6 uses 5' }),
  speedConditions: range({ name: 'Initial conditions m', min: 1, max: 10, integer: true, why: 'initial conditions learned jointly; Fig. 6 uses 2–3' }),
  speedGroups: range({ name: 'Groups G', min: 1, max: 100_000, integer: true, why: 'random modulatory groups; Fig. 6 uses 40 (G ≥ N is one gain per neuron)' }),
  ridge: range({ name: 'Ridge δ', min: 0, max: 1e6, step: 0.01, why: 'penalty on the primitive coefficients when `combination` is `ridge` (the default, `bounded-coefficients`, finds its own δ); 0 is plain least squares' }),
  generatedTargets: range({ name: 'Generated targets', min: 1, max: 32, integer: true, why: 'targets added at once to a library' }),
  initialConditions: range({ name: 'Initial conditions', min: 1, max: 16, integer: true, why: 'Gramian eigenvectors kept with a network' }),
} as const;

export type SettingName = keyof typeof SETTING_RANGES;

function number(value: number): string {
  return Math.abs(value) >= 10_000 && Number.isInteger(value) ? value.toLocaleString('en-US').replace(/,/g, ' ') : String(value);
}

/** The range in words: "a whole number from 1 to 1 000 000", "more than 0 and at most 1". */
export function rangeText(r: SettingRange): string {
  if (r.integer && r.minInclusive && r.maxInclusive) return `a whole number from ${number(r.min)} to ${number(r.max)}`;
  const text = `${r.minInclusive ? 'at least' : 'more than'} ${number(r.min)} and ${r.maxInclusive ? 'at most' : 'below'} ${number(r.max)}`;
  return r.integer ? `a whole number ${text}` : text;
}

/** null when `value` is in range; otherwise one line naming the setting (or `as`, e.g. '--sigma') and the range. */
export function rangeProblem(r: SettingRange, value: number, as: string = r.name): string | null {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (r.minInclusive ? value >= r.min : value > r.min) &&
    (r.maxInclusive ? value <= r.max : value < r.max) &&
    (!r.integer || Number.isInteger(value));
  if (ok) return null;
  const got = typeof value === 'number' && !Number.isNaN(value) ? `, got ${value}` : '';
  return `${as} must be ${rangeText(r)}${got}.`;
}

/** The zod schema of a setting: the same check and the same sentence as the forms and the CLI. */
export function rangeSchema(r: SettingRange): z.ZodNumber {
  const error = (issue: { input?: unknown }) => rangeProblem(r, typeof issue.input === 'number' ? issue.input : Number.NaN) ?? `${r.name} is out of range.`;
  let schema = z.number({ error: `${r.name} must be a number.` });
  schema = r.minInclusive ? schema.min(r.min, { error }) : schema.gt(r.min, { error });
  schema = r.maxInclusive ? schema.max(r.max, { error }) : schema.lt(r.max, { error });
  if (r.integer) schema = schema.int({ error });
  return schema;
}
