/**
 * The colours and marks the paper's legends name (/work/shared/docs/figure-panels.md) as the
 * figures draw them — in the ECharts option both the CLI's SVG and the app's Experiments view use.
 * The hues are classified from the drawn RGB, so the test holds for any shade of blue/red/orange.
 */
import { describe, expect, it } from 'vitest';
import { runFig1 } from '../../src-shared/experiments/fig1.js';
import { runFig8 } from '../../src-shared/experiments/fig8.js';
import { runSupp2 } from '../../src-shared/experiments/supp2.js';
import { figureOption } from '../../src-shared/experiments/figureOption.js';
import type { FigureSpec, ScatterFigure } from '../../src-shared/experiments/figureSpec.js';
import { figureCsv } from '../../src-shared/experiments/figureData.js';

type Drawn = { type: string; name: string; symbol?: string; symbolSize?: number | number[]; data?: unknown[]; lineStyle?: { color?: string; type?: string }; itemStyle?: { color?: string; borderColor?: string } };

function rgb(hex: string): [number, number, number] {
  const m = /^#([0-9a-f]{6})$/i.exec(hex);
  if (!m) throw new Error(`not a #rrggbb colour: ${hex}`);
  return [0, 1, 2].map((i) => parseInt(m[1].slice(2 * i, 2 * i + 2), 16)) as [number, number, number];
}
const hue = {
  blue: ([r, g, b]: number[]) => b > r + 60 && b >= g,
  red: ([r, g, b]: number[]) => r > 150 && g < 90 && b < 90,
  orange: ([r, g, b]: number[]) => r > 170 && g >= 60 && g <= 170 && b < 90 && r - g > 50,
  black: ([r, g, b]: number[]) => Math.max(r, g, b) < 60,
};
type Hue = keyof typeof hue;
const isHue = (color: string | undefined, h: Hue) => color !== undefined && hue[h](rgb(color));

/** The first drawn series of that name (a band adds a shaded series of the same name after it). */
function drawn(figure: FigureSpec, name: string): Drawn {
  const series = (figureOption(figure) as { series: Drawn[] }).series;
  const s = series.find((x) => x.name === name);
  if (!s) throw new Error(`${figure.name}: no series '${name}' (has ${series.map((x) => x.name).join(', ')})`);
  return s;
}
const figure = (figures: FigureSpec[], name: string) => {
  const f = figures.find((x) => x.name === name);
  if (!f) throw new Error(`no figure ${name}`);
  return f;
};

