/**
 * Web mode: on the example project, train two sessions, watch both live error curves (the train
 * panel counts trials per session: "1,500 / 1,500 · 2 sessions"), open the
 * analyses of the finished run and export a plot as SVG; the file is the chart's vectors with its
 * series. Also: the run's recipe exports as a .zip holding the JSON and the data it names.
 */
import { readFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
import { expect, test } from '@playwright/test';
import { collectPageErrors, drawnPoints, newProjectWithSmallNetwork, openExample } from './helpers.js';

test('two sessions live, analyses of the finished run, plot exported as SVG, run exported as a recipe', async ({ page }) => {
  const pageErrors = collectPageErrors(page);
  await openExample(page);

  await page.getByRole('spinbutton', { name: 'Trials' }).fill('1500');
  await page.getByRole('spinbutton', { name: 'Sessions' }).fill('2');
  await page.getByRole('button', { name: 'Train', exact: true }).click();

  // both sessions draw live, in the same chart (never re-created)
  const curve = page.getByTestId('error-curve');
  await expect.poll(async () => Number(await curve.getAttribute('data-series')), { timeout: 60_000 }).toBe(2);
  const chartId = await curve.getAttribute('data-chart-id');
  const early = await drawnPoints(curve);
  await expect.poll(() => drawnPoints(curve), { timeout: 60_000 }).toBeGreaterThan(early);
  expect(await curve.getAttribute('data-chart-id')).toBe(chartId);

  // the gains over training arrive as snapshots while it runs
  await page.getByRole('radio', { name: 'gains', exact: true }).click();
  await expect.poll(async () => Number(await page.getByTestId('gain-traces').getAttribute('data-snapshots')), { timeout: 60_000 }).toBeGreaterThan(1);

  await expect(page.getByTestId('run-state')).toHaveText('Done', { timeout: 120_000 });
  // the count in the terms the form set, as the curve's axis runs (it read "3,000 / 3,000": trials over all sessions)
  await expect(page.getByTestId('run-progress')).toHaveText('1,500 / 1,500 · 2 sessions');
  // the chart redraws at most every 200 ms, so its last points follow "Done" within one interval
  await expect.poll(() => drawnPoints(curve), { timeout: 5_000 }).toBe(2 * 1501);
  await expect(page.getByTestId('run-stored')).toBeVisible();

  await page.getByRole('button', { name: 'Analyses…' }).click();
  const analyses = page.getByTestId('analyses');
  await expect(analyses).toBeVisible();
  const box = analyses.locator('[data-plot-id="error-box"]');
  await expect(box).toBeVisible({ timeout: 60_000 });
  await expect(box).toContainText('2 sessions');
  await expect(analyses.locator('[data-plot-id="rate-target"]')).toContainText('Wilcoxon');

  const download = page.waitForEvent('download');
  await analyses.locator('[data-plot-id="best-output"]').getByRole('button', { name: 'SVG' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/best-output\.svg$/);
  const svg = readFileSync(await file.path(), 'utf8');
  expect(svg.startsWith('<svg')).toBe(true);
  expect(svg).toContain('best trained');
  expect(svg).toContain('Target');
  expect((svg.match(/<path/g) ?? []).length).toBeGreaterThan(3);

  // the CSV of the same plot: one row per sample
  const csvDownload = page.waitForEvent('download');
  await analyses.locator('[data-plot-id="best-output"]').getByRole('button', { name: 'CSV' }).click();
  const csv = readFileSync(await (await csvDownload).path(), 'utf8').trim().split('\n');
  expect(csv[0]).toBe('time_ms,target_ch1,before_ch1,trained_ch1');
  expect(csv.length).toBe(201);

  await page.getByRole('button', { name: 'Back to the workspace' }).click();
  const zipDownload = page.waitForEvent('download');
  await page.getByTestId('export-run').click();
  const zipPath = await (await zipDownload).path();
  const zip = unzipSync(new Uint8Array(readFileSync(zipPath)));
  const names = Object.keys(zip);
  const recipeName = names.find((name) => name.endsWith('.json'))!;
  const recipe = JSON.parse(new TextDecoder().decode(zip[recipeName]));
  expect(recipe.format).toBe('gainlab-run');
  expect(recipe.training).toMatchObject({ rule: 'reward', trials: 1500, sessions: 2 });
  expect(recipe.network.sha256).toMatch(/^[0-9a-f]{64}$/);
  for (const name of [recipe.network.files.W, recipe.network.files.x0, recipe.network.files.readout, recipe.targets[0].file]) expect(names).toContain(name);
  expect(recipe.results.sessions).toHaveLength(2);

  // the app opens the exported run and repeats it: the same best error, to the last digit shown
  const bestBefore = (await page.getByTestId('best-error').textContent())?.trim();
  const jobRows = await page.getByTestId('job-row').count();
  await page.getByTestId('open-run-input').setInputFiles(zipPath);
  await expect(page.getByTestId('job-row')).toHaveCount(jobRows + 1);
  await expect(page.getByTestId('run-state')).toHaveText('Done', { timeout: 120_000 });
  await expect(page.getByTestId('best-error')).toHaveText(bestBefore!);
  expect(Math.min(...recipe.results.sessions.map((s: { bestError: number }) => s.bestError)).toPrecision(3)).toBe(Number(bestBefore).toPrecision(3));

  expect(pageErrors).toEqual([]);
});

test('a run on a slow variant is drawn and analysed over s·T on the network step', async ({ page }) => {
  await newProjectWithSmallNetwork(page);
  const first = page.getByTestId('target-item').first();
  await first.getByRole('button', { name: /^Slow variant of/ }).click();
  await page.getByTestId('slow-form').getByLabel('Slowing factor s').fill('2');
  await page.getByTestId('slow-form').getByRole('button', { name: 'Add' }).click();
  const variantId = await page.locator('[data-testid="target-item"][data-source-id]').getAttribute('data-target-id');
  await page.locator('#project-target').selectOption(variantId!);
  await expect(page.getByTestId('baseline-error')).toHaveText(/^\d/);
  // the output plot's time axis spans the slow movement (2 × 500 ms), not the network's T
  await expect(page.getByTestId('output-plot')).toHaveAttribute('data-duration', '1000');

  await page.getByRole('radio', { name: 'Gradient (Adam)' }).click();
  await page.getByRole('spinbutton', { name: 'Iterations' }).fill('10');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByTestId('run-state')).toHaveText('Done', { timeout: 60_000 });
  const best = (await page.getByTestId('best-error').textContent())!.trim();
  // the outputs over training are simulated for the whole slow movement too
  await page.getByRole('radio', { name: 'over training' }).click();
  const overTraining = page.getByTestId('training-outputs');
  await expect.poll(async () => Number(await overTraining.getAttribute('data-drawn'))).toBeGreaterThan(0);
  await expect(overTraining).toHaveAttribute('data-duration', '1000');
  await page.getByRole('button', { name: 'Analyses…' }).click();
  const output = page.getByTestId('analyses').locator('[data-plot-id="best-output"]');
  await expect(output).toBeVisible({ timeout: 60_000 });
  // the analyses simulate the run as it was trained: the whole slow movement, the same best error
  await expect(output).toContainText(`${best} with the best session's gains`);
  const csvDownload = page.waitForEvent('download');
  await output.getByRole('button', { name: 'CSV' }).click();
  const csv = readFileSync(await (await csvDownload).path(), 'utf8').trim().split('\n');
  expect(csv.length).toBe(1 + 2 * 199 + 1);
  expect(Number(csv[csv.length - 1].split(',')[0])).toBeCloseTo(1000, 6);
});
