import { describe, expect, it } from 'vitest';
import { boxStats } from '../../src-shared/analysis/statistics.js';
import { figureOption } from '../../src-shared/experiments/figureOption.js';
import { figureCsv, resultTextFiles, summaryJson, tableCsv } from '../../src-shared/experiments/figureData.js';
import type { BoxFigure, FigureSpec, HeatmapFigure, HistogramFigure, LinesFigure, ScatterFigure } from '../../src-shared/experiments/figureSpec.js';
import { runSupp1f } from '../../src-shared/experiments/supp1f.js';
import { figureOption as cliFigureOption, renderFigureSvg } from '../../src-cli/svg/figures.js';

type Series = { type: string; name: string; data: unknown[]; markLine?: { data: Array<{ yAxis?: number; xAxis?: number }> } };
const seriesOf = (figure: FigureSpec, style = {}) => (figureOption(figure, style) as { series: Series[] }).series;

const lines: LinesFigure = {
  kind: 'lines', name: 'l', title: 'Lines', xLabel: 'x', yLabel: 'y', logY: true,
  series: [
    { name: 'a', x: [0, 1, 2], y: [1, 0.5, 0.25] },
    { name: 'b with band', x: [0, 1, 2], y: [2, 1, 0.5], band: [0.1, 0.1, 0.1], dashed: true },
    { name: 'c', x: [0, 1], y: [3, -1] },
  ],
};
const box: BoxFigure = {
  kind: 'box', name: 'b', title: 'Box', yLabel: 'error', logY: false,
  categories: ['gains', 'x0', 'W'],
  boxes: [boxStats([1, 2, 3, 4, 100]), boxStats([2, 3]), boxStats([5])],
  points: [[1, 2, 3, 4, 100], [2, 3], [5]],
  line: { name: 'mean before', value: 7 },
};
const histogram: HistogramFigure = {
  kind: 'histogram', name: 'h', title: 'Histogram', xLabel: 'g', yLabel: 'density',
  edges: [0, 1, 2, 3], heights: [0.2, 0.5, 0.3], overlay: { name: 'normal fit', x: [0, 1.5, 3], y: [0.1, 0.5, 0.1] },
};
const heatmap: HeatmapFigure = { kind: 'heatmap', name: 'm', title: 'Heat', xLabel: 'c', yLabel: 'r', rows: 2, cols: 3, data: [1, 2, 3, 4, 5, NaN] };
const scatter: ScatterFigure = { kind: 'scatter', name: 's', title: 'Scatter', xLabel: 'x', yLabel: 'y', series: [{ name: 'p', x: [1, 2], y: [3, 4] }, { name: 'q', x: [0], y: [0] }], vLine: 0 };

