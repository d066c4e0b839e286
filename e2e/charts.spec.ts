/**
 * Closing a view can never catch a chart mid-paint. ECharts paints a series of more than 3 000
 * items over several animation frames by default, and a chart disposed before the last frame threw
 * "Cannot read properties of null (reading 'layerStack')" (seen in CI's visual.spec). The app's
 * chart theme (src-renderer/plots/echarts.ts, CHART_THEME) turns progressive rendering off;
 * e2e/visual.spec.ts also audits every chart it visits for progressive series. A heatmap is still
 * painted over several frames (an ECharts 6.1 bug puts its cells into an incremental layer), so
 * the app's canvas painter (DisposeSafeCanvasRenderer, same file) drops a pending frame on dispose.
 */
import { expect, test } from '@playwright/test';
import { collectPageErrors, openExample } from './helpers.js';

test('a 20 000-point chart disposed two frames after it is drawn raises no page error', async ({ page }) => {
  const pageErrors = collectPageErrors(page);
  await openExample(page);
  const chart = page.locator('[_echarts_instance_]').first();
  await expect(chart).toBeVisible();
  const state = await chart.evaluate(async (el) => {
    // the e2e specs are type-checked without the DOM's types: the page's globals, as used here
    interface Chart {
      setOption(option: unknown, opts: unknown): void;
      getModel(): { eachSeries(cb: (s: { getData(): { count(): number }; pipelineContext: { progressiveRender: boolean | number } }) => void): void };
      dispose(): void;
    }
    const page = globalThis as unknown as { __gainlabChartOf(el: unknown): Chart; requestAnimationFrame(cb: () => void): void };
    const chart = page.__gainlabChartOf(el);
    const data = Array.from({ length: 20000 }, (_, i) => [i, Math.sin(i / 50)]);
    chart.setOption({ xAxis: {}, yAxis: {}, series: [{ type: 'scatter', data, symbolSize: 2 }] }, { notMerge: true });
    const series: { count: number; progressive: boolean }[] = [];
    chart.getModel().eachSeries((s) => series.push({ count: s.getData().count(), progressive: Boolean(s.pipelineContext.progressiveRender) }));
    const frame = () => new Promise<void>((resolve) => page.requestAnimationFrame(resolve));
    await frame();
    await frame();
    chart.dispose();
    // the frames a progressive paint would still take (20 000 items at 400 per frame)
    for (let k = 0; k < 60; k++) await frame();
    return series;
  });
  expect(state).toEqual([{ count: 20000, progressive: false }]);
  expect(pageErrors).toEqual([]);
});

test('a heatmap disposed in the middle of its paint raises no page error', async ({ page }) => {
  const pageErrors = collectPageErrors(page);
  await openExample(page);
  const chart = page.locator('[_echarts_instance_]').first();
  await expect(chart).toBeVisible();
  await chart.evaluate(async (el) => {
    interface Chart {
      setOption(option: unknown, opts: unknown): void;
      dispose(): void;
    }
    const page = globalThis as unknown as { __gainlabChartOf(el: unknown): Chart; requestAnimationFrame(cb: () => void): void };
    const chart = page.__gainlabChartOf(el);
    // a rate map's shape (neurons × time bins), 20 000 cells: well over one frame's 15 ms of paint
    const data: [number, number, number][] = [];
    for (let n = 0; n < 100; n++) for (let t = 0; t < 200; t++) data.push([t, n, Math.sin(n + t / 9)]);
    chart.setOption(
      {
        xAxis: { type: 'category' },
        yAxis: { type: 'category' },
        visualMap: { min: -1, max: 1, show: false },
        series: [{ type: 'heatmap', data, emphasis: { disabled: true } }],
      },
      { notMerge: true },
    );
    const frame = () => new Promise<void>((resolve) => page.requestAnimationFrame(resolve));
    await frame();
    chart.dispose();
    for (let k = 0; k < 30; k++) await frame();
  });
  expect(pageErrors).toEqual([]);
});
