/**
 * Correlation matrices with square cells (src-renderer/plots/analysisOptions.ts squareMatrixOption,
 * applied by src-renderer/components/analysis/PlotCard.vue to plots marked `square`, on screen and
 * in the exports): ECharts stretched the neuron × neuron grid to the card, cells 2-3 times wider
 * than tall. Measured on the chart ECharts lays out (server-side) at the card sizes of a 1280×800 and
 * a 1920×1080 window and the export's 800×500; e2e/matrixAspect.spec.ts measures the app itself.
 */
import { init, type EChartsCoreOption, type EChartsType } from 'echarts/core';
import { describe, expect, it } from 'vitest';
import { syntheticNetwork, syntheticTarget } from '../main/fixtures/syntheticModel.js';
import { analyseRun } from '../../src-renderer/components/analysis/runAnalysis.js';
import { CHART_THEME } from '../../src-renderer/plots/echarts.js';
import { analysisPlots, correlationMatrixPlot, squareMatrixOption } from '../../src-renderer/plots/analysisOptions.js';
import { EXPORT_HEIGHT, EXPORT_WIDTH } from '../../src-renderer/plots/exportPlot.js';
import { experimentPlots } from '../../src-renderer/components/experiments/experimentPlots.js';
import type { ExperimentJobResult } from '../../src-shared/ipc/contract.js';
import type { HeatmapFigure } from '../../src-shared/experiments/figureSpec.js';

const network = syntheticNetwork();
const target = syntheticTarget(network);
const gains = Float64Array.from({ length: network.n }, (_, i) => 1 + 0.2 * Math.sin(i));
const analysis = analyseRun({ network, target: target.values, initialError: 1, sessions: [{ bestGains: gains, bestError: 0.5 }, { bestGains: gains.map((g) => 2 - g), bestError: 0.6 }] });

function laidOut(option: EChartsCoreOption, width: number, height: number): EChartsType {
  const chart = init(null, CHART_THEME, { renderer: 'svg', ssr: true, width, height });
  chart.setOption(option);
  return chart;
}

/** One cell's width and height (px): the distance between neighbouring categories. */
function cell(chart: EChartsType): { width: number; height: number } {
  const x = (k: number) => chart.convertToPixel({ xAxisIndex: 0 }, k) as number;
  const y = (k: number) => chart.convertToPixel({ yAxisIndex: 0 }, k) as number;
  return { width: Math.abs(x(1) - x(0)), height: Math.abs(y(1) - y(0)) };
}

// the analyses' card body: ~250 px tall, ~640 px wide at 1280×800 (one column), ~420 px at 1920×1080
const SIZES: Array<[number, number]> = [[640, 250], [420, 250], [EXPORT_WIDTH, EXPORT_HEIGHT], [240, 400]];

describe('correlation matrices', () => {
  it('every correlation plot is marked square, and only those', () => {
    const square = analysisPlots(analysis, null).filter((plot) => plot.square).map((plot) => plot.id);
    expect(square).toEqual(['correlations-before', 'correlations-pattern-1', 'correlations-pattern-2']);
  });

  for (const [width, height] of SIZES) {
    it(`cells are square in a ${width}×${height} chart, the colour bar beside the matrix`, () => {
      const plot = correlationMatrixPlot(analysis, 0);
      const stretched = laidOut(plot.option, width, height);
      const chart = laidOut(squareMatrixOption(plot.option, width, height), width, height);
      try {
        // the walkthrough's stretched cells (not in a chart taller than wide, where it was the other way)
        const before = cell(stretched);
        expect(Math.abs(before.width / before.height - 1)).toBeGreaterThan(0.1);
        const { width: w, height: h } = cell(chart);
        expect(w / h).toBeCloseTo(1, 2);
        // the matrix uses the room: its side is the smaller free dimension
        expect(w * network.n).toBeGreaterThan(Math.min(width - 118, height - 48) - 2);
        const rightEdge = chart.convertToPixel({ xAxisIndex: 0 }, network.n - 1) as number;
        const bar = (chart.getOption() as { visualMap: Array<{ left: number }> }).visualMap[0];
        expect(bar.left).toBeGreaterThan(rightEdge);
        expect(bar.left + 40).toBeLessThanOrEqual(width);
      } finally {
        stretched.dispose();
        chart.dispose();
      }
    });
  }

  it("an experiment's neuron × neuron matrix (Fig. 1's Supp. 1b) is drawn square inside its own axis margins; a rate map is not", () => {
    const n = 12;
    const matrix: HeatmapFigure = { kind: 'heatmap', name: 'supp1b_correlations_gains1', title: 'Neuron correlations', xLabel: 'neuron', yLabel: 'neuron', rows: n, cols: n, data: new Float64Array(n * n).fill(0.5), min: -1, max: 1, square: true };
    const rates: HeatmapFigure = { kind: 'heatmap', name: 'fig2_rates_before', title: 'Rates', xLabel: 'time (ms)', yLabel: 'neuron', rows: n, cols: 50, data: new Float64Array(n * 50) };
    const result = { figures: [matrix, rates] } as unknown as ExperimentJobResult;
    const [matrixPlot, ratesPlot] = experimentPlots(result);
    expect([matrixPlot.square, ratesPlot.square]).toEqual([true, false]);
    for (const [width, height] of SIZES) {
      const chart = laidOut(squareMatrixOption(matrixPlot.option, width, height), width, height);
      try {
        const { width: w, height: h } = cell(chart);
        expect(w / h).toBeCloseTo(1, 2);
        // the figure's margins (room for its axis names: left 60, bottom 50) are kept
        const grid = (chart.getOption() as { grid: Array<{ left: number; top: number; height: number }> }).grid[0];
        expect(grid.left).toBeGreaterThanOrEqual(60);
        expect(grid.top + grid.height).toBeLessThanOrEqual(height - 50);
      } finally {
        chart.dispose();
      }
    }
  });
});
