/**
 * Fig. 4 (src-shared/experiments/fig4.ts) names its combination rule in words: the figure titles,
 * the legend of 4d and the progress said 'bounded-coefficients', the rule's id, beside 'least
 * squares' in words.
 */
import { describe, expect, it } from 'vitest';
import { runFig4 } from '../../src-shared/experiments/fig4.js';

describe('Fig. 4 says “bounded coefficients” in words', () => {
  it('in every figure title, series name and progress message', () => {
    const messages: string[] = [];
    const result = runFig4({
      quick: true,
      seed: 1,
      settings: { pool: 3, rule: 'gradient', iterations: 3, sizes: [1, 2], libraries: 1, novelTargets: 1 },
      onProgress: (message) => messages.push(message),
    });
    const texts = [...messages, ...result.figures!.flatMap((f) => [f.title, ...('series' in f ? f.series.map((s) => s.name) : [])])];
    expect(texts.filter((t) => /bounded-coefficients|least-squares/.test(t))).toEqual([]);
    expect(result.figures!.find((f) => f.name === 'fig4c_fit_vs_output')!.title).toMatch(/, bounded coefficients$/);
    const legend = (result.figures!.find((f) => f.name === 'fig4d_error_vs_library_size') as { series: Array<{ name: string }> }).series.map((s) => s.name);
    expect(legend).toEqual(['output (bounded coefficients)', 'fit (bounded coefficients)', 'output (least squares)', 'fit (least squares)']);
    expect(messages).toContain('bounded coefficients: l = 2, 1 libraries × 1 targets');
  });
});
