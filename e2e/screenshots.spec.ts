/**
 * The README's pictures, taken from the real app: the welcome screen and the workspace after a
 * reward-rule run with the default settings on the published example (best output over the target, error curve,
 * trained rates). Written to docs/screenshots/.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { drawnPoints, gotoWelcome, openExample } from './helpers.js';

const root = path.resolve(import.meta.dirname, '..');
const shots = process.env.GAINLAB_UPDATE_SCREENSHOTS === '1' ? path.join(root, 'docs/screenshots') : path.join(root, 'test-results/screenshots');

test('screenshots of the welcome screen and of a trained workspace', async ({ page }) => {
  test.setTimeout(300_000);
  mkdirSync(shots, { recursive: true });
  await gotoWelcome(page);
  await expect(page.getByRole('button', { name: 'Open example project' })).toBeEnabled();
  await page.screenshot({ path: path.join(shots, 'welcome.png') });

  await openExample(page);
  // the paper's 5 000 trials, σ = 0.001, α = 0.3, G = N; three sessions rather than the default
  // ten keep the picture's run short on a 2-core CI machine (ten take ~80 s of one worker there)
  await page.getByRole('spinbutton', { name: 'Sessions' }).fill('3');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByTestId('run-state')).toHaveText('Done', { timeout: 240_000 });
  const curve = page.getByTestId('error-curve');
  await expect.poll(() => drawnPoints(curve)).toBeGreaterThanOrEqual(5000);
  // the trained output and rates arrive with one more simulation
  await expect(page.getByTestId('output-plot')).toBeVisible();
  await expect(page.getByRole('radio', { name: 'trained' })).toBeEnabled();
  await page.mouse.move(0, 0); // no hover tooltip in the picture
  await page.waitForTimeout(500);
  await page.screenshot({ path: path.join(shots, 'workspace-training.png') });
});
