/**
 * Live training plots drawn from gain snapshots: a few neurons' gains over training, and which
 * snapshots to show as "output at chosen trials". Pure functions (tested in plotOptions tests).
 */
import type { GainSnapshot } from '../../src-shared/ipc/contract.js';
import type { ChartOption } from './options.js';
import { LEGEND_STYLE, valueAxis } from './chartParts.js';
import { SESSION_COLORS } from './palette.js';

/**
 * The x axis of a training run's curves: gradient runs count Adam iterations, the reward rule
 * trials (the error curve, the gains over training and the runs browser say the same word).
 */
export function trainingStepName(request: unknown): 'iteration' | 'trial' {
  return typeof request === 'object' && request !== null && 'rule' in request && (request as { rule: unknown }).rule === 'gradient' ? 'iteration' : 'trial';
}

/** `count` neurons spread over E and I (first, evenly spaced, last): a fair sample to watch. */
export function watchedNeurons(n: number, count = 6): number[] {
  if (n <= count) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: count }, (_, k) => Math.round((k * (n - 1)) / (count - 1)));
}

/** The snapshots of one session, by trial. */
export function sessionSnapshots(all: readonly GainSnapshot[], session: number): GainSnapshot[] {
  return all.filter((s) => s.session === session).sort((a, b) => a.trial - b.trial);
}

/**
 * Up to `count` snapshots to draw outputs of: the first, the latest, and ones evenly spaced in
 * trials between them (nearest available snapshot), without repeats.
 */
export function chosenSnapshots(snapshots: readonly GainSnapshot[], count = 5): GainSnapshot[] {
  if (snapshots.length <= count) return [...snapshots];
  const first = snapshots[0].trial;
  const last = snapshots[snapshots.length - 1].trial;
  const picked: GainSnapshot[] = [];
  for (let k = 0; k < count; k++) {
    const want = first + ((last - first) * k) / (count - 1);
    let best = snapshots[0];
    for (const s of snapshots) if (Math.abs(s.trial - want) < Math.abs(best.trial - want)) best = s;
    if (!picked.includes(best)) picked.push(best);
  }
  return picked;
}

/** Room below the x axis for the neurons' names (px): two rows of the legend. */
export const GAIN_LEGEND_ROWS_HEIGHT = 44;

export function gainTracesOption(snapshots: readonly GainSnapshot[], neurons: number[], nE: number, xName = 'trial'): ChartOption {
  return {
    animation: false,
    // the neurons' names in rows below the axis: above the plot, in a card ~200 px wide (a 1024 px
    // window), the six names wrapped into a column over the curves; width is what a narrow card lacks
    // top: below the session picker laid over the card's top left (LiveTraining.vue), which covered
    // the top tick label at 16 px (the picker is ~27 px tall)
    grid: { left: 52, right: 16, top: 40, bottom: 40 + GAIN_LEGEND_ROWS_HEIGHT },
    legend: { bottom: 2, left: 'center', itemGap: 8, ...LEGEND_STYLE },
    tooltip: { trigger: 'axis' },
    xAxis: valueAxis(xName, { nameGap: 26, min: 0, scale: false }),
    yAxis: valueAxis('gain g', { nameGap: 40 }),
    series: neurons.map((i, k) => ({
      id: `neuron-${i}`,
      name: `${i < nE ? 'E' : 'I'} ${i + 1}`,
      type: 'line' as const,
      symbol: 'none',
      data: snapshots.map((s) => [s.trial, s.gains[i]] as [number, number]),
      lineStyle: { width: 1.5, color: SESSION_COLORS[k % SESSION_COLORS.length] },
      itemStyle: { color: SESSION_COLORS[k % SESSION_COLORS.length] },
    })),
  };
}

/**
 * A stored run's trained gains, neuron by neuron (E, then I): what its gains card can show, since
 * the project keeps each session's best gains but not the snapshots of gains over training.
 */
export function trainedGainsOption(gains: ArrayLike<number>, nE: number): ChartOption {
  const points = (from: number, to: number) => Array.from({ length: Math.max(0, to - from) }, (_, k) => [from + k + 1, gains[from + k]] as [number, number]);
  const population = (name: string, data: [number, number][], color: string) => ({
    id: name,
    name,
    type: 'scatter' as const,
    symbolSize: 4,
    data,
    itemStyle: { color },
  });
  return {
    animation: false,
    grid: { left: 52, right: 16, top: 28, bottom: 40 },
    legend: { top: 2, right: 8, ...LEGEND_STYLE, icon: 'circle', itemWidth: 8, itemHeight: 8 },
    tooltip: { trigger: 'item' },
    xAxis: valueAxis('neuron', { nameGap: 26, min: 1, max: gains.length, scale: false }),
    yAxis: valueAxis('trained gain g', { nameGap: 40 }),
    series: [population('excitatory', points(0, nE), SESSION_COLORS[0]), population('inhibitory', points(nE, gains.length), SESSION_COLORS[1])],
  };
}
