/**
 * How long something took, or will take, as every part of GainLab writes it: the runs table, the
 * Experiments view (estimates and run times), the reproduction report and a sweep's plan. They
 * each rounded their own way (one run read "65.0 s" in one place and "1 min 5 s", "65 s" or
 * "1.1 min" in others); now there is this one rule:
 *
 *   below 1 s       milliseconds, two significant digits below 10 ms, whole from 10: 0.071 ms, 4.2 ms, 850 ms
 *   1 s to 1 min    seconds, the same way: 1 s, 4.2 s, 45 s
 *   1 min to 1 h    minutes and whole seconds: 3 min 05 s
 *   from 1 h        hours and whole minutes: 1 h 02 min, 26 h 40 min
 *
 * A value is rounded before its unit is chosen, so 59.6 s reads "1 min 00 s", never "60 s", and
 * 3599.5 s reads "1 h 00 min". Seconds and minutes under a larger unit have two digits, so a
 * column of times lines up. Not finite or negative (no time recorded): '–'.
 */

/** `value` with two significant digits below 10 (0.0712 → "0.071", 4.56 → "4.6"), whole above (12.4 → "12"). */
function plainDigits(value: number): string {
  if (Math.abs(value) >= 10) return String(Math.round(value));
  return String(Number(value.toPrecision(2)));
}

/** A count under a larger unit, two digits: 5 → "05". */
function twoDigits(count: number): string {
  return String(count).padStart(2, '0');
}

/**
 * Milliseconds as they are, never in another unit: "0.071 ms", "0.46 ms", "12 ms", "380 ms";
 * '–' when not finite. For per-trial costs (a sweep's measured ms per trial); durations use
 * durationText, which writes sub-second times this same way.
 */
export function msText(ms: number): string {
  return Number.isFinite(ms) ? `${plainDigits(ms)} ms` : '–';
}

/** A duration given in milliseconds, in the unit that reads best (the rule above): "850 ms", "4.2 s", "3 min 05 s", "1 h 02 min". */
export function durationText(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  if (Math.round(ms) < 1000) return msText(ms);
  const seconds = ms / 1000;
  if (Math.round(seconds) < 60) return `${plainDigits(seconds)} s`;
  const wholeSeconds = Math.round(seconds);
  if (wholeSeconds < 3600) return `${Math.floor(wholeSeconds / 60)} min ${twoDigits(wholeSeconds % 60)} s`;
  const wholeMinutes = Math.round(seconds / 60);
  return `${Math.floor(wholeMinutes / 60)} h ${twoDigits(wholeMinutes % 60)} min`;
}
