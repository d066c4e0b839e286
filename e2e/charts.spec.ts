/**
 * Closing a view can never catch a chart mid-paint. ECharts paints a series of more than 3 000
 * items over several animation frames by default, and a chart disposed before the last frame threw
 * "Cannot read properties of null (reading 'layerStack')" (seen in CI's visual.spec). The app's
 * chart theme (src-renderer/plots/echarts.ts, CHART_THEME) turns progressive rendering off;
 * e2e/visual.spec.ts also audits every chart it visits for progressive series. A heatmap was still
 * painted over several frames (an ECharts 6.1 bug puts its cells into an incremental layer): the
 * app takes its cells out of that layer after each render, and its canvas painter
 * (DisposeSafeCanvasRenderer, same file) drops a pending frame on dispose, whatever the path.
 * A chart that has drawn lets the page's frame loop sleep within a few frames (zrender kept it
 * running ten more frames after every update, so a job's charts kept it running all the time).
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

test('a chart disposed in the middle of a paint over several frames raises no page error', async ({ page }) => {
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
    // the app paints every series in one frame (CHART_THEME; the heatmap fix). A series that asks
    // for progressive rendering itself, in one chunk of 50 000 symbols, goes into an incremental
    // layer that zrender paints 15 ms per frame, as any future path to a multi-frame paint would
    // (the heatmap's was one)
    const data = Array.from({ length: 50000 }, (_, i) => [i, Math.sin(i / 50)]);
    chart.setOption({ xAxis: {}, yAxis: {}, series: [{ type: 'scatter', data, symbolSize: 3, progressive: 50000, progressiveThreshold: 1000 }] }, { notMerge: true });
    const frame = () => new Promise<void>((resolve) => page.requestAnimationFrame(resolve));
    await frame();
    await frame();
    chart.dispose();
    for (let k = 0; k < 60; k++) await frame();
  });
  expect(pageErrors).toEqual([]);
});

test('a 20 000-cell heatmap is whole after its first paint (not painted over several frames)', async ({ page }) => {
  const pageErrors = collectPageErrors(page);
  await openExample(page);
  const chart = page.locator('[_echarts_instance_]').first();
  await expect(chart).toBeVisible();
  const blank = await chart.evaluate(async (el) => {
    interface Chart {
      setOption(option: unknown, opts: unknown): void;
      convertToPixel(finder: unknown, value: [number, number]): [number, number];
    }
    interface Canvas { width: number; height: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } }
    const page = globalThis as unknown as { __gainlabChartOf(el: unknown): Chart; requestAnimationFrame(cb: () => void): void; devicePixelRatio: number };
    const box = el as unknown as { querySelectorAll(selector: string): ArrayLike<Canvas> };
    const chart = page.__gainlabChartOf(el);
    const data: [number, number, number][] = [];
    // every cell far from zero, so each is clearly coloured
    for (let n = 0; n < 100; n++) for (let t = 0; t < 200; t++) data.push([t, n, (n + t) % 2 === 0 ? 1 : -1]);
    chart.setOption(
      {
        animation: false,
        grid: { left: 40, right: 40, top: 20, bottom: 30 },
        xAxis: { type: 'category', data: Array.from({ length: 200 }, (_, t) => t) },
        yAxis: { type: 'category', data: Array.from({ length: 100 }, (_, n) => n) },
        visualMap: { min: -1, max: 1, show: false, inRange: { color: ['#2b5c8a', '#a4451c'] } },
        series: [{ type: 'heatmap', data, emphasis: { disabled: true } }],
      },
      { notMerge: true },
    );
    const frame = () => new Promise<void>((resolve) => page.requestAnimationFrame(resolve));
    // the chart paints in the frame after setOption; one more frame for good measure
    await frame();
    await frame();
    // the centre of every 10th cell of every 5th row: painted on one of the chart's canvases?
    const canvases = Array.from(box.querySelectorAll('canvas'));
    const images = canvases.map((c) => ({ c, d: c.getContext('2d').getImageData(0, 0, c.width, c.height).data }));
    let missing = 0;
    for (let n = 0; n < 100; n += 5) {
      for (let t = 0; t < 200; t += 10) {
        const [x, y] = chart.convertToPixel({ seriesIndex: 0 }, [t, n]);
        const painted = images.some(({ c, d }) => {
          const px = Math.round(x * page.devicePixelRatio), py = Math.round(y * page.devicePixelRatio);
          const i = 4 * (py * c.width + px);
          return d[i + 3] > 0 && !(d[i] > 240 && d[i + 1] > 240 && d[i + 2] > 240);
        });
        if (!painted) missing++;
      }
    }
    return missing;
  });
  expect(blank).toBe(0);
  expect(pageErrors).toEqual([]);
});

test("a chart's frame loop stops within a few frames of its last draw", async ({ page }) => {
  const pageErrors = collectPageErrors(page);
  // count the page's animation-frame requests (zrender keeps one running while a chart is awake)
  await page.addInitScript(() => {
    const page = globalThis as unknown as { requestAnimationFrame(cb: (t: number) => void): number; __frameRequests: number };
    const request = page.requestAnimationFrame.bind(page);
    page.__frameRequests = 0;
    page.requestAnimationFrame = (cb) => {
      page.__frameRequests++;
      return request(cb);
    };
  });
  await openExample(page);
  const chart = page.locator('[_echarts_instance_]').first();
  await expect(chart).toBeVisible();
  await page.waitForTimeout(1000);
  const frames = await chart.evaluate(async (el) => {
    interface Chart {
      setOption(option: unknown, opts: unknown): void;
    }
    const page = globalThis as unknown as { __gainlabChartOf(el: unknown): Chart; __frameRequests: number; setTimeout(cb: () => void, ms: number): void };
    const chart = page.__gainlabChartOf(el);
    const idle = page.__frameRequests;
    await new Promise<void>((resolve) => page.setTimeout(resolve, 300));
    const idleFrames = page.__frameRequests - idle;
    // one update, as a running job's chart gets a few times a second
    const before = page.__frameRequests;
    chart.setOption({ animation: false }, { lazyUpdate: true });
    await new Promise<void>((resolve) => page.setTimeout(resolve, 500));
    return { idleFrames, afterUpdate: page.__frameRequests - before };
  });
  // idle: no frames; after an update: the frame that draws it and the few before the loop sleeps
  // (zrender's default kept eleven more; STILL_FRAMES_BEFORE_SLEEP in src-renderer/plots/echarts.ts)
  expect(frames.idleFrames).toBe(0);
  expect(frames.afterUpdate).toBeGreaterThan(0);
  expect(frames.afterUpdate).toBeLessThanOrEqual(5);
  expect(pageErrors, pageErrors.join('\n')).toEqual([]);
});
