/**
 * Legends above a plot stay above it, measured on what ECharts draws (SSR SVG, as the plot export
 * draws it): the spectrum plots (trainingOptions' gain traces have their own test), narrow (the
 * SOC build's side panel: one entry per row) and wide, with two and three entries.
 */
import { describe, expect, it } from 'vitest';
import { plotToSvg } from '../../src-renderer/plots/exportPlot.js';
import { spectrumOption } from '../../src-renderer/plots/spectrumOptions.js';

/** y of each <text> by content (translate(x y) plus its y offset). */
function textYs(svg: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const match of svg.matchAll(/<text([^>]*)>([^<]*)<\/text>/g)) {
    const at = /translate\(([-\d.]+) ([-\d.]+)\)/.exec(match[1]);
    const dy = /\by="([-\d.]+)"/.exec(match[1]);
    if (at) found.set(match[2], Number(at[2]) + (dy ? Number(dy[1]) : 0));
  }
  return found;
}

const re = Float64Array.from({ length: 40 }, (_, k) => -0.5 + 0.015 * k);
const im = Float64Array.from({ length: 40 }, (_, k) => 8 * Math.sin(k));

describe('spectrum legends', () => {
  for (const narrow of [true, false]) {
    for (const withTarget of [false, true]) {
      it(`${narrow ? 'narrow' : 'wide'}, ${withTarget ? 3 : 2} entries: every entry above the plot`, () => {
        const references = [{ name: 'Re λ = 1 (stability limit)', x: 1, color: '#c00' }, ...(withTarget ? [{ name: 'target α = 0.15', x: 0.15, color: '#a60', dashed: true }] : [])];
        const { option } = spectrumOption({ sets: [{ name: 'eigenvalues', re, im, color: '#369' }], references, xName: 'Re λ(W)', yName: 'Im λ(W)', narrow });
        const svg = plotToSvg(option as never, 'Spectrum', narrow ? 280 : 520, 320);
        // the topmost horizontal grid line is the plot's top edge
        const gridYs = [...svg.matchAll(/<path d="M[\d.]+ ([\d.]+)L[\d.]+ \1"/g)].map((m) => Number(m[1]));
        const plotTop = Math.min(...gridYs);
        const ys = textYs(svg);
        for (const name of ['eigenvalues', ...references.map((r) => r.name)]) {
          const y = ys.get(name);
          expect(y, name).toBeDefined();
          // an 11 px label (14 px line) centred at y: its lower half clear of the plot
          expect(y! + 7, `${name} at ${y}, plot from ${plotTop}`).toBeLessThanOrEqual(plotTop);
        }
      });
    }
  }
});
