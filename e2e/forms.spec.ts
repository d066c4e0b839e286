/**
 * Issue 14, forms, state and help as a researcher meets them in the web mode: valid numbers are
 * never flagged (200 / 2 000 / 5 000 trials), out-of-range ones get one line naming the range,
 * the settings and the selection survive a reload, "E with g = 1" never shows the previous
 * target's value, the project is renamed and annotated (undoable), the save dialog proposes a
 * clean file name, and Help (button, `?`, About) is one key away.
 */
import { expect, test, type Page } from '@playwright/test';
import { collectPageErrors, openExample } from './helpers.js';

/** Every element of the train form the browser itself considers invalid (constraint validation). */
async function invalidInTrainForm(page: Page): Promise<number> {
  return page.locator('.train-panel form').evaluate((form) => form.querySelectorAll(':invalid').length);
}

test('numeric fields: valid trials never flagged, σ = 1e300 refused in one line, arrow keys step', async ({ page }) => {
  const pageErrors = collectPageErrors(page);
  await openExample(page);
  const trials = page.getByRole('spinbutton', { name: 'Trials' });
  for (const value of ['200', '2000', '5000', '1000000']) {
    await trials.fill(value);
    expect(await trials.evaluate((input) => (input as unknown as { checkValidity(): boolean }).checkValidity()), value).toBe(true);
    expect(await invalidInTrainForm(page), value).toBe(0);
    await expect(page.locator('.train-panel [data-testid="field-message"]'), value).toHaveCount(0);
  }
  await trials.fill('0');
  await expect(page.locator('#train-trials-message')).toHaveText('Trials must be a whole number from 1 to 1 000 000, got 0.');
  await trials.fill('300');

  const sigma = page.getByRole('spinbutton', { name: 'σ (noise)' });
  await sigma.fill('1e300');
  const message = page.locator('#train-sigma-message');
  await expect(message).toHaveText('σ (reward noise) must be more than 0 and at most 1, got 1e+300.');
  await expect(sigma).toHaveAttribute('aria-invalid', 'true');
  // Train refuses: no job starts
  const jobsBefore = await page.getByTestId('job-row').count();
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByTestId('run-status')).toHaveCount(0);
  expect(await page.getByTestId('job-row').count()).toBe(jobsBefore);
  // the range is one hover away
  expect(await sigma.evaluate((input) => input.closest('[title]')?.getAttribute('title'))).toBe('σ (reward noise): more than 0 and at most 1');
  await sigma.fill('0.001');
  await expect(message).toHaveCount(0);

  // the groups field (text: N or a count) is flagged like the numeric ones, with its message
  const groups = page.getByRole('textbox', { name: 'Groups G' });
  await groups.fill('0');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.locator('#train-groups-message')).toHaveText('At least one group.');
  await expect(groups).toHaveAttribute('aria-invalid', 'true');
  await expect(groups).toHaveAttribute('aria-describedby', 'train-groups-message');
  expect(await page.getByTestId('job-row').count()).toBe(jobsBefore);
  await groups.fill('N');
  await expect(page.locator('#train-groups-message')).toHaveCount(0);
  await expect(groups).toHaveAttribute('aria-invalid', 'false');

  const sessions = page.getByRole('spinbutton', { name: 'Sessions' });
  await sessions.fill('4');
  await sessions.press('ArrowUp');
  await expect(sessions).toHaveValue('5');
  await sessions.press('ArrowDown');
  await sessions.press('ArrowDown');
  await expect(sessions).toHaveValue('3');
  expect(pageErrors).toEqual([]);
});

test('settings and the selected target survive a reload; E with g = 1 is never the previous target’s', async ({ page }) => {
  await openExample(page);
  const target = page.getByLabel('Target', { exact: true });
  const baseline = page.getByTestId('baseline-error');
  const before = (await baseline.textContent())!.trim();
  const options = await target.locator('option').evaluateAll((list) => list.map((o) => (o as unknown as { value: string }).value));
  const current = await target.inputValue();
  const other = options.find((value) => value !== current)!;
  await target.selectOption(other);
  // at once: a placeholder or the new value, never the old number
  expect((await baseline.textContent())!.trim()).not.toBe(before);
  await expect(baseline).toHaveText(/^\d/);
  const after = (await baseline.textContent())!.trim();
  expect(after).not.toBe(before);

  await page.getByRole('spinbutton', { name: 'Sessions' }).fill('3');
  await page.getByRole('spinbutton', { name: 'Trials' }).fill('2000');
  await page.getByRole('spinbutton', { name: 'σ (noise)' }).fill('0.003');
  await page.reload();
  await expect(page.locator('.app[data-ready="true"]')).toBeAttached();
  await expect(page.getByTestId('workspace')).toBeVisible();
  await expect(page.getByLabel('Target', { exact: true })).toHaveValue(other);
  await expect(page.getByRole('spinbutton', { name: 'Sessions' })).toHaveValue('3');
  await expect(page.getByRole('spinbutton', { name: 'Trials' })).toHaveValue('2000');
  await expect(page.getByRole('spinbutton', { name: 'σ (noise)' })).toHaveValue('0.003');
  await expect(page.getByTestId('baseline-error')).toHaveText(after);
});

