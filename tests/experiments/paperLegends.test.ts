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
import type { FigureSpec } from '../../src-shared/experiments/figureSpec.js';

type Drawn = { type: string; name: string; symbol?: string; lineStyle?: { color?: string; type?: string }; itemStyle?: { color?: string; borderColor?: string } };

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
});
