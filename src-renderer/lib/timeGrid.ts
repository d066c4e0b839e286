/**
 * How long `nSamples` samples last on a network's time grid (its step T/(n − 1)): T itself for
 * the network's own grid, s·T for a slow variant simulated with the same step (model-spec §8).
 */
export function samplesSpan(grid: { duration: number; nSamples: number }, nSamples: number): number {
  if (grid.nSamples < 2 || nSamples < 2) return grid.duration;
  // T·(n − 1)/(N − 1), not stepLength(grid)·(n − 1): multiplying first keeps whole spans whole
  // (500·398/199 is 1000; 500/199·398 is 1000.0000000000001, and the time axis would show it)
  return (grid.duration * (nSamples - 1)) / (grid.nSamples - 1);
}
