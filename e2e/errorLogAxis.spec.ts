/**
 * The workspace's live error curve on its (default) log axis fits errors within one decade
 * (src-renderer/components/ErrorCurve.vue with src-renderer/plots/options.ts fittedLogRange): a
 * short reward run on the example stays within a decade, and its axis was 1 to 10 (or 0.1 to 1)
 * with the curve a flat line; it now ends on round values around the errors, ticked inside them.
 */
import { expect, test } from '@playwright/test';
import { collectPageErrors, openExample } from './helpers.js';

test('a run whose error stays within a decade fills the log axis', async ({ page }) => {
  test.setTimeout(120_000);
  const pageErrors = collectPageErrors(page);
  await openExample(page);
  await page.getByRole('spinbutton', { name: 'Trials' }).fill('60');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByTestId('run-state')).toHaveText('Done', { timeout: 90_000 });
  const chart = page.getByTestId('error-curve').locator('[_echarts_instance_]');
  const read = () =>
    chart.evaluate((el) => {
      type Model = { getComponent(kind: string, index: number): { axis: { type: string; scale: { getExtent(): [number, number] } } }; getSeries(): Array<{ getData(): { getDataExtent(dim: string): [number, number] } }> };
      const chartOf = (globalThis as unknown as { __gainlabChartOf(e: unknown): { getModel(): Model } }).__gainlabChartOf;
      const model = chartOf(el).getModel();
      const axis = model.getComponent('yAxis', 0).axis;
      const data = model.getSeries().map((s) => s.getData().getDataExtent('y'));
      const [lo, hi] = axis.scale.getExtent();
      return { type: axis.type, lo, hi, dataLo: Math.min(...data.map((d) => d[0])), dataHi: Math.max(...data.map((d) => d[1])) };
    });
  await expect.poll(async () => (await read()).type).toBe('log');
  const axis = await read();
  expect(axis.dataHi / axis.dataLo, 'the run stays within a decade').toBeLessThan(10);
  // the data inside the axis, and the axis less than a decade tall (it was exactly one, 1 to 10)
  expect(axis.lo).toBeLessThanOrEqual(axis.dataLo * (1 + 1e-9));
  expect(axis.hi).toBeGreaterThanOrEqual(axis.dataHi * (1 - 1e-9));
  expect(axis.hi / axis.lo).toBeLessThan(9.99);

  // hovering the curve (handed to ECharts as a flat typed array) shows the session's error there
  const box = (await chart.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
  const name = page.getByTestId('error-curve').getByText('session 1', { exact: true });
  await expect(name).toBeVisible();
  // the tooltip: the session's name, then its error (formatError: a number)
  await expect(name.locator('xpath=following-sibling::span[1]')).toHaveText(/^\d/);
  expect(pageErrors).toEqual([]);
});
