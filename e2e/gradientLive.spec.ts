/**
 * Issue 5: a gradient run on the gains sends gain snapshots, so "over training" (outputs at chosen
 * iterations) and "gains over training" show it like a reward run. Its run panel counts
 * iterations, not trials; and a new project does not show the previous project's run.
 */
import { expect, test } from '@playwright/test';
import { openExample } from './helpers.js';

test('gradient run: outputs at chosen iterations and a few neurons\' gains over training', async ({ page }) => {
  await openExample(page);
  await page.getByRole('radio', { name: 'Gradient (Adam)' }).click();
  await page.getByRole('spinbutton', { name: 'Iterations' }).fill('40');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByTestId('run-state')).toHaveText('Done', { timeout: 120_000 });
  // Adam steps are iterations, as the error curve's axis says
  await expect(page.getByTestId('run-status')).toContainText(/Iteration\s*40 \/ 40/);
  await expect(page.getByTestId('run-status')).toContainText(/Found at\s*iteration \d+/);

  await page.getByRole('radio', { name: 'over training' }).click();
  const outputs = page.getByTestId('training-outputs');
  await expect(outputs).toHaveAttribute('data-step', 'iteration');
  // 41 snapshots (iterations 0..40); five of them simulated and drawn over the target
  await expect(outputs).toHaveAttribute('data-snapshots', '41');
  await expect.poll(async () => Number(await outputs.getAttribute('data-drawn')), { timeout: 30_000 }).toBe(5);

  await page.getByRole('radio', { name: 'gains', exact: true }).click();
  const gains = page.getByTestId('gain-traces');
  await expect(gains).toHaveAttribute('data-snapshots', '41');
  await expect(gains.locator('canvas').first()).toBeVisible();

  // a new, empty project: the example's run (curve, gains, result) does not carry over
  await page.keyboard.press('Control+N');
  await page.getByTestId('unsaved-dialog').getByRole('button', { name: "Don't save" }).click();
  await expect(page.getByTestId('project-name')).toContainText(/^Untitled/);
  const curve = page.getByTestId('error-curve');
  await expect(curve).toHaveAttribute('data-points', '0');
  await expect(curve).toContainText('Start a training run to see its error fall here.');
  await expect(page.getByTestId('run-status')).toHaveCount(0);
  // "over training" and "gains" were chosen above; without a run the cards show the result and
  // the rates, and their titles and toggles say so
  await expect(page.getByRole('radio', { name: 'result', exact: true })).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByRole('radio', { name: 'over training' })).toHaveAttribute('aria-checked', 'false');
  await expect(page.locator('#rates-title')).toHaveText('Firing rates');
  await expect(page.getByRole('radio', { name: 'rates', exact: true })).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByRole('radiogroup', { name: 'Gains used for the rates' })).toBeVisible();
});