test('rename the project and edit its notes (undoable); the save dialog proposes a clean file name', async ({ page }) => {
  await openExample(page);
  const name = page.getByTestId('project-name');
  await expect(name).toContainText('Example: SOC network (N = 200) and generated movements');

  // the file name first, while the example still has its own name
  await page.getByRole('button', { name: 'Save as…' }).click();
  const dialog = page.getByTestId('save-dialog');
  await expect(dialog.getByLabel('File')).toHaveValue(/[\\/]Example SOC network N=200 and generated movements\.gainlab$/);
  await dialog.getByRole('button', { name: 'Cancel' }).click();

  await page.getByTestId('project-rename').click();
  const input = page.getByTestId('project-name-input');
  await expect(input).toBeFocused();
  await input.fill('Reaching study');
  await input.press('Enter');
  await expect(name).toContainText('Reaching study');
  await expect(page.getByTestId('undo')).toHaveAttribute('title', /Rename the project/);

  await page.getByTestId('project-notes').locator('summary').click();
  const notes = page.getByTestId('project-notes-input');
  // the example comes with notes of its own
  const original = await notes.inputValue();
  expect(original).toMatch(/make-example/);
  await notes.fill('σ sweep for the grant');
  await notes.blur();
  await expect(page.getByTestId('undo')).toHaveAttribute('title', /Edit the project notes/);
  await page.getByTestId('undo').click();
  await expect(notes).toHaveValue(original);
  await page.getByTestId('undo').click();
  await expect(name).toContainText('Example: SOC network');
  await page.getByTestId('redo').click();
  await page.getByTestId('redo').click();
  await expect(name).toContainText('Reaching study');
  await expect(notes).toHaveValue('σ sweep for the grant');
  // Esc abandons a rename
  await page.getByTestId('project-rename').click();
  await page.getByTestId('project-name-input').fill('Never mind');
  await page.getByTestId('project-name-input').press('Escape');
  await expect(name).toContainText('Reaching study');
});

test('help: the button opens the guide, ? the shortcuts, About names the version and how to cite', async ({ page }) => {
  const pageErrors = collectPageErrors(page);
  await openExample(page);
  await page.getByTestId('help-button').click();
  const help = page.getByTestId('help-view');
  await expect(help).toBeVisible();
  await expect(help).toHaveAttribute('data-section', 'guide');
  await expect(help.locator('[data-step]')).toHaveCount(8);
  await help.press('Escape');
  await expect(help).toHaveCount(0);

  // `?` opens the shortcut sheet, except while typing in a field
  await page.getByRole('spinbutton', { name: 'Trials' }).focus();
  await page.keyboard.press('?');
  await expect(help).toHaveCount(0);
  await page.getByTestId('project-name').click();
  await page.keyboard.press('?');
  await expect(help).toHaveAttribute('data-section', 'shortcuts');
  for (const keys of ['Ctrl+S', 'Ctrl+Shift+S', 'Ctrl+O', 'Ctrl+N', 'Ctrl+Z', 'Ctrl+Y']) await expect(help.locator('kbd', { hasText: keys }).first()).toBeVisible();

  await page.getByTestId('help-tab-about').click();
  const footerVersion = /v(\d+\.\d+\.\d+)/.exec((await page.locator('.status').textContent())!)![1];
  await expect(page.getByTestId('help-version')).toHaveText(footerVersion);
  await expect(page.getByTestId('help-licence')).toHaveText('MIT');
  await expect(page.getByTestId('help-citation')).toContainText('Nature Neuroscience 21, 1774–1783 (2018)');
  await expect(page.getByTestId('help-citation').locator('a')).toHaveAttribute('href', 'https://doi.org/10.1038/s41593-018-0276-0');
  await expect(page.getByTestId('help-bibtex-gainlab')).toContainText(`version = {${footerVersion}}`);
  await page.getByTestId('help-close').click();
  await expect(help).toHaveCount(0);

  // an empty state links to its step of the guide
  await page.getByTestId('open-runs').click();
  const runsEmpty = page.getByTestId('runs-empty');
  if (await runsEmpty.isVisible()) {
    await runsEmpty.getByTestId('guide-link').click();
    await expect(help).toHaveAttribute('data-section', 'guide');
    await expect(help.locator('[data-step="train"]')).toHaveClass(/highlighted/);
    await help.press('Escape');
  }
  expect(pageErrors).toEqual([]);
});