describe('figure spec → ECharts option (one function for the CLI and the app)', () => {
  it('lines: one line per spec series (in order, same names), one shaded band series after a banded one; log axis drops y ≤ 0', () => {
    const series = seriesOf(lines);
    expect(series.map((s) => s.name)).toEqual(['a', 'b with band', 'b with band', 'c']);
    expect(series.map((s) => s.type)).toEqual(['line', 'line', 'custom', 'line']);
    expect(series[0].data).toEqual([[0, 1], [1, 0.5], [2, 0.25]]);
    // the band's points (its data, for the axis extent): y + band, then y − band
    expect(series[2].data).toEqual([[0, 2.1], [1, 1.1], [2, 0.6], [0, 1.9], [1, 0.9], [2, 0.4]]);
    expect(series[3].data).toEqual([[0, 3], [1, null]]);
  });

  it('a ±band is shaded (the paper: "shading ±1 SD"): one closed outline, upper edge then lower edge reversed', () => {
    const band = seriesOf(lines)[2] as Series & { renderItem: (params: unknown, api: unknown) => { type: string; shape: { points: number[][] }; style: { fill: string; opacity: number } } | null };
    // data units to pixels: x·100, 300 − y·100 (a plot 300 px tall)
    const api = { coord: ([x, y]: [number, number]) => [x * 100, 300 - y * 100] };
    const drawn = band.renderItem({ dataIndex: 0, coordSys: { x: 0, y: 0, width: 200, height: 300 } }, api);
    expect(drawn?.type).toBe('polygon');
    const expected = [[0, 2.1], [1, 1.1], [2, 0.6], [2, 0.4], [1, 0.9], [0, 1.9]].map(([x, y]) => [x * 100, 300 - y * 100]);
    drawn!.shape.points.forEach((point, i) => {
      expect(point[0]).toBeCloseTo(expected[i][0], 9);
      expect(point[1]).toBeCloseTo(expected[i][1], 9);
    });
    expect(drawn!.style.opacity).toBeGreaterThan(0);
    expect(drawn!.style.opacity).toBeLessThan(0.5);
    // only the first datum draws (the others are there for the axis extent)
    expect(band.renderItem({ dataIndex: 1, coordSys: { x: 0, y: 0, width: 200, height: 300 } }, api)).toBeNull();
    // on a log axis, a lower edge at or below 0 runs along the plot's bottom
    const wide: LinesFigure = { ...lines, series: [{ name: 'w', x: [0, 1], y: [1, 1], band: [2, 0.5] }] };
    const logBand = seriesOf(wide)[1] as typeof band;
    const outline = logBand.renderItem({ dataIndex: 0, coordSys: { x: 0, y: 0, width: 200, height: 300 } }, api)!.shape.points;
    expect(outline).toEqual([[0, 0], [100, 150], [100, 250], [0, 300]]);
    // and the SVG the CLI writes has the filled outline
    const svg = renderFigureSvg(lines);
    expect(svg).toMatch(/<polygon points="[^"]+" fill="#[0-9a-f]{6}" fill-opacity="0\.18"/);
  });

  it('box: a box per category with its five numbers, the reference line, outliers and every datum', () => {
    const option = figureOption(box) as { xAxis: Array<{ data?: string[] }>; series: Series[] };
    expect(option.xAxis[0].data).toEqual(['gains', 'x0', 'W']);
    const [boxes, outliers, data] = option.series;
    expect(option.series.map((s) => s.name)).toEqual(['error', 'outliers', 'each value']);
    expect(boxes.type).toBe('boxplot');
    const b0 = boxStats([1, 2, 3, 4, 100]);
    expect(boxes.data[0]).toEqual([b0.whiskerLow, b0.q1, b0.median, b0.q3, b0.whiskerHigh]);
    expect(boxes.markLine?.data[0].yAxis).toBe(7);
    expect(outliers.data).toEqual([[0, 100]]);
    expect(data.data).toHaveLength(8);
    // drawn in the boxes' colour; without outliers neither the series nor its legend entry
    // (the legend showed a blue 'outliers' swatch beside copper boxes with no outlier drawn)
    const coloured = figureOption({ ...box, color: '#b5651d' }) as { series: Series[] };
    expect((coloured.series[1] as { itemStyle?: { color?: string } }).itemStyle?.color).toBe('#b5651d');
    // (the legend lists the series)
    const none = figureOption({ ...box, boxes: [boxStats([1, 2, 3]), boxStats([2, 3]), boxStats([5])], points: [[1, 2, 3], [2, 3], [5]] }) as { series: Series[] };
    expect(none.series.map((s) => s.name)).toEqual(['error', 'each value']);
  });

  it('histogram, heatmap and scatter keep their data and names', () => {
    const h = seriesOf(histogram);
    expect(h.map((s) => s.name)).toEqual(['density', 'normal fit']);
    expect(h[0].data).toEqual([[0, 0.2], [1, 0.5], [2, 0.3], [3, 0.3]]);
    const m = seriesOf(heatmap);
    expect(m).toHaveLength(1);
    expect(m[0].data).toEqual([[0, 0, 1], [1, 0, 2], [2, 0, 3], [0, 1, 4], [1, 1, 5], [2, 1, null]]);
    const s = seriesOf(scatter);
    expect(s.map((x) => x.name)).toEqual(['p', 'q']);
    expect(s[0].markLine?.data[0].xAxis).toBe(0);
  });

  it('scatter on named categories: x is the category index, per-point colours, circles and flat bars (Supp. 2f)', () => {
    const dots: ScatterFigure = {
      kind: 'scatter', name: 'd', title: 'Dots', xLabel: 'target', yLabel: 'error', logY: true,
      categories: ['target 1', 'target 2'],
      series: [
        { name: 'circles', x: [0, 1, 0, 1], y: [0.2, 0.4, 0.3, -1], colors: ['#aa0000', '#00aa00', '#aa0000', '#00aa00'], color: '#555555', symbol: 'circle' },
        { name: 'bars', x: [0, 1], y: [0.25, 0.4], colors: ['#aa0000', '#00aa00'], color: '#555555', symbol: 'bar' },
      ],
    };
    const option = figureOption(dots) as { xAxis: { type: string; data?: string[]; name?: string }; series: Array<Series & { symbol?: string; symbolSize?: number | number[]; itemStyle: { color: string } }> };
    expect(option.xAxis.type).toBe('category');
    expect(option.xAxis.data).toEqual(['target 1', 'target 2']);
    expect(option.xAxis.name).toBe('target');
    const [circles, bars] = option.series;
    // every point its own colour; the series' colour (the legend's) stays; y ≤ 0 is dropped on a log axis
    expect(circles.data).toEqual([
      { value: [0, 0.2], itemStyle: { color: '#aa0000' } },
      { value: [1, 0.4], itemStyle: { color: '#00aa00' } },
      { value: [0, 0.3], itemStyle: { color: '#aa0000' } },
      { value: [1, null], itemStyle: { color: '#00aa00' } },
    ]);
    expect(circles.itemStyle.color).toBe('#555555');
    expect(circles.symbol).toBe('circle');
    expect(bars.symbol).toBe('rect');
    const [w, h] = bars.symbolSize as number[];
    expect(w).toBeGreaterThan(4 * h);
    // without the new fields a scatter is drawn as before: small circles of the series' colour, a value x axis
    const plain = seriesOf(scatter) as Array<Series & { symbol?: string; symbolSize?: number }>;
    expect(plain[0].data).toEqual([[1, 3], [2, 4]]);
    expect(plain[0].symbol).toBeUndefined();
    expect(plain[0].symbolSize).toBe(5);
    expect((figureOption(scatter) as { xAxis: { type: string } }).xAxis.type).toBe('value');
    // the CSV names the category; the SVG has both category labels, the circles and the bars in their colours
    expect(figureCsv(dots).split('\n').slice(0, 2)).toEqual(['series,x,y', 'circles,target 1,0.2']);
    const svg = renderFigureSvg(dots);
    for (const label of ['target 1', 'target 2']) expect(svg).toContain(`>${label}<`);
    expect(svg).toMatch(/fill="#aa0000"/);
    expect(svg).toMatch(/fill="#00aa00"/);
  });

  it('the CLI re-exports the same function; the app style drops the title and pages the legend', () => {
    expect(cliFigureOption).toBe(figureOption);
    const cli = figureOption(lines) as { title?: { text: string }; legend: { type: string } };
    expect(cli.title?.text).toBe('Lines');
    expect(cli.legend.type).toBe('plain');
    const app = figureOption(lines, { title: false, legend: 'scroll' }) as { title?: unknown; legend: { type: string }; series: Series[] };
    expect(app.title).toBeUndefined();
    expect(app.legend.type).toBe('scroll');
    // the same series but for the band's draw function (a new closure per option)
    const data = (series: Series[]) => JSON.parse(JSON.stringify(series)) as unknown;
    expect(data(app.series)).toEqual(data(seriesOf(lines)));
  });

  it('an axis of whole numbers (sessions of Supp. 1a, movements, library sizes l) has no ticks between them; times keep theirs', () => {
    const sessions: LinesFigure = { kind: 'lines', name: 'supp1a', title: 'Supp. 1a', xLabel: 'session', yLabel: 'max Re λ', series: [{ name: 'trained', x: [1, 2, 3], y: [0.17, 0.16, 0.18] }] };
    // the tick labels of the drawn x axis: every one a session number (it drew 1.5 and 2.5 before)
    const svg = renderFigureSvg(sessions);
    const labels = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(labels).toEqual(expect.arrayContaining(['1', '2', '3']));
    expect(labels.filter((t) => /^\d\.5$/.test(t))).toEqual([]);
    const times: LinesFigure = { ...sessions, xLabel: 'time (ms)', series: [{ name: 'out', x: [0, 2.512, 5.025], y: [1, 2, 3] }] };
    expect((figureOption(times) as { xAxis: { minInterval?: number } }).xAxis.minInterval).toBeUndefined();
    expect((figureOption({ ...sessions, integerX: false }) as { xAxis: { minInterval?: number } }).xAxis.minInterval).toBeUndefined();
  });

  it('every figure of a real (tiny) supp1f run: series names match the spec', () => {
    const r = runSupp1f({ quick: true, seed: 2, targets: 2, iterations: 4 });
    for (const figure of r.figures) {
      const names = seriesOf(figure, { title: false, legend: 'scroll' }).map((s) => s.name);
      if (figure.kind === 'lines') expect(names).toEqual(figure.series.map((s) => s.name));
      if (figure.kind === 'box') {
        const anyOutlier = figure.boxes.some((b) => b.outliers.length > 0);
        // the points are the targets trained, one final error each (the legend said "data")
        expect(names).toEqual([figure.yLabel, ...(anyOutlier ? ['outliers'] : []), 'each target']);
        expect((figureOption(figure) as { xAxis: Array<{ data?: string[] }> }).xAxis[0].data).toEqual(['gains', 'x0', 'W', 'rank1']);
      }
    }
  });
});

