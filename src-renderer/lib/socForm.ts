/**
 * The SOC build form (model-spec §4): text fields → a jobs:start-soc request, or the one sentence
 * that says why not. Impossible parameters never reach a worker: N odd or < 4, p outside (0, 1),
 * anything that is not a finite number, and N too large for this machine's memory and patience.
 */
import { MAX_N, type SocRequest } from '../../src-shared/ipc/contract.js';

export interface SocFormFields {
  n: string;
  p: string;
  R: string;
  gamma: string;
  targetAlpha: string;
  seed: string;
  recipe: 'published' | 'adaptive';
}

export const DEFAULT_SOC_FORM: Readonly<SocFormFields> = Object.freeze({
  n: '200',
  p: '0.1',
  R: '10',
  gamma: '3',
  targetAlpha: '0.15',
  seed: '1',
  recipe: 'published',
});

/** Largest N the form accepts (the IPC contract's limit). */
export const MAX_SOC_N = MAX_N;

/**
 * Bytes an SOC build holds for N neurons: W, its Schur form (T, Z), the two Lyapunov solutions and
 * their products (about a dozen N×N float64 matrices).
 */
export function socMemoryBytes(n: number): number {
  return 12 * 8 * n * n;
}

export type SocFormCheck =
  | { ok: true; request: SocRequest }
  | { ok: false; field: keyof SocFormFields; problem: string };

/** A strict number: digits as typed (no empty string, no "1e", no NaN/Infinity text). */
function parseNumber(text: string): number {
  const trimmed = String(text).trim();
  if (trimmed === '') return Number.NaN;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : Number.NaN;
}

function refuse(field: keyof SocFormFields, problem: string): SocFormCheck {
  return { ok: false, field, problem };
}

export function checkSocForm(fields: SocFormFields): SocFormCheck {
  const n = parseNumber(fields.n);
  if (Number.isNaN(n)) return refuse('n', 'N must be a number.');
  if (!Number.isInteger(n)) return refuse('n', 'N must be a whole number.');
  if (n < 4) return refuse('n', 'N must be at least 4 (two excitatory and two inhibitory neurons).');
  if (n % 2 !== 0) return refuse('n', 'N must be even: the first half of the neurons is excitatory, the second inhibitory.');
  if (n > MAX_SOC_N) {
    const mb = Math.round(socMemoryBytes(n) / 2 ** 20);
    return refuse('n', `N = ${n} is too large: an SOC build would hold about ${mb.toLocaleString('en-US')} MB of matrices and run for hours; at most ${MAX_SOC_N}.`);
  }
  const p = parseNumber(fields.p);
  if (Number.isNaN(p)) return refuse('p', 'p must be a number.');
  if (!(p > 0 && p < 1)) return refuse('p', 'p is a connection probability: it must lie strictly between 0 and 1.');
  // the initial matrix has round(N(N−1)p) connections; the E block needs some for the E/I balance
  if (Math.round((n * (n - 1) * p) / 4) < 1) return refuse('p', `With N = ${n} and p = ${p} the initial matrix would have almost no connections; raise p or N.`);
  const R = parseNumber(fields.R);
  if (Number.isNaN(R)) return refuse('R', 'R must be a number.');
  if (!(R > 0) || R > 1000) return refuse('R', 'R (the initial spectral radius) must be positive and at most 1000.');
  const gamma = parseNumber(fields.gamma);
  if (Number.isNaN(gamma)) return refuse('gamma', 'γ must be a number.');
  if (!(gamma > 0) || gamma > 1000) return refuse('gamma', 'γ (inhibition/excitation ratio) must be positive and at most 1000.');
  const targetAlpha = parseNumber(fields.targetAlpha);
  if (Number.isNaN(targetAlpha)) return refuse('targetAlpha', 'The target α must be a number.');
  if (targetAlpha >= 1) return refuse('targetAlpha', 'The target α must be below 1: with α ≥ 1 the network x = W·x would be unstable.');
  if (targetAlpha < -10) return refuse('targetAlpha', 'The target α must be at least −10.');
  const seed = parseNumber(fields.seed);
  if (Number.isNaN(seed) || !Number.isInteger(seed) || seed < 0 || seed > 2 ** 32 - 1) {
    return refuse('seed', 'The seed must be a whole number from 0 to 4294967295.');
  }
  return { ok: true, request: { n, p, R, gamma, targetAlpha, seed, recipe: fields.recipe } };
}
