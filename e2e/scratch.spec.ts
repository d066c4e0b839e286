/**
 * From nothing to a trained gain pattern in web mode: a new project, a generated target movement,
 * a small SOC network built by a job (α curve), added with its readout fitted to the target, then
 * a short reward-rule run that finishes.
 */
import { expect, test } from '@playwright/test';
import { collectPageErrors, drawnPoints, gotoWelcome } from './helpers.js';

test('new project: generate a target, build an SOC network, fit its readout, train', async ({ page }) => {
  const pageErrors = collectPageErrors(page);
  await gotoWelcome(page);
  await page.getByRole('button', { name: 'New project' }).click();
  await expect(page.getByTestId('workspace')).toBeVisible();
  await expect(page.getByText('No network in this project yet')).toBeVisible();

  // a target: the editor's EMG-like generator, added to the project
  await page.getByRole('button', { name: 'Draw target…' }).click();
  await page.getByTestId('target-editor').getByRole('button', { name: 'Generate' }).click();
  await page.getByRole('button', { name: 'Add to project' }).click();
  // recorded as generated with its seed, not as drawn (issue 4)
  await expect(page.getByLabel('Target', { exact: true }).locator('option:checked')).toHaveText('Generated movement (seed 1)');

  // a network: N = 40 with the adaptive schedule takes about a second
  await page.getByRole('tab', { name: 'Build network' }).click();
  await page.getByLabel('Neurons N').fill('40');
  await page.getByLabel('Recipe').selectOption('adaptive');
  await page.getByRole('button', { name: 'Build', exact: true }).click();
  const addNetwork = page.getByRole('button', { name: 'Add network to project' });
  await expect(addNetwork).toBeVisible({ timeout: 120_000 });
  // the α curve of the build is on the plot, and it ends below the SOC threshold
  await expect(page.getByRole('heading', { name: 'Network stability α' })).toBeVisible();
  // the chart redraws on a throttle, so its points may follow the heading by one interval
  await expect.poll(() => drawnPoints(page.getByTestId('error-curve')), { timeout: 10_000 }).toBeGreaterThan(1);
  const alphaNow = Number(await page.getByTestId('soc-status').locator('dd').nth(1).textContent());
  expect(alphaNow).toBeLessThanOrEqual(0.15);
  await expect(page.getByLabel('Fit readout to')).toHaveValue(/generated-/);
  await addNetwork.click();

  // the new network is selected, summarised, and simulated against the target
  await expect(page.getByTestId('network-summary').locator('[data-fact="n"]')).toHaveText('40');
  await expect(page.getByTestId('baseline-error')).toHaveText(/^\d/);
  await expect(page.getByRole('tab', { name: 'Train gains' })).toHaveAttribute('aria-selected', 'true');

  await page.getByRole('spinbutton', { name: 'Trials' }).fill('300');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByTestId('run-state')).toHaveText('Done', { timeout: 60_000 });
  const baseline = Number(await page.getByTestId('baseline-error').textContent());
  const best = Number(await page.getByTestId('best-error').textContent());
  expect(best).toBeLessThanOrEqual(baseline);
  expect(pageErrors, pageErrors.join('\n')).toEqual([]);
});
