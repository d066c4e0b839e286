/**
 * How the files GainLab writes number sessions. What people read counts from 1, as the app shows
 * "session 1" for the first: CSV columns (session, session_a, …), CSV column and file names
 * (session_1, r_after_s1) and text. What programs index stays 0-based, Python's convention: the
 * rows of a .npy array (row k of best_gains.npy is session k + 1) and a session's seed index
 * (session k + 1 is seeded Rng.derive(seed, k), the seed_index column of fig1's final_errors.csv).
 */

/** The number people read for the session at 0-based `index`. */
export function sessionNumber(index: number): number {
  return index + 1;
}

/** 1, 2, …, count: the session column of a table with one row per session. */
export function sessionNumbers(count: number): Float64Array {
  return Float64Array.from({ length: count }, (_, index) => sessionNumber(index));
}
