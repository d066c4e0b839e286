/**
 * How long `nSamples` samples last on a network's time grid (its step T/(n − 1)): T itself for
 * the network's own grid, s·T for a slow variant simulated with the same step (model-spec §8).
 */
export function samplesSpan(grid: { duration: number; nSamples: number }, nSamples: number): number {
  if (grid.nSamples < 2 || nSamples < 2) return grid.duration;
  return (grid.duration * (nSamples - 1)) / (grid.nSamples - 1);
}
