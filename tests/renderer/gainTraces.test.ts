/**
 * "Gains over training" (src-renderer/plots/trainingOptions.ts gainTracesOption, drawn by
 * src-renderer/components/training/LiveTraining.vue) drawn by ECharts itself (SSR SVG, as the plot
 * export draws it):
 * - the watched neurons' names sit below the plot and its axis title, in a card as narrow as a
 *   1024 px window leaves it (~200 px) and in a wide one — before, in a narrow card they wrapped
 *   into a column over the curves;
 * - the y ticks share one precision (the fourth walkthrough read '0.9' beside '0.87');
 * - a run with 40 random groups draws one line per group, its gain, named as a group (it drew six
 *   neurons, as for neuron-specific gains).
 */
import { describe, expect, it } from 'vitest';
import type { GainSnapshot } from '../../src-shared/ipc/contract.js';
import { plotToSvg } from '../../src-renderer/plots/exportPlot.js';
import { gainTracesOption, trainedGainsOption, groupsFromSnapshots, groupTraces, neuronTraces, watchedNeurons } from '../../src-renderer/plots/trainingOptions.js';
import { randomGroups } from '../../src-shared/model/groups.js';
import { Rng } from '../../src-shared/model/rng.js';

const n = 200;
const snapshots = Array.from({ length: 41 }, (_, t) => ({ session: 0, trial: t, gains: Float64Array.from({ length: n }, (_, i) => 1 + 0.01 * t * Math.sin(i)) })) as unknown as GainSnapshot[];
const neurons = watchedNeurons(n);
const names = neurons.map((i) => `${i < 100 ? 'E' : 'I'} ${i + 1}`);

/** [x, y] of each <text> by its content (ECharts places text with translate(x y) plus a small y offset). */
function textPositions(svg: string): Map<string, { x: number; y: number }> {
  const found = new Map<string, { x: number; y: number }>();
  for (const match of svg.matchAll(/<text([^>]*)>([^<]*)<\/text>/g)) {
    const at = /translate\(([-\d.]+) ([-\d.]+)\)/.exec(match[1]);
    const dy = /\by="([-\d.]+)"/.exec(match[1]);
    if (at) found.set(match[2], { x: Number(at[1]), y: Number(at[2]) + (dy ? Number(dy[1]) : 0) });
  }
  return found;
}

describe('gains over training', () => {
  for (const width of [200, 420]) {
    it(`the neurons' names are below the plot and its axis title in a ${width} px card`, () => {
      const height = 300;
      const svg = plotToSvg(gainTracesOption(snapshots, neuronTraces(neurons, 100), 'iteration') as never, 'Gains over training', width, height);
      const texts = textPositions(svg);
      const axisTitle = texts.get('iteration')!;
      expect(axisTitle).toBeDefined();
      // the lowest horizontal grid line is the plot's bottom edge
      const gridYs = [...svg.matchAll(/<path d="M[\d.]+ ([\d.]+)L[\d.]+ \1"/g)].map((m) => Number(m[1]));
      const plotBottom = Math.max(...gridYs);
      expect(axisTitle.y).toBeGreaterThan(plotBottom);
      for (const name of names) {
        const label = texts.get(name);
        expect(label, name).toBeDefined();
        // 11 px labels and a 12 px title: their centres at least ~12 px apart, and inside the card
        expect(label!.y - axisTitle.y, name).toBeGreaterThanOrEqual(12);
        expect(label!.y, name).toBeLessThan(height);
        expect(label!.x, name).toBeGreaterThanOrEqual(0);
        expect(label!.x, name).toBeLessThan(width);
      }
    });
  }
});

/** The y axis's tick labels as painted (right-aligned texts left of the plot area). */
function yTickTexts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*text-anchor="end"[^>]*transform="translate\(([\d.]+) [^)]*\)"[^>]*>([^<]*)<\/text>/g)].filter((m) => Number(m[1]) < 60).map((m) => m[2].trim());
}

