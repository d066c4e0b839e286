/**
 * Web mode: open the example project, open the Experiments view, run Supp. Fig. 1f quick with one
 * click; the box plot of final errors renders, its SVG export holds the series and category names,
 * and the whole result downloads as a .zip laid out like `gainlab experiment`. The result is stored
 * in the project, as the view's hint says (src-renderer/components/experiments/ExperimentsView.vue):
 * the project turns unsaved, and after saving, closing with no job left and reopening, the view
 * shows it again. The quick report's card says it does not use the project's networks. Then a
 * supp2 quick run is cancelled mid-way and ends in a clean 'cancelled' state with its partial figures.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { expect, test } from '@playwright/test';
import { collectPageErrors, inkedPixels, maybeScreenshot, openExample, saveCloseAndReopen, specTempDir } from './helpers.js';

const experimentWork = specTempDir('e2e-experiments');

test('Supp. Fig. 1f quick in one click: box plot, SVG export with its series, all data as .zip', async ({ page }) => {
  const pageErrors = collectPageErrors(page);
  await openExample(page);
  await page.getByTestId('open-experiments').click();
  const view = page.getByTestId('experiments');
  await expect(view).toBeVisible();
  // every definition is listed with a line on what the paper shows
  for (const name of ['fig1', 'supp1f', 'supp2', 'fig4', 'supp3', 'fig6', 'supp5', 'fig8']) await expect(page.getByTestId(`experiment-item-${name}`)).toBeVisible();

  await page.getByTestId('experiment-item-supp1f').click();
  await expect(view.getByRole('heading', { level: 4 })).toContainText('Supp. Fig. 1f');
  await expect(page.getByTestId('experiment-quick')).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByTestId('experiment-quick')).toContainText('s)');
  const started = Date.now();
  await page.getByTestId('experiment-run').click();
  await expect(page.getByTestId('experiment-progress')).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
  const seconds = (Date.now() - started) / 1000;
  test.info().annotations.push({ type: 'supp1f quick, click to done', description: `${seconds.toFixed(1)} s` });
  console.log(`supp1f quick in the app: ${seconds.toFixed(1)} s from Run to done`);

  // the job card says what it is
  await expect(page.getByTestId('job-row').filter({ hasText: 'Supp. Fig. 1f (quick, seed 1)' }).first()).toBeVisible();
  // the result went into the project (unsaved now), as the hint says
  await expect(page.getByTestId('experiments-hint')).toContainText('stored in the project (save the project to keep it)');
  await expect(page.getByTestId('project-name')).toContainText('•');

  const result = page.getByTestId('experiment-result');
  await expect(result).toBeVisible();
  const box = result.locator('[data-plot-id="supp1f_final_errors"]');
  await expect(box).toBeVisible();
  await expect(box).toContainText('mean error before training');
  await expect(result.locator('[data-plot-id="supp1f_error_curves"]')).toBeVisible();
  // the chart has drawn (redraws are throttled: poll)
  await expect.poll(() => inkedPixels(box), { timeout: 10_000 }).toBeGreaterThan(500);
  await expect(result.getByTestId('experiment-table').first()).toContainText('final_errors');

  const svgDownload = page.waitForEvent('download');
  await box.getByRole('button', { name: 'SVG' }).click();
  const svgFile = await svgDownload;
  expect(svgFile.suggestedFilename()).toBe('supp1f-quick-seed1-supp1f_final_errors.svg');
  const svg = readFileSync(await svgFile.path(), 'utf8');
  expect(svg.startsWith('<svg')).toBe(true);
  // series (legend) names: the box, its points (one per target), the four trained quantities and the reference line ('outliers' only
  // when a box has one: none among quick's 3 targets per box)
  for (const text of ['error', 'each target', 'gains', 'x0', 'W', 'rank1', 'mean error before training']) expect(svg).toContain(`>${text}<`);
  expect((svg.match(/<path/g) ?? []).length).toBeGreaterThan(10);

  const csvDownload = page.waitForEvent('download');
  await box.getByRole('button', { name: 'CSV' }).click();
  const csv = readFileSync(await (await csvDownload).path(), 'utf8').trim().split('\n');
  expect(csv[0]).toBe('category,quantity,value');
  // 3 targets per trainable: three datum rows each
  expect(csv.filter((line) => /^gains,datum,/.test(line))).toHaveLength(3);

  const zipDownload = page.waitForEvent('download');
  await page.getByTestId('experiment-zip').click();
  const zipFile = await zipDownload;
  expect(zipFile.suggestedFilename()).toBe('supp1f-quick-seed1.zip');
  const zip = unzipSync(new Uint8Array(readFileSync(await zipFile.path())));
  const names = Object.keys(zip);
  for (const name of ['final_errors.csv', 'error_curves_gains.npy', 'targets.npy', 'supp1f_final_errors.svg', 'supp1f_error_curves.svg', 'summary.json']) expect(names).toContain(name);
  const summary = JSON.parse(new TextDecoder().decode(zip['summary.json']));
  expect(summary).toMatchObject({ name: 'supp1f', quick: true, seed: 1, stopped: false });
  expect(summary.files).toEqual(expect.arrayContaining(names));
  expect(Object.keys(summary.finalErrors)).toEqual(['gains', 'x0', 'W', 'rank1']);

  // the result says how its set-up departs from the paper's and which GainLab definitions it rests on
  await expect(page.getByTestId('experiment-result-setup')).toContainText('Departs from the paper’s set-up');
  await expect(page.getByTestId('experiment-result-setup')).toContainText('targets 3 (paper 10)');
  // a figure's own definitions are said to be the figure's (they read as repeats of the line above)
  await expect(page.getByTestId('figure-definitions').first()).toContainText('This figure rests on:');
  const badge = page.getByTestId('experiment-definitions').getByTestId('definition-badge').first();
  await badge.hover();
  await expect(badge.getByRole('tooltip')).toBeVisible();
  await expect(badge.getByRole('tooltip')).toContainText('Why:');
  // a setting the definition takes, checked in the form: a bad value blocks Run
  const iterations = page.getByTestId('experiment-overrides').locator('[data-setting="iterations"] input');
  await expect(iterations).toHaveAttribute('placeholder', '30');
  await iterations.fill('0');
  await expect(page.getByTestId('experiment-overrides-problem')).toBeVisible();
  await expect(page.getByTestId('experiment-run')).toBeDisabled();
  await iterations.fill('');
  await expect(page.getByTestId('experiment-run')).toBeEnabled();
  // the reproduction report has its own entry
  await page.getByTestId('experiment-item-report').click();
  await expect(page.getByTestId('reproduction-report')).toContainText('claim by claim');
  // the quick report runs on its own networks, whatever the project holds
  await expect(page.getByTestId('reproduction-report')).toContainText('does not use the project’s, so the claims about the authors’ published network read “not run” here');
  await expect(page.getByTestId('reproduction-report')).toContainText('gainlab reproduce --full --net DIR');
  await expect(page.getByTestId('report-run')).toBeEnabled();
  await page.getByTestId('experiment-item-supp1f').click();

  // back and forth: the workspace comes back, and the result is still there
  await page.getByRole('button', { name: 'Back to the workspace' }).click();
  await expect(page.getByTestId('workspace')).toBeVisible();
  await page.getByTestId('open-experiments').click();
  await page.getByTestId('experiment-item-supp1f').click();
  await expect(page.getByTestId('experiment-result').locator('[data-plot-id="supp1f_final_errors"]')).toBeVisible();
  await maybeScreenshot(page, 'experiments');

  // saved, closed with no job left (as after restarting the app) and reopened: the stored result shows
  const file = path.join(experimentWork(), 'with result.gainlab');
  await page.getByRole('button', { name: 'Back to the workspace' }).click();
  await saveCloseAndReopen(page, file);
  await page.getByTestId('open-experiments').click();
  await page.getByTestId('experiment-item-supp1f').click();
  await expect(page.getByTestId('experiment-progress')).toHaveCount(0);
  await expect(page.getByTestId('experiment-result')).toContainText('Supp. Fig. 1f');
  await expect(page.getByTestId('experiment-result').locator('[data-plot-id="supp1f_final_errors"]')).toBeVisible();
  await expect(page.getByTestId('project-name')).not.toContainText('•');
  expect(pageErrors).toEqual([]);
});

test('a running experiment cancels cleanly and keeps its partial figures', async ({ page }) => {
  const pageErrors = collectPageErrors(page);
  await openExample(page);
  await page.getByTestId('open-experiments').click();
  await page.getByTestId('experiment-item-supp2').click();
  await page.getByTestId('experiment-run').click();
  const progress = page.getByTestId('experiment-progress');
  // cancel once the group-count conditions are learning (past the specialising step)
  await expect(progress).toContainText('groups: ', { timeout: 60_000 });
  await page.getByTestId('experiment-cancel').click();
  await expect(progress).toHaveAttribute('data-status', 'cancelled', { timeout: 60_000 });
  const result = page.getByTestId('experiment-result');
  await expect(result).toContainText('cancelled: partial result');
  await expect(result.locator('[data-plot-id="supp2a_error_curves"]')).toBeVisible();
  await expect(page.getByTestId('experiment-run')).toBeEnabled();
  expect(pageErrors).toEqual([]);
});

test('the app draws the paper legends’ colours as the CLI does: Supp. 1d (fig1) and Supp. 7 (fig8)', async ({ page }) => {
  const pageErrors = collectPageErrors(page);
  await openExample(page);
  await page.getByTestId('open-experiments').click();
  const exportedSvg = async (plotId: string): Promise<string> => {
    const plot = page.getByTestId('experiment-result').locator(`[data-plot-id="${plotId}"]`);
    await expect(plot).toBeVisible();
    await expect.poll(() => inkedPixels(plot), { timeout: 10_000 }).toBeGreaterThan(300);
    const download = page.waitForEvent('download');
    await plot.getByRole('button', { name: 'SVG' }).click();
    return readFileSync(await (await download).path(), 'utf8');
  };
  const run = async (name: string) => {
    await page.getByTestId(`experiment-item-${name}`).click();
    await page.getByTestId('experiment-run').click();
    await expect(page.getByTestId('experiment-progress')).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
  };
  // PAPER_COLORS (src-shared/plots/palette.ts): blue #0072bd, red #d62728, orange #d95319
  await run('fig1');
  const supp1d = await exportedSvg('supp1d_noise_robustness');
  for (const text of ['gains 1', 'trained (3 patterns)']) expect(supp1d).toContain(`>${text}<`);
  expect(supp1d.toLowerCase()).toContain('#0072bd');
  expect(supp1d.toLowerCase()).toContain('#d62728');
  // Supp. 1a: sessions on a whole-number axis
  const supp1a = await exportedSvg('supp1a_spectral_abscissa');
  expect(supp1a).not.toMatch(/>\d\.5</);
  await run('fig8');
  const supp7 = await exportedSvg('supp7_error_histograms');
  for (const text of ['fast output', 'slow output']) expect(supp7).toContain(`>${text}<`);
  expect(supp7.toLowerCase()).toContain('#0072bd');
  expect(supp7.toLowerCase()).toContain('#d95319');
  expect(pageErrors).toEqual([]);
});
