/**
 * What a researcher reads about a speed manifold, in the web mode:
 * - the slider card says "update 12 ms" in its header; how the frames are computed (kernel,
 *   cores, worker time, positions skipped) sits in a closed details element under the plot, not
 *   in the card's line (src-renderer/components/speed/SpeedSliderCard.vue);
 * - the manifold's row in the runs browser shows how long its job took and when it finished
 *   (they showed –; src-renderer/components/runs/runRows.ts, src-main/services/jobResults.ts).
 */
import { expect, test } from '@playwright/test';
import { collectPageErrors, learnSmallSpeedManifold } from './helpers.js';

test('the slider card reads "update N ms" with the technical detail folded away, and the runs table gives the manifold’s Time and Finished', async ({ page }) => {
  test.setTimeout(150_000);
  const pageErrors = collectPageErrors(page);
  await page.setViewportSize({ width: 1440, height: 900 });
  const view = await learnSmallSpeedManifold(page, 20);

  const card = view.getByTestId('speed-slider-card');
  const slider = view.getByTestId('speed-slider');
  await expect(slider).toBeEnabled();
  await slider.focus();
  await slider.press('ArrowRight');
  await expect(card.getByTestId('slider-ms')).toHaveText(/^\d+(\.\d)?$/);
  await expect(card.locator('header')).toContainText(/update \d+(\.\d)? ms/);
  const details = card.getByTestId('slider-threads');
  await expect(details).toBeVisible();
  await expect(details).not.toHaveAttribute('open', '');
  // what the card shows without opening anything: no kernel, worker or dropped-frame talk
  const shown = await card.evaluate((el) => (el as unknown as { innerText: string }).innerText);
  expect(shown).not.toMatch(/kernel|webassembly|worker time|stale|skipped/i);
  await details.locator('summary').click();
  await expect(details).toContainText(/kernel/i);
  await expect(details).toContainText('positions skipped while dragging');

  await page.getByRole('button', { name: 'Back to plots' }).click();
  await page.getByTestId('open-runs').click();
  const row = page.getByTestId('runs-browser').getByTestId('run-row').filter({ hasText: 'speed manifold' });
  await expect(row).toHaveCount(1);
  await expect(row.getByTestId('run-time')).toHaveText(/^\d+(\.\d)? s$|^\d+ ms$|^\d+ min \d+ s$/);
  await expect(row.getByTestId('run-finished')).toHaveText(/^\d\d\/\d\d\/\d{4}, \d\d:\d\d$/);
  expect(pageErrors).toEqual([]);
});
