import { describe, expect, it } from 'vitest';
import { expectClose } from '../helpers/expectClose.js';
import {
  appendCurvePairs,
  channelPairs,
  errorCurveOption,
  errorCurvePlaceholder,
  formatError,
  formatTick,
  heatmapCells,
  niceCeil,
  outputPlotOption,
  rateHeatmapLayout,
  rateHeatmapOption,
  rateHeatmapPixels,
  sampleTimes,
  timeTickColumns,
} from '../../src-renderer/plots/options.js';
import { copperHex, copperRgb, copperSeries, divergingLevel, divergingPixelTable, divergingTable } from '../../src-renderer/plots/palette.js';

describe('copper palette', () => {
  it("is MATLAB's copper, min(1, x·[1.25 0.7812 0.4975]), the map of the authors' figures", () => {
    // MATLAB's copper(64) as a table: row k (0-based) is min(1, (k/63)·[1.25 0.7812 0.4975])
    const matlabRow = (k: number): number[] => [1.25, 0.7812, 0.4975].map((c) => Math.min(1, (c * k) / 63));
    for (const k of [0, 1, 20, 40, 50, 51, 63]) expectClose(copperRgb(k / 63), matlabRow(k), { atol: 1e-15 });
    // red saturates exactly at x = 0.8, green and blue never do
    expect(copperRgb(0.8)[0]).toBe(1);
    expect(copperRgb(0.79)[0]).toBeLessThan(1);
    expect(copperHex(0)).toBe('#000000');
    expect(copperHex(1)).toBe('#ffc77f'); // (255, 199.2, 126.9) rounded
    expect(copperHex(0.5)).toBe('#9f643f'); // (159.4, 99.6, 63.4) rounded
    expect(copperRgb(-1)).toEqual([0, 0, 0]);
    expect(copperRgb(2)).toEqual(copperRgb(1));
  });

  it('orders a series of shades from dark (early) to bright (late)', () => {
    const shades = copperSeries(5);
    const brightness = shades.map((hex) => parseInt(hex.slice(3, 5), 16)); // green channel grows with x
    expect(brightness).toEqual([...brightness].sort((a, b) => a - b));
    expect(new Set(shades).size).toBe(5);
  });
});

