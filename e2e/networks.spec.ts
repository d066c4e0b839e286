/**
 * Networks end to end in the web mode: impossible SOC parameters are refused in the form and never
 * start a job; a small SOC build shows α growing point by point and the eigenvalue spectrum as it
 * contracts, then becomes a project network shown as W and its spectrum; a network imported from
 * the published .npy files (when ../shared/reference is present) has the published α.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { collectPageErrors, gotoWelcome, openExample } from './helpers.js';

const REFERENCE = path.resolve(import.meta.dirname, '../../shared/reference/stroud2018');

async function newProjectOnBuildTab(page: Page): Promise<void> {
  await gotoWelcome(page);
  await page.getByRole('button', { name: 'New project' }).click();
  await expect(page.getByTestId('workspace')).toBeVisible();
  await page.getByRole('tab', { name: 'Build network' }).click();
}

/** Jobs listed in the sidebar (every job main knows). */
async function jobCount(page: Page): Promise<number> {
  return page.getByTestId('jobs-panel').locator('li').count();
}

test('impossible SOC parameters are refused in the form and never sent', async ({ page }) => {
  await newProjectOnBuildTab(page);
  const before = await jobCount(page);
  const form = page.getByTestId('soc-form');
  const problem = page.getByTestId('soc-problem');
  const build = form.getByRole('button', { name: 'Build' });
  const cases: [string, string, RegExp][] = [
    ['Neurons N', '7', /N must be even/],
    ['Neurons N', '2', /at least 4/],
    ['Neurons N', '5000', /too large/],
    ['Neurons N', 'NaN', /N must be a number/],
    ['Connection prob. p', '1.5', /strictly between 0 and 1/],
    ['Connection prob. p', '0', /strictly between 0 and 1/],
    ['Connection prob. p', 'NaN', /p must be a number/],
    ['Target α', '1.2', /below 1/],
  ];
  for (const [label, value, message] of cases) {
    await form.getByLabel(label, { exact: true }).fill(value);
    await expect(problem).toHaveText(message);
    await expect(build).toBeDisabled();
    // Enter submits the form: still nothing is sent
    await form.getByLabel(label, { exact: true }).press('Enter');
    await form.getByLabel(label, { exact: true }).fill(label === 'Neurons N' ? '200' : label === 'Target α' ? '0.15' : '0.1');
    await expect(problem).toHaveCount(0);
  }
  await page.waitForTimeout(300);
  expect(await jobCount(page)).toBe(before);
});

test('a small SOC build shows α and the spectrum live, then becomes a project network', async ({ page }) => {
  const pageErrors = collectPageErrors(page);
  await newProjectOnBuildTab(page);
  const form = page.getByTestId('soc-form');
  await form.getByLabel('Neurons N', { exact: true }).fill('40');
  await form.getByLabel('Connection prob. p', { exact: true }).fill('0.2');
  await form.getByLabel('Seed', { exact: true }).fill('3');
  await form.getByRole('button', { name: 'Build' }).click();

  const status = page.getByTestId('soc-status');
  await expect(status).toBeVisible();
  const curve = status.getByTestId('soc-alpha-curve');
  const spectrum = status.getByTestId('spectrum-plot');
  // the spectrum of W (40 eigenvalues) arrives with the first progress batches
  await expect(spectrum).toHaveAttribute('data-eigenvalues', '40');
  await expect.poll(async () => Number(await curve.getAttribute('data-points'))).toBeGreaterThan(5);
  const early = Number(await curve.getAttribute('data-points'));
  const earlyMax = Number(await spectrum.getAttribute('data-max-real'));
  await expect.poll(async () => Number(await curve.getAttribute('data-points')), { timeout: 60_000 }).toBeGreaterThan(early + 20);
  await expect(status.locator('.pill')).toHaveText('done', { timeout: 150_000 });
  // the run's progress is a progressbar, named by its run, full when done (it had no role)
  await expect(status.getByRole('progressbar', { name: 'Progress of SOC network N = 40 (seed 3)' })).toHaveAttribute('aria-valuenow', '100');
  // contracted: the final spectrum's α is at most the target and below where it was early on
  // (the last spectrum may be drawn a moment after the status says done)
  await expect.poll(async () => Number(await spectrum.getAttribute('data-max-real')), { timeout: 10_000 }).toBeLessThanOrEqual(0.15 + 1e-4);
  const finalMax = Number(await spectrum.getAttribute('data-max-real'));
  expect(finalMax).toBeLessThan(earlyMax);

  await status.getByRole('button', { name: 'Add network to project' }).click();
  const inspector = page.getByTestId('network-inspector');
  await expect(inspector.getByTestId('weight-heatmap')).toHaveAttribute('data-n', '40');
  await expect(inspector.getByTestId('spectrum-plot')).toHaveAttribute('data-eigenvalues', '40');
  await expect(page.getByLabel('Network', { exact: true }).locator('option:checked')).toContainText('N = 40');
  // leave the shared server as we found it: a finished SOC job left selected would show its
  // "Add network" form to the next spec before that spec's own build has started
  await page.getByTestId('jobs-panel').getByRole('button', { name: 'Remove SOC network N = 40 (seed 3)' }).click();
  await expect(page.getByTestId('jobs-panel').getByRole('button', { name: 'Remove SOC network N = 40 (seed 3)' })).toHaveCount(0);
  expect(pageErrors, pageErrors.join('\n')).toEqual([]);
});

