/**
 * "Gains over training" for a run with random modulatory groups
 * (src-renderer/components/training/LiveTraining.vue, src-renderer/plots/trainingOptions.ts): one
 * line per group, its gain, named 'group k' on a 'group gain g' axis (it drew six neurons, as for
 * neuron-specific gains). Read from the chart the page drew.
 */
import { expect, test } from '@playwright/test';
import { collectPageErrors, openExample } from './helpers.js';

test('a run with 10 random groups draws ten group gains over training', async ({ page }) => {
  test.setTimeout(120_000);
  const pageErrors = collectPageErrors(page);
  await openExample(page);
  await page.getByLabel('Groups G').fill('10');
  await page.getByRole('spinbutton', { name: 'Trials' }).fill('60');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByTestId('run-state')).toHaveText('Done', { timeout: 90_000 });
  await page.getByRole('radio', { name: 'gains', exact: true }).click();
  const chart = page.getByTestId('gain-traces').locator('[_echarts_instance_]');
  await expect(chart).toBeVisible();
  const drawn = await chart.evaluate((el) => {
    type Option = { series: Array<{ name: string; data: Array<[number, number]> }>; yAxis: Array<{ name: string }> };
    const chartOf = (globalThis as unknown as { __gainlabChartOf(e: unknown): { getOption(): Option } }).__gainlabChartOf;
    const option = chartOf(el).getOption();
    return { names: option.series.map((s) => s.name), axis: option.yAxis[0].name, lastGains: option.series.map((s) => s.data[s.data.length - 1][1]) };
  });
  expect(drawn.names).toEqual(Array.from({ length: 10 }, (_, k) => `group ${k + 1}`));
  expect(drawn.axis).toBe('group gain g');
  // ten different gains: ten groups, not one group drawn ten times
  expect(new Set(drawn.lastGains).size).toBe(10);
  expect(pageErrors).toEqual([]);
});
