/**
 * Closing a project to the welcome screen (src-renderer/stores/project.ts close → main lets the
 * project go): its jobs are listed under its name like any closed project's (not as the open
 * project's Running / Finished sections), a job kept running goes on there, and its result is
 * kept for the project and offered when the file is opened again (before, main still held the
 * closed project: the result entered it unseen and opening the file dropped it). A reload stays
 * on the welcome screen. Jobs panel: src-renderer/components/JobsPanel.vue.
 */
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { collectPageErrors, openExample, saveAsPath, specTempDir } from './helpers.js';

const workDir = specTempDir('e2e-closed-jobs');

test('a closed project’s jobs are listed under it on the welcome screen, and a job kept running delivers to it when reopened', async ({ page }) => {
  test.setTimeout(240_000);
  const pageErrors = collectPageErrors(page);
  await openExample(page);
  const file = path.join(workDir(), 'closed with a job.gainlab');
  await saveAsPath(page, file);
  const closedProject = (await page.getByTestId('project-panel').getAttribute('data-project-id'))!;

  // one short run that finishes while the project is open, one long one kept running
  await page.getByRole('spinbutton', { name: 'Sessions' }).fill('1');
  await page.getByRole('spinbutton', { name: 'Seed' }).fill('51');
  await page.getByRole('spinbutton', { name: 'Trials' }).fill('20');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByTestId('open-runs')).toHaveText('Runs (1)…', { timeout: 60_000 });
  await saveAsPath(page, file);
  await page.getByRole('spinbutton', { name: 'Seed' }).fill('52');
  await page.getByRole('spinbutton', { name: 'Trials' }).fill('1500');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByTestId('run-state')).toHaveText(/Queued|Running/);

  await page.getByRole('button', { name: 'Close', exact: true }).click();
  await page.getByTestId('confirm-dialog').getByTestId('confirm-keep').click();
  const unsaved = page.getByTestId('unsaved-dialog');
  if (await unsaved.isVisible()) await unsaved.getByRole('button', { name: "Don't save" }).click();
  await expect(page.getByTestId('welcome')).toBeVisible();

  const jobs = page.getByTestId('jobs-panel');
  const group = jobs.locator(`[data-testid="jobs-other-project"][data-project-id="${closedProject}"]`);
  // no open project: nothing is listed as its Running / Finished sections
  await expect(jobs.locator('[data-section]')).toHaveCount(0);
  await expect(group.getByTestId('job-row')).toHaveCount(2);
  await expect(group.locator('[data-status="running"], [data-status="queued"]')).toHaveCount(1);
  await expect(group.locator('[data-status="done"]')).toHaveCount(2, { timeout: 180_000 });
  await expect(jobs.locator('[data-section]')).toHaveCount(0);

  // a reload does not bring the closed project back
  await page.reload();
  await expect(page.locator('.app[data-ready="true"]')).toBeAttached();
  await expect(page.getByTestId('welcome')).toBeVisible();
  await expect(page.getByTestId('workspace')).toBeHidden();

  // the kept job's result waits for its project: offered when the file is opened
  await page.locator(`.recent-item[title="${file}"]`).click();
  await expect(page.getByTestId('workspace')).toBeVisible();
  await expect(page.getByTestId('open-runs')).toHaveText('Runs (1)…');
  await page.getByTestId('pending-results').getByTestId('pending-add').click();
  await expect(page.getByTestId('open-runs')).toHaveText('Runs (2)…');
  // open again, the project's jobs are its own again
  await expect(jobs.locator('[data-section="finished"]')).toContainText('2');
  expect(pageErrors).toEqual([]);
});
