/**
 * Times in a sweep's plan as a researcher reads them (the app's plan panel: CPU per task, the time
 * here and on a cluster, the per-trial costs): two significant digits below 10 of a unit, whole
 * units above — 0.071 ms, 0.46 ms, 12 ms, 380 ms, 1.6 s, 45 s, 3.5 min, 2.4 h. The measured costs
 * carry more digits than the timing's noise (0.0712345 ms read as a precise number).
 */

/** `value` with two significant digits below 10 (0.0712 → "0.071", 4.56 → "4.6"), whole above (12.4 → "12"). */
function plainDigits(value: number): string {
  if (Math.abs(value) >= 10) return String(Math.round(value));
  return String(Number(value.toPrecision(2)));
}

/** Milliseconds: "0.071 ms", "0.46 ms", "12 ms", "380 ms"; '–' when not finite. */
export function msText(ms: number): string {
  return Number.isFinite(ms) ? `${plainDigits(ms)} ms` : '–';
}

/** A duration in seconds, in the unit that reads best: ms below 1 s, s below 2 min, min below 2 h, then h. */
export function durationText(seconds: number): string {
  if (!Number.isFinite(seconds)) return '–';
  if (seconds < 1) return msText(seconds * 1000);
  if (seconds < 120) return `${plainDigits(seconds)} s`;
  if (seconds < 7200) return `${plainDigits(seconds / 60)} min`;
  return `${plainDigits(seconds / 3600)} h`;
}
