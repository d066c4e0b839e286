/**
 * Web mode, a researcher's walkthrough: train a short run (the example project, 200 trials, 2
 * sessions), save, close and open the project again with no job left (as after restarting the
 * app: jobs end with main). The workspace shows the stored run, labelled with its name: its two
 * sessions' error curves with every point, the same best error and trained output as when the job
 * finished, its trained gains, and Analyses… for it; the project stays as saved (not dirty).
 * A new training run takes the cards over; "Show in workspace" in the runs browser brings a stored
 * run back. The cards' stored-run source: src-renderer/components/training/storedRun.ts and
 * src-renderer/views/WorkspaceView.vue.
 */
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { collectPageErrors, drawnPoints, openExample, saveCloseAndReopen, specTempDir } from './helpers.js';

const workDir = specTempDir('e2e-stored');

test('a reopened project shows its last run on the workspace cards, as the finished job showed it, without changing the project', async ({ page }) => {
  test.setTimeout(240_000);
  const pageErrors = collectPageErrors(page);
  await openExample(page);
  await page.getByRole('spinbutton', { name: 'Trials' }).fill('200');
  await page.getByRole('spinbutton', { name: 'Seed' }).fill('31');
  await page.getByRole('spinbutton', { name: 'Sessions' }).fill('2');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByTestId('run-state')).toHaveText('Done', { timeout: 120_000 });
  await expect(page.getByTestId('run-stored')).toBeVisible();

  // what the finished job showed: two curves of 201 points each (the starting gains and 200 trials)
  const curve = page.getByTestId('error-curve');
  await expect.poll(() => drawnPoints(curve), { timeout: 5_000 }).toBe(2 * 201);
  await expect(curve).toHaveAttribute('data-series', '2');
  const best = (await page.getByTestId('workspace-best-error').textContent())!.trim();
  const trained = page.getByTestId('trained-error');
  await expect(trained).toHaveText(/^\d/);
  const trainedText = (await trained.textContent())!.trim();
  await expect(page.getByTestId('stored-run-label')).toHaveCount(0);

  const file = path.join(workDir(), 'last run.gainlab');
  await saveCloseAndReopen(page, file);

  // the stored run with every point of both sessions (the card said "No run started since the
  // project was opened…"), named, with the same numbers
  await expect.poll(() => drawnPoints(curve), { timeout: 10_000 }).toBe(2 * 201);
  await expect(curve).toHaveAttribute('data-series', '2');
  const label = page.getByTestId('stored-run-label');
  await expect(label).toBeVisible();
  await expect(label).toContainText('seed 31');
  await expect(page.getByTestId('point-count')).toHaveText('402 points');
  await expect(page.getByTestId('workspace-best-error')).toHaveText(best);
  await expect(trained).toHaveText(trainedText);
  await expect(page.getByRole('radio', { name: 'trained', exact: true })).toHaveAttribute('aria-checked', 'true');
  // its trained gains (the project keeps each session's best gains, not their course over training)
  await page.getByRole('radio', { name: 'gains', exact: true }).click();
  await expect(page.locator('#rates-title')).toHaveText('Trained gains');
  const gains = page.getByTestId('stored-gains');
  await expect(gains).toHaveAttribute('data-run-id', (await label.getAttribute('data-run-id'))!);
  await expect(gains.locator('.empty')).toHaveCount(0);
  await page.getByRole('radio', { name: 'rates', exact: true }).click();

  // looking at it changed nothing: the project is as saved, one run
  await expect(page.getByTestId('project-name')).not.toContainText('•');
  expect(await page.title()).not.toMatch(/^•/);
  await expect(page.getByTestId('open-runs')).toHaveText('Runs (1)…');

  // its analyses
  await page.getByTestId('open-analyses').click();
  const analyses = page.getByTestId('analyses');
  await expect(analyses).toBeVisible();
  await expect(analyses.locator('[data-plot-id="error-box"]')).toContainText('2 sessions', { timeout: 60_000 });
  await page.getByRole('button', { name: 'Back to the workspace' }).click();
  await expect(page.getByTestId('project-name')).not.toContainText('•');

  // a new run takes the cards over, live
  const storedRunId = (await label.getAttribute('data-run-id'))!;
  await page.getByRole('spinbutton', { name: 'Seed' }).fill('32');
  await page.getByRole('spinbutton', { name: 'Sessions' }).fill('1');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(label).toHaveCount(0);
  await expect(page.getByTestId('run-state')).toHaveText('Done', { timeout: 120_000 });
  await expect.poll(() => drawnPoints(curve), { timeout: 5_000 }).toBe(201);
  await expect(curve).toHaveAttribute('data-series', '1');

  // and the runs browser shows a stored run on the cards again
  await page.getByTestId('open-runs').click();
  const browser = page.getByTestId('runs-browser');
  await browser.locator(`[data-testid="run-row"][data-run-id="${storedRunId}"]`).click();
  await browser.getByTestId('run-show').click();
  await expect(browser).toBeHidden();
  await expect(label).toHaveAttribute('data-run-id', storedRunId);
  await expect.poll(() => drawnPoints(curve), { timeout: 10_000 }).toBe(2 * 201);
  await expect(page.getByTestId('workspace-best-error')).toHaveText(best);
  expect(pageErrors).toEqual([]);
});
