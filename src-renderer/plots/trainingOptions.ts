/**
 * Live training plots drawn from gain snapshots: a few neurons' gains over training, and which
 * snapshots to show as "output at chosen trials". Pure functions (tested in plotOptions tests).
 */
import type { GainSnapshot } from '../../src-shared/ipc/contract.js';
import type { ChartOption } from './options.js';
import { AXIS_LABEL, LEGEND_STYLE, steppedRange, valueAxis } from './chartParts.js';
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

/** Room below the x axis for the lines' names (px): two rows of the legend. */
export const GAIN_LEGEND_ROWS_HEIGHT = 44;

/** One line of "gains over training": the gain of `neuron` (for a group, any of its members). */
export interface GainTrace {
  id: string;
  name: string;
  neuron: number;
}

/** Lines for neuron-specific gains: the watched neurons, named E 1 / I 151. */
export function neuronTraces(neurons: readonly number[], nE: number): GainTrace[] {
  return neurons.map((i) => ({ id: `neuron-${i}`, name: `${i < nE ? 'E' : 'I'} ${i + 1}`, neuron: i }));
}

/**
 * The modulatory groups of a session as its gains show them: neurons of one group share one gain
 * in every snapshot (the rules learn one gain per group and copy it to its members), so neurons
 * with equal gains throughout are one group. Groups in the order of their first neuron.
 */
export function groupsFromSnapshots(snapshots: readonly GainSnapshot[], n: number): number[][] {
  let classes: number[][] = [Array.from({ length: n }, (_, i) => i)];
  for (const snapshot of snapshots) {
    const split: number[][] = [];
    for (const members of classes) {
      const byGain = new Map<number, number[]>();
      for (const i of members) {
        const list = byGain.get(snapshot.gains[i]);
        if (list) list.push(i);
        else byGain.set(snapshot.gains[i], [i]);
      }
      split.push(...byGain.values());
    }
    classes = split;
  }
  return classes.sort((a, b) => a[0] - b[0]);
}

/** Groups drawn one line each; more are drawn as an even spread of this many. */
export const MAX_GROUP_LINES = 50;

/**
 * Lines for a run with modulatory groups: one per group, its gain (as the paper's Fig. 1 draws
 * group gains), named 'group k'. Before the groups' gains have moved apart they read as one line.
 */
export function groupTraces(groups: readonly number[][]): GainTrace[] {
  if (groups.length === 1) return [{ id: 'group-all', name: 'every group (gains still equal)', neuron: groups[0][0] }];
  const shown = groups.length <= MAX_GROUP_LINES ? groups.map((_, k) => k) : watchedNeurons(groups.length, 6);
  return shown.map((k) => ({ id: `group-${k}`, name: `group ${k + 1}`, neuron: groups[k][0] }));
}

/**
 * A value axis with one precision for all its labels: round ends and a tick every step
 * (steppedRange), each written with the step's decimals ('0.85, 0.90, 0.95', not '0.9' beside '0.87').
 */
export function uniformValueAxis(name: string, lo: number, hi: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const range = steppedRange(lo, hi);
  const decimals = Math.max(0, -Math.floor(Math.log10(range.interval) + 1e-9));
  return valueAxis(name, { ...range, axisLabel: { ...AXIS_LABEL, formatter: (value: number) => value.toFixed(decimals) }, ...extra });
}

export function gainTracesOption(snapshots: readonly GainSnapshot[], traces: readonly GainTrace[], xName = 'trial'): ChartOption {
  let lo = Infinity;
  let hi = -Infinity;
  const series = traces.map((trace, k) => {
    const data = snapshots.map((s) => [s.trial, s.gains[trace.neuron]] as [number, number]);
    for (const [, gain] of data) {
      if (gain < lo) lo = gain;
      if (gain > hi) hi = gain;
    }
    const color = SESSION_COLORS[k % SESSION_COLORS.length];
    return { id: trace.id, name: trace.name, type: 'line' as const, symbol: 'none', data, lineStyle: { width: 1.5, color }, itemStyle: { color } };
  });
  const grouped = traces.some((trace) => trace.id.startsWith('group-'));
  return {
    animation: false,
    // the lines' names in rows below the axis: above the plot, in a card ~200 px wide (a 1024 px
    // window), the six names wrapped into a column over the curves; width is what a narrow card lacks
    // top: below the session picker laid over the card's top left (LiveTraining.vue), which covered
    // the top tick label at 16 px (the picker is ~27 px tall)
    grid: { left: 52, right: 16, top: 40, bottom: 40 + GAIN_LEGEND_ROWS_HEIGHT },
    // forty groups' names page in one row rather than fill the card
    legend: { bottom: 2, left: 'center', itemGap: 8, ...(traces.length > 8 ? { type: 'scroll', left: 8, right: 8 } : {}), ...LEGEND_STYLE },
    tooltip: { trigger: 'axis' },
    xAxis: valueAxis(xName, { nameGap: 26, min: 0, scale: false }),
    yAxis: uniformValueAxis(grouped ? 'group gain g' : 'gain g', Number.isFinite(lo) ? lo : 1, Number.isFinite(hi) ? hi : 1, { nameGap: 40 }),
    series,
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
    yAxis: uniformValueAxis('trained gain g', Math.min(...Array.from(gains)), Math.max(...Array.from(gains)), { nameGap: 40 }),
    series: [population('excitatory', points(0, nE), SESSION_COLORS[0]), population('inhibitory', points(nE, gains.length), SESSION_COLORS[1])],
  };
}