describe('colours and marks the paper legends name', () => {
  it('Supp. 1d: gains 1 blue, the trained patterns red', () => {
    const r = runFig1({ quick: true, seed: 1, sessions: 2, trials: 10, noiseSamples: 2 });
    const f = figure(r.figures, 'supp1d_noise_robustness');
    const names = (f as { series: Array<{ name: string }> }).series.map((s) => s.name);
    const before = drawn(f, names[0]);
    const after = drawn(f, names[1]);
    expect(names[0]).toBe('gains 1');
    expect(isHue(before.lineStyle?.color, 'blue'), before.lineStyle?.color).toBe(true);
    expect(isHue(after.lineStyle?.color, 'red'), after.lineStyle?.color).toBe(true);
  });

  it('Supp. 7: fast blue, slow orange', () => {
    const r = runFig8({ quick: true, seed: 1, settings: { novelTargets: 2, iterations: 3, librarySize: 2 } });
    const f = figure(r.figures ?? [], 'supp7_error_histograms');
    const fast = drawn(f, 'fast output');
    const slow = drawn(f, 'slow output');
    expect(isHue(fast.lineStyle?.color, 'blue'), fast.lineStyle?.color).toBe(true);
    expect(isHue(slow.lineStyle?.color, 'orange'), slow.lineStyle?.color).toBe(true);
  });

  it('Supp. 2a on a log G axis; Supp. 2b: squares shared, circles per movement, G = 10 blue, G = 20 black, a red neuron-specific line; 2h boxes blue and red', () => {
    const r = runSupp2({
      quick: true,
      seed: 1,
      settings: { trials: 5, sessions: 1, movements: 1, novelMovements: 0, specialiseIterations: 2, groupCounts: [2, 0], improvementGroups: [10, 20], sharedGroups: 10, sizes: [30], sizeGroups: [10] },
    });
    const b = figure(r.figures, 'supp2b_relative_improvement');
    for (const [G, color] of [[10, 'blue'], [20, 'black']] as const) {
      const shared = drawn(b, `${G} groups, shared`);
      const per = drawn(b, `${G} groups, per movement`);
      expect(shared.symbol).toBe('rect');
      expect(per.symbol).toBe('circle');
      for (const s of [shared, per]) expect(isHue(s.itemStyle?.color, color), `${s.name} ${s.itemStyle?.color}`).toBe(true);
    }
    // 2a: G = 2, 10, 20 and N span decades — a logarithmic G axis (a linear one crowds 2, 10, 20 at its left end)
    const a = figure(r.figures, 'supp2a_groups');
    expect((figureOption(a) as { xAxis: { type: string } }).xAxis.type).toBe('log');
    const ns = drawn(b, 'neuron-specific');
    expect(isHue(ns.lineStyle?.color, 'red'), ns.lineStyle?.color).toBe(true);
    const boxColor = (name: string) => (figureOption(figure(r.figures, name)) as { series: Drawn[] }).series.find((s) => s.type === 'boxplot')!.itemStyle?.borderColor;
    expect(isHue(boxColor('supp2h_min_error'), 'blue')).toBe(true);
    expect(isHue(boxColor('supp2h_trials_to_1pct'), 'red')).toBe(true);
  });

  it('Supp. 2f: per target (one colour each) every network’s mean over the sessions as a circle and the mean over sessions and networks as a bar', () => {
    const sizes = [20, 30];
    const sessions = 2;
    const r = runSupp2({
      quick: true,
      seed: 1,
      settings: { trials: 5, sessions, movements: 2, novelMovements: 0, specialiseIterations: 2, groupCounts: [0], improvementGroups: [10], sharedGroups: 10, sizes, sizeGroups: [10] },
    });
    const f = figure(r.figures, 'supp2f_targets_G10') as ScatterFigure;
    expect(f.kind).toBe('scatter');
    expect(f.categories).toEqual(['target 1', 'target 2']);
    // by hand from the runs table: each network's mean best error over its sessions, per target
    const runs = r.tables.find((t) => t.name === 'runs')!;
    const col = (name: string) => runs.columns.indexOf(name);
    const networkMean = (size: number, target: number) => {
      const errors = runs.rows
        .filter((row) => row[col('panel')] === 'e-h' && row[col('n')] === size && row[col('condition')] === `N = ${size}: movement ${target}, 10 random groups`)
        .map((row) => row[col('best_error')] as number);
      expect(errors).toHaveLength(sessions);
      return errors.reduce((a, b) => a + b, 0) / errors.length;
    };
    const circles = f.series.filter((s) => s.symbol === 'circle');
    const bars = f.series.filter((s) => s.symbol === 'bar');
    expect(circles.map((s) => s.name)).toEqual(sizes.map((size) => `circles: N = ${size}, mean over ${sessions} sessions`));
    expect(bars.map((s) => s.name)).toEqual([`bars: mean over ${sessions} sessions and ${sizes.length} networks`]);
    // one circle per network and target
    expect(circles.reduce((count, s) => count + s.x.length, 0)).toBe(sizes.length * 2);
    sizes.forEach((size, k) => {
      expect(Array.from(circles[k].x)).toEqual([0, 1]);
      for (const target of [0, 1]) expect(circles[k].y[target]).toBeCloseTo(networkMean(size, target), 12);
    });
    // the bar: the mean of the networks' means (= the mean over sessions and networks)
    expect(Array.from(bars[0].x)).toEqual([0, 1]);
    for (const target of [0, 1]) expect(bars[0].y[target]).toBeCloseTo(sizes.reduce((sum, size) => sum + networkMean(size, target), 0) / sizes.length, 12);
    // colours: one per target, distinct, the same for a target's circles and its bar — as drawn
    const pointColor = (d: unknown) => (d as { itemStyle?: { color?: string } }).itemStyle?.color;
    const drawnBar = drawn(f, bars[0].name);
    const targetColors = (drawnBar.data ?? []).map(pointColor);
    expect(targetColors).toHaveLength(2);
    expect(new Set(targetColors).size).toBe(2);
    for (const c of circles) expect((drawn(f, c.name).data ?? []).map(pointColor)).toEqual(targetColors);
    expect(drawn(f, circles[0].name).symbol).toBe('circle');
    // a bar is a flat mark, wider than tall
    const [w, h] = drawnBar.symbolSize as number[];
    expect(w).toBeGreaterThan(4 * h);
    // the data file names every network and target
    const csv = figureCsv(f);
    expect(csv).toContain(`"circles: N = 30, mean over ${sessions} sessions",target 2,`);
  });
});