test('a network imported from the published .npy files; wrong shapes are refused', async ({ page }, testInfo) => {
  test.skip(!existsSync(path.join(REFERENCE, 'W.npy')), `published data not found at ${REFERENCE}`);
  testInfo.setTimeout(120_000);
  await openExample(page);
  await page.getByRole('tab', { name: 'Build network' }).click();
  const importer = page.getByTestId('network-import');
  await importer.locator('summary').click();
  const file = (name: string) => ({ name, mimeType: 'application/octet-stream', buffer: readFileSync(path.join(REFERENCE, name)) });

  // readout.npy (101 entries) where x0 (200) belongs
  await importer.getByTestId('import-w').setInputFiles(file('W.npy'));
  await importer.getByTestId('import-x0').setInputFiles(file('readout.npy'));
  await importer.getByRole('button', { name: 'Import network' }).click();
  await expect(importer.getByTestId('import-problem')).toHaveText(/readout\.npy has shape 101; x0 must have N = 200 entries/);

  // the whole published folder at once: W, x0 and readout taken, its two targets named as left out
  // with where a target goes (src-renderer/lib/networkImport.ts leftOutNpyFilesNote)
  await importer.locator('#import-all').setInputFiles(['W.npy', 'x0.npy', 'readout.npy', 'initial_target.npy', 'novel_target.npy'].map(file));
  await expect(importer.getByTestId('import-problem')).toHaveText(
    'Left out initial_target.npy, novel_target.npy: not part of a network. Import a target movement in the movement editor (Draw target… → Import .npy).',
  );
  await expect(importer.getByText('W.npy · x0.npy · readout.npy')).toBeVisible();

  await importer.getByTestId('import-x0').setInputFiles(file('x0.npy'));
  await importer.getByTestId('import-readout').setInputFiles(file('readout.npy'));
  await importer.getByLabel('Name').fill('Published network');
  await importer.getByRole('button', { name: 'Import network' }).click();
  await expect(importer.getByTestId('import-problem')).toHaveCount(0);
  await expect(page.getByLabel('Network', { exact: true }).locator('option:checked')).toHaveText('Published network');
  const inspector = page.getByTestId('network-inspector');
  await expect(inspector.getByTestId('weight-heatmap')).toHaveAttribute('data-n', '200');
  // README: max Re λ(W) = 0.149995
  await expect(inspector.getByTestId('spectrum-plot')).toHaveAttribute('data-max-real', '0.1500');
  await expect(page.getByTestId('network-summary').locator('[data-fact="alpha"]')).toHaveText(/^0\.150/);

  // two Gramian initial conditions and the readout refitted (NNLS) to the example's initial reach
  const prepare = inspector.getByTestId('prepare-form');
  await prepare.getByLabel('Initial conditions m').fill('2');
  await prepare.getByLabel('Fit readout to').selectOption({ label: 'Initial reach' });
  await prepare.getByRole('button', { name: 'Apply' }).click();
  await expect(prepare).toContainText(/fitted to “Initial reach” \(E = \d/);
  await expect(page.getByTestId('network-summary').locator('[data-fact="x0"]')).toContainText('2 ICs');
});