describe('plot data layouts', () => {
  it('sample times are t_k = k·T/(n−1)', () => {
    const t = sampleTimes(500, 200);
    expect(t[0]).toBe(0);
    expectClose(t[199], 500);
    expectClose(t[1], 500 / 199);
  });

  it('channelPairs reads channel c of a channel-major series', () => {
    const values = Float64Array.from([0, 1, 2, 10, 11, 12]); // 2 channels × 3 samples
    expect(channelPairs(values, 1, 3, 100)).toEqual([
      [0, 10],
      [50, 11],
      [100, 12],
    ]);
  });

  it('a large network\'s rate map shows every k-th neuron and sample, at most 100 × 100 cells, labelled with the real neuron numbers', () => {
    const n = 1000;
    const nSamples = 200;
    const rates = Float64Array.from({ length: n * nSamples }, (_, k) => (k % n) + 0.001 * Math.floor(k / n));
    const option = rateHeatmapOption({ rates, n, nE: 500, nSamples, duration: 500 }) as unknown as {
      yAxis: { data: string[] };
      series: { data: [number, number, number][] }[];
    };
    expect(option.yAxis.data.length).toBe(100);
    expect(option.yAxis.data.slice(0, 3)).toEqual(['1', '11', '21']);
    const cells = option.series[0].data;
    expect(cells.length).toBe(100 * 100);
    // row 2 of column 3 is neuron 21 (index 20) at sample 6
    expect(cells.find(([c, r]) => c === 3 && r === 2)![2]).toBeCloseTo(20 + 0.006, 12);
  });

  it('the diverging pixel table holds the map\'s colours as image words; a value\'s level clips at ±limit and puts NaN in the middle', () => {
    const levels = 512;
    const rgb = divergingTable(levels);
    const bytes = new Uint8Array(divergingPixelTable(levels).buffer);
    for (let k = 0; k < levels; k++) expect(Array.from(bytes.slice(4 * k, 4 * k + 4))).toEqual([rgb[3 * k], rgb[3 * k + 1], rgb[3 * k + 2], 255]);
    // the level by hand: round((v + 1) / 2 · 511) with v = value / limit clipped to [−1, 1]
    expect(divergingLevel(-2, 2, levels)).toBe(0);
    expect(divergingLevel(2, 2, levels)).toBe(511);
    expect(divergingLevel(0, 2, levels)).toBe(256);
    expect(divergingLevel(1, 2, levels)).toBe(Math.round(0.75 * 511));
    expect(divergingLevel(-7, 2, levels)).toBe(0);
    expect(divergingLevel(Infinity, 2, levels)).toBe(511);
    expect(divergingLevel(NaN, 2, levels)).toBe(256);
  });

  it('the rate image: one pixel per sample and (every k-th) neuron on the diverging map, clipped at the limit; the option then draws one image', () => {
    const n = 4;
    const nSamples = 3;
    // rate of neuron i at sample k: (i − 1.5) · 10 · (k + 1)
    const rates = Float64Array.from({ length: n * nSamples }, (_, idx) => (((idx % n) - 1.5) * 10 * (Math.floor(idx / n) + 1)));
    const pixels = rateHeatmapPixels(rates, n, nSamples, 20, 1);
    expect([pixels.width, pixels.height]).toEqual([3, 4]);
    const rgb = (row: number, k: number) => Array.from(pixels.data.slice(4 * (row * nSamples + k), 4 * (row * nSamples + k) + 3));
    // −15 → v = −0.75; +45 → clipped at +1 (the map's top colour); 0 would be the middle
    const table = divergingTable(512);
    const at = (v: number) => Array.from(table.slice(3 * Math.round((v + 1) * 0.5 * 511), 3 * Math.round((v + 1) * 0.5 * 511) + 3));
    expect(rgb(0, 0)).toEqual(at(-0.75));
    expect(rgb(3, 2)).toEqual(at(1));
    expect(pixels.data[3]).toBe(255);
    // every 3rd neuron of 1000: 334 rows
    expect(rateHeatmapPixels(new Float64Array(1000 * 2), 1000, 2, 1).height).toBe(334);
    // pointer in the plot area (chart 56 + 300 + 80 wide, 12 + 200 + 40 tall): 3rd sample column, 4th neuron row
    const pointer = { x: 56 + 250, y: 12 + 190, width: 436, height: 252 };
    const option = rateHeatmapOption({ rates, n, nE: 2, nSamples, duration: 500, image: { stand: 'in' }, pointer: () => pointer }) as unknown as {
      series: { type: string; data: unknown[] }[];
      tooltip: { formatter: () => string };
    };
    expect(option.series[0].type).toBe('custom');
    expect(option.series[0].data).toHaveLength(1);
    // neuron 4 (I), sample 2 (t = 500 ms): rate (3 − 1.5) · 10 · 3 = 45
    expect(option.tooltip.formatter()).toBe('neuron 4 (I), t = 500.0 ms<br/>rate 45.00 Hz');
  });

  it('a narrow chart puts the colour bar under the map, and the tooltip follows that plot area', () => {
    const n = 4;
    const nSamples = 3;
    const rates = new Float64Array(n * nSamples);
    for (let k = 0; k < nSamples; k++) for (let i = 0; i < n; i++) rates[k * n + i] = 10 * (k + 1) * (i - 1.5);
    type Shaped = { grid: { left: number; right: number; top: number; bottom: number }; visualMap: { orient: string; itemHeight: number }; tooltip: { formatter: () => string } };
    const wide = rateHeatmapOption({ rates, n, nE: 2, nSamples, duration: 500, width: 400 }) as unknown as Shaped;
    expect(wide.visualMap.orient).toBe('vertical');
    // a 1280 px window's card (~330 px) keeps the bar beside the map, as before
    expect((rateHeatmapOption({ rates, n, nE: 2, nSamples, duration: 500, width: 326 }) as unknown as Shaped).visualMap.orient).toBe('vertical');
    expect(wide.grid).toEqual(rateHeatmapLayout().grid);
    // a 1024 px window's workspace card: 170 px; the map keeps 170 − 56 − 12 = 102 px (36 beside the bar)
    let pointer = { x: 0, y: 0, width: 170, height: 256 };
    const narrow = rateHeatmapOption({ rates, n, nE: 2, nSamples, duration: 500, width: 170, image: { stand: 'in' }, pointer: () => pointer }) as unknown as Shaped;
    expect(narrow.visualMap.orient).toBe('horizontal');
    expect(narrow.visualMap.itemHeight).toBe(50);
    expect(170 - narrow.grid.left - narrow.grid.right).toBe(102);
    expect(170 - wide.grid.left - wide.grid.right).toBe(34);
    // the last column and row of the narrow plot area: sample 3 of 3, neuron 4
    pointer = { x: 170 - narrow.grid.right - 1, y: 256 - narrow.grid.bottom - 1, width: 170, height: 256 };
    expect(narrow.tooltip.formatter()).toBe('neuron 4 (I), t = 500.0 ms<br/>rate 45.00 Hz');
    // with the wide grid this pointer would fall right of the plot area (clamped), so check a middle point too
    pointer = { x: narrow.grid.left + 51, y: narrow.grid.top + 1, width: 170, height: 256 };
    expect(narrow.tooltip.formatter()).toBe('neuron 1 (E), t = 250.0 ms<br/>rate -30.00 Hz');
  });

  it('heatmapCells reads time-major rates into [time, neuron, rate] cells', () => {
    const n = 3;
    const nSamples = 4;
    const rates = new Float64Array(n * nSamples);
    for (let k = 0; k < nSamples; k++) for (let i = 0; i < n; i++) rates[k * n + i] = 10 * k + i - 15;
    const cells = heatmapCells(rates, n, nSamples);
    expect(cells.data).toHaveLength(12);
    for (const [k, i, value] of cells.data) expect(value).toBe(10 * k + i - 15);
    expect(cells.maxAbs).toBe(17);
    // with a time stride of 2, columns 0 and 1 are samples 0 and 2
    const strided = heatmapCells(rates, n, nSamples, 2);
    expect(strided.data.filter(([column]) => column === 1).map(([, , v]) => v)).toEqual([5, 6, 7]);
  });

  it('the colour limit ignores the top 2 % of |rate| so one extreme cell does not wash out the map', () => {
    const rates = new Float64Array(1000).fill(3);
    rates[17] = -95;
    const option = rateHeatmapOption({ rates, n: 10, nE: 5, nSamples: 100, duration: 500 });
    const visualMap = option.visualMap as { min: number; max: number };
    expect([visualMap.min, visualMap.max]).toEqual([-5, 5]);
  });

  it('labels a time-category axis at round times', () => {
    // 200 samples over 500 ms: column step 500/199 ms; labels every 100 ms
    const ticks = timeTickColumns(200, 500 / 199, 500);
    expect([...ticks.values()]).toEqual([0, 100, 200, 300, 400, 500]);
    expect(ticks.get(0)).toBe(0);
    expect(ticks.get(199)).toBe(500);
    expect(ticks.get(Math.round(100 / (500 / 199)))).toBe(100);
  });

  it('appendCurvePairs appends only new, defined points and returns where to resume', () => {
    const curve: number[] = [4, 3.5];
    const pairs: [number, number][] = [];
    let next = appendCurvePairs(curve, pairs, 0);
    curve[2] = 3.1;
    curve[4] = 2.9; // trial 3 missed (a hole)
    next = appendCurvePairs(curve, pairs, next);
    expect(pairs).toEqual([
      [0, 4],
      [1, 3.5],
      [2, 3.1],
      [4, 2.9],
    ]);
    expect(next).toBe(5);
  });

  it('the output plot draws the target dashed and each curve on every channel', () => {
    const option = outputPlotOption({
      duration: 500,
      nSamples: 3,
      channels: 2,
      target: { name: 't', values: new Float64Array(6) },
      curves: [
        { name: 'gains = 1', values: new Float64Array(6), color: '#111111' },
        { name: 'trained', values: new Float64Array(6), color: '#eeeeee' },
      ],
    });
    const series = option.series as { name: string; lineStyle: { type?: string } }[];
    expect(series.map((s) => s.name)).toEqual([
      'Target (ch 1)',
      'gains = 1 (ch 1)',
      'trained (ch 1)',
      'Target (ch 2)',
      'gains = 1 (ch 2)',
      'trained (ch 2)',
    ]);
    expect(series[0].lineStyle.type).toBe('dashed');
  });
});