describe('figure and result data as CSV', () => {
  it('long tables per figure kind, values in full precision', () => {
    expect(figureCsv(lines).split('\n').slice(0, 3)).toEqual(['series,x,y,band', 'a,0,1,', 'a,1,0.5,']);
    const boxCsv = figureCsv(box);
    expect(boxCsv).toContain('gains,median,3\n');
    expect(boxCsv).toContain('gains,outlier,100\n');
    expect(boxCsv.match(/,datum,/g)).toHaveLength(8);
    expect(boxCsv.trimEnd().split('\n').pop()).toBe('(line),mean before,7');
    expect(figureCsv(histogram).split('\n')[1]).toBe('bars,0,1,0.2');
    expect(figureCsv(heatmap).trimEnd().split('\n').pop()).toBe('1,2,NaN');
    expect(figureCsv(scatter).split('\n')).toHaveLength(2 + 3);
  });

  it('tables and summary.json as the CLI writes them', () => {
    const table = { name: 't', columns: ['a', 'label'], rows: [[1.5, 'x, "y"'], [NaN, 'z']] };
    expect(tableCsv(table)).toBe('a,label\n1.5,"x, ""y"""\nNaN,z\n');
    expect(resultTextFiles({ tables: [table], csv: [{ name: 'extra', text: 'q\n' }] }).map((f) => f.name)).toEqual(['t.csv', 'extra.csv']);
    const summary = summaryJson({ name: 'n', title: 'T', quick: true, seed: 1, elapsedMs: 5, stopped: false, summary: { k: 2 } }, ['t.csv', 'summary.json'], '1.2.3');
    expect(summary).toEqual({ name: 'n', title: 'T', quick: true, seed: 1, elapsedMs: 5, stopped: false, files: ['t.csv', 'summary.json'], k: 2, gainlabVersion: '1.2.3' });
  });
});
