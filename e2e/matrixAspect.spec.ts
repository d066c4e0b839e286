/**
 * The analyses' correlation matrices (neuron × neuron before training and for each trained gain
 * pattern; src-renderer/plots/analysisOptions.ts correlationMatrixPlot, fitted to its card by
 * src-renderer/components/analysis/PlotCard.vue) have square cells at a laptop's 1280×800 and a
 * desktop's 1920×1080: ECharts stretched the category grid to the card, cells 2-3 times wider
 * than tall. Measured on the plot area ECharts laid out in the page.
 */
import { expect, test } from '@playwright/test';
import { collectPageErrors, openExample, trainStoredRewardRun } from './helpers.js';

for (const viewport of [{ width: 1280, height: 800 }, { width: 1920, height: 1080 }]) {
  test.describe(`${viewport.width}×${viewport.height}`, () => {
    test.use({ viewport });

    test('the correlation matrices have square cells', async ({ page }) => {
      test.setTimeout(180_000);
      const pageErrors = collectPageErrors(page);
      await openExample(page);
      await trainStoredRewardRun(page, { trials: 30, seed: 3, sessions: 2 });
      await page.getByRole('button', { name: 'Analyses…' }).first().click();
      await expect(page.getByTestId('analysis-plot')).toHaveCount(14, { timeout: 90_000 });
      const matrices = page.locator('[data-plot-id^="correlations-"]');
      await expect(matrices).toHaveCount(3);
      for (let k = 0; k < 3; k++) {
        const chart = matrices.nth(k).locator('[_echarts_instance_]');
        await chart.scrollIntoViewIfNeeded();
        // the card's chart is laid out for its size once measured: poll until the plot area settles
        await expect
          .poll(
            async () =>
              chart.evaluate((el) => {
                type Rect = { width: number; height: number };
                const chartOf = (globalThis as unknown as { __gainlabChartOf(e: unknown): { getModel(): { getComponent(kind: string, index: number): { coordinateSystem: { getRect(): Rect } } } } }).__gainlabChartOf;
                const rect = chartOf(el).getModel().getComponent('grid', 0).coordinateSystem.getRect();
                return Math.round((rect.width / rect.height) * 100) / 100;
              }),
            { message: `matrix ${k + 1}: plot area width / height` },
          )
          .toBeCloseTo(1, 2);
        const box = (await chart.boundingBox())!;
        expect(box.width, 'the chart fills its card').toBeGreaterThan(200);
      }
      expect(pageErrors).toEqual([]);
    });
  });
}