describe('the workspace error card', () => {
  it('says a stored run is loading; points a project whose runs have nothing to draw to the runs browser; a job waits for points', () => {
    expect(errorCurvePlaceholder(null, 0)).toBe('Start a training run to see its error fall here.');
    expect(errorCurvePlaceholder(null, 6)).toBe('No run started since the project was opened. Its 6 stored runs are under Runs… (curves, analyses).');
    expect(errorCurvePlaceholder(null, 1)).toMatch(/Its stored run is under Runs…/);
    expect(errorCurvePlaceholder('job-1', 6)).toBe('Waiting for the first points…');
    // the workspace shows a stored run (a reopened project): its curves are on their way from main
    expect(errorCurvePlaceholder(null, 6, true)).toBe('Loading the stored run…');
  });

  it('the session legend is one paging row beside the y axis title, never rows over the curves', () => {
    const legend = (errorCurveOption(true) as { legend: { type?: string; top?: number; left?: number } }).legend;
    expect(legend).toMatchObject({ type: 'scroll', top: 2, left: 64 });
  });
});

describe('number formatting', () => {
  it('formatError gives 3 significant digits, scientific below 1e-3', () => {
    expect(formatError(4.17681)).toBe('4.18');
    expect(formatError(0.0987)).toBe('0.0987');
    expect(formatError(0.00042)).toBe('4.20e-4');
    expect(formatError(null)).toBe('—');
    expect(formatError(Infinity)).toBe('∞');
  });

  it('formatTick and niceCeil give short, round numbers', () => {
    expect([10, 1, 0.1, 0.25, 1e-4].map(formatTick)).toEqual(['10', '1', '0.1', '0.25', '1e-4']);
    expect([17, 20, 3.2, 0.07, 1].map(niceCeil)).toEqual([20, 20, 5, 0.1, 1]);
  });
});
