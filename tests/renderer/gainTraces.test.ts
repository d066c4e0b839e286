/**
 * "Gains over training" (trainingOptions.ts gainTracesOption) drawn by ECharts itself (SSR SVG, as
 * the plot export draws it): the watched neurons' names sit below the plot and its axis title, in a
 * card as narrow as a 1024 px window leaves it (~200 px) and in a wide one — before, in a narrow
 * card they wrapped into a column over the curves.
 */
import { describe, expect, it } from 'vitest';
import type { GainSnapshot } from '../../src-shared/ipc/contract.js';
import { plotToSvg } from '../../src-renderer/plots/exportPlot.js';
import { gainTracesOption, watchedNeurons } from '../../src-renderer/plots/trainingOptions.js';

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
      const svg = plotToSvg(gainTracesOption(snapshots, neurons, 100, 'iteration') as never, 'Gains over training', width, height);
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
