/**
 * A heat map's time axis is labelled to the end of the movement (src-shared/experiments/figureOption.ts
 * heatmapOption, which draws Fig. 1's rate maps of src-shared/experiments/fig1.ts for the app and
 * the CLI): 200 samples of a 500 ms movement were drawn every other one, ending at 497.5 ms, so the
 * labels stopped at 400 ms (and N = 200 neurons ended at neuron 199). Truth: each label names the
 * time of the sample drawn at its position (within half the spacing of the drawn columns), the
 * first and the last samples are drawn, and labels run from the start to the end.
 */
import { describe, expect, it } from 'vitest';
import { figureOption } from '../../src-shared/experiments/figureOption.js';
import type { HeatmapFigure } from '../../src-shared/experiments/figureSpec.js';
import { runFig1 } from '../../src-shared/experiments/fig1.js';

type Axis = { data: string[]; axisLabel: { interval: number | ((index: number) => boolean); formatter?: (value: string, index: number) => string } };
type HeatmapOption = { xAxis: Axis; yAxis: Axis; series: Array<{ data: Array<[number, number, number | null]> }> };

/** The labels ECharts writes under the columns: index → text. */
function shownLabels(axis: Axis): Map<number, string> {
  const shown = new Map<number, string>();
  axis.data.forEach((value, index) => {
    const { interval, formatter } = axis.axisLabel;
    const visible = typeof interval === 'function' ? interval(index) : index % (interval + 1) === 0;
    if (visible) shown.set(index, formatter ? formatter(value, index) : value);
  });
  return shown;
}

/** A neuron × time map of `samples` samples over `duration` ms, each cell its own time (ms). */
function timeMap(rows: number, samples: number, duration: number): HeatmapFigure {
  const xStep = duration / (samples - 1);
  const data = Float64Array.from({ length: rows * samples }, (_, k) => (k % samples) * xStep);
  return { kind: 'heatmap', name: 'rates', title: 'rates', xLabel: 'time (ms)', xStart: 0, xStep, yLabel: 'neuron', yStart: 1, rows, cols: samples, data };
}

describe("a heat map's time axis reaches the end", () => {
  for (const [rows, samples, duration] of [[200, 200, 500], [40, 501, 500], [200, 241, 600], [30, 100, 500]]) {
    it(`${samples} samples over ${duration} ms (${rows} neurons)`, () => {
      const figure = timeMap(rows, samples, duration);
      const option = figureOption(figure) as unknown as HeatmapOption;
      const labels = shownLabels(option.xAxis);
      const texts = [...labels.values()].map(Number);
      expect(texts[0]).toBe(0);
      expect(Math.max(...texts)).toBe(duration);
      // the cell under each label holds the time it names (the map's data are the times)
      const spacing = Math.ceil(samples / 120) * figure.xStep!;
      for (const [index, text] of labels) {
        const cell = option.series[0].data.find(([c, r]) => c === index && r === 0)!;
        expect(Math.abs(cell[2]! - Number(text)), `label ${text}`).toBeLessThanOrEqual(spacing / 2 + 1e-9);
      }
      // the last sample and the last neuron are drawn
      expect(Number(option.xAxis.data.at(-1))).toBeCloseTo(duration, 9);
      expect(option.yAxis.data.at(-1)).toBe(String(rows));
    });
  }

  it("Fig. 1's rate maps label the movement's end", () => {
    const result = runFig1({ quick: true, seed: 2, sessions: 2, trials: 5, noiseSamples: 2 });
    const map = result.figures.find((f) => f.name === 'fig2_rates_after') as HeatmapFigure;
    const duration = map.xStep! * (map.cols - 1);
    const texts = [...shownLabels((figureOption(map) as unknown as HeatmapOption).xAxis).values()].map(Number);
    expect(Math.max(...texts)).toBeCloseTo(duration, 9);
  });
});