describe('gains over training: one precision per axis', () => {
  // gains spreading from 1 to between 0.87 and 1.03 (the walkthrough's range)
  const spread = Array.from({ length: 41 }, (_, t) => ({ session: 0, trial: t * 50, gains: Float64Array.from({ length: n }, (_, i) => 1 + (t / 40) * (i % 2 === 0 ? -0.1302 : 0.0297) * (1 + (i % 7) / 6)) })) as unknown as GainSnapshot[];

  for (const [width, height] of [[420, 300], [200, 300], [640, 420]]) {
    it(`every y tick has as many decimals as the others (${width}×${height})`, () => {
      const ticks = yTickTexts(plotToSvg(gainTracesOption(spread, neuronTraces(neurons, 100)) as never, 'Gains over training', width, height));
      expect(ticks.length).toBeGreaterThanOrEqual(3);
      const decimals = new Set(ticks.map((t) => (t.split('.')[1] ?? '').length));
      expect([...decimals], ticks.join(' ')).toHaveLength(1);
      // and the ticks are evenly spaced round values
      const values = ticks.map(Number).sort((a, b) => a - b);
      const steps = values.slice(1).map((v, k) => v - values[k]);
      for (const step of steps) expect(step).toBeCloseTo(steps[0], 9);
    });
  }

  it("a stored run's trained gains too", () => {
    const ticks = yTickTexts(plotToSvg(trainedGainsOption(spread[40].gains, 100) as never, 'Trained gains', 420, 300));
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    expect(new Set(ticks.map((t) => (t.split('.')[1] ?? '').length)).size, ticks.join(' ')).toBe(1);
  });
});

describe('gains over training with random groups', () => {
  const groupCount = 40;
  const labels = randomGroups(n, groupCount, new Rng(7));
  const rng = new Rng(11);
  const groupGains: Float64Array[] = [];
  let current = new Float64Array(groupCount).fill(1);
  for (let t = 0; t <= 40; t++) {
    groupGains.push(current);
    current = current.map((g) => g + rng.normal(0, 0.01));
  }
  const grouped = groupGains.map((gains, t) => ({ session: 0, trial: t * 25, gains: Float64Array.from(labels, (label) => gains[label]) })) as unknown as GainSnapshot[];

  it('finds the 40 groups from the gains: neurons share a gain exactly when they share a label', () => {
    const groups = groupsFromSnapshots(grouped, n);
    expect(groups).toHaveLength(groupCount);
    for (const members of groups) expect(new Set(members.map((i) => labels[i])).size).toBe(1);
    expect(groups.reduce((sum, members) => sum + members.length, 0)).toBe(n);
  });

  it("draws one line per group with the group's gain, named 'group k', on a 'group gain' axis", () => {
    const groups = groupsFromSnapshots(grouped, n);
    const option = gainTracesOption(grouped, groupTraces(groups)) as { series: Array<{ name: string; data: [number, number][] }>; yAxis: { name: string } };
    expect(option.series).toHaveLength(groupCount);
    expect(option.yAxis.name).toBe('group gain g');
    option.series.forEach((series, k) => {
      expect(series.name).toBe(`group ${k + 1}`);
      const label = labels[groups[k][0]];
      expect(series.data.map(([, g]) => g)).toEqual(groupGains.map((gains) => gains[label]));
    });
    // painted: the legend names groups, not neurons
    const svg = plotToSvg(option as never, 'Gains over training', 420, 300);
    expect(svg).toContain('>group 1<');
    expect(svg).not.toMatch(/>[EI] \d+</);
  });

  it('before the groups move apart (the first snapshot) the one line says so', () => {
    expect(groupTraces(groupsFromSnapshots(grouped.slice(0, 1), n)).map((trace) => trace.name)).toEqual(['every group (gains still equal)']);
  });
});
