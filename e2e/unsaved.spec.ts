/**
 * Issue 4, unsaved changes in the web mode: with a change made to the example, New asks
 * "Save changes to …?" — Cancel (and Esc) keep the project as it was, Don't save goes on; Close
 * with Save goes through the save dialog and writes the file before leaving; the browser warns
 * before the page is left with unsaved changes.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { decodeProjectFile } from '../src-shared/project/archive.js';
import { collectPageErrors, openExample } from './helpers.js';

let dir: string;
test.beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'gainlab-e2e-unsaved-'));
});
test.afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A change that sets the dirty flag: a 2× slow variant of the first target. */
async function makeChange(page: Page): Promise<void> {
  const before = await page.getByTestId('target-item').count();
  await page.getByTestId('target-item').first().getByRole('button', { name: /^Slow variant of/ }).click();
  const form = page.getByTestId('slow-form');
  await form.getByLabel('Slowing factor s').fill('2');
  await form.getByRole('button', { name: 'Add' }).click();
  await expect(page.getByTestId('target-item')).toHaveCount(before + 1);
  await expect(page).toHaveTitle(/^• .+ — GainLab$/);
}

test('New with unsaved changes asks first: Cancel keeps the project, Don\'t save goes on', async ({ page }) => {
  const pageErrors = collectPageErrors(page);
  await openExample(page);
  const name = (await page.getByTestId('project-name').locator('.name-text').textContent())!.trim();
  await makeChange(page);
  const targets = await page.getByTestId('target-item').count();

  const dialog = page.getByTestId('unsaved-dialog');
  await page.getByRole('button', { name: 'New', exact: true }).click();
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText(`Save changes to “${name}”?`);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toHaveCount(0);
  // everything kept: the same project, its new target, still unsaved
  await expect(page.getByTestId('workspace')).toBeVisible();
  await expect(page.getByTestId('project-name')).toContainText(name);
  await expect(page.getByTestId('target-item')).toHaveCount(targets);
  await expect(page).toHaveTitle(/^• .+ — GainLab$/);

  // Ctrl+N asks the same; Esc is Cancel
  await page.keyboard.press(process.platform === 'darwin' ? 'Meta+n' : 'Control+n');
  await expect(dialog).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId('target-item')).toHaveCount(targets);

  await page.getByRole('button', { name: 'New', exact: true }).click();
  await dialog.getByRole('button', { name: "Don't save" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId('project-name')).toHaveText(/^Untitled/);
  await expect(page.getByTestId('target-item')).toHaveCount(0);
  await expect(page).toHaveTitle(/^[^•]+ — GainLab$/);
  expect(pageErrors, pageErrors.join('\n')).toEqual([]);
});

test('Close with Save writes the project through the save dialog first; the browser warns before leaving', async ({ page }) => {
  await openExample(page);
  await makeChange(page);

  await page.getByRole('button', { name: 'Close', exact: true }).click();
  const dialog = page.getByTestId('unsaved-dialog');
  await dialog.getByRole('button', { name: 'Save', exact: true }).click();
  // never saved: the web-mode Save As dialog; closing it without saving keeps the project open
  const saveDialog = page.getByTestId('save-dialog');
  await expect(saveDialog).toBeVisible();
  await saveDialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('workspace')).toBeVisible();
  await expect(page).toHaveTitle(/^• .+ — GainLab$/);

  // the browser's own warning when the page is left with unsaved changes
  const beforeUnload = page.waitForEvent('dialog').then(async (d) => {
    const type = d.type();
    await d.dismiss();
    return type;
  });
  await page.close({ runBeforeUnload: true });
  expect(await beforeUnload).toBe('beforeunload');
});

test('Close → Save → a path: the file is written, then the welcome screen shows', async ({ page }) => {
  await openExample(page);
  await makeChange(page);
  const targets = await page.getByTestId('target-item').count();
  await page.getByRole('button', { name: 'Close', exact: true }).click();
  await page.getByTestId('unsaved-dialog').getByRole('button', { name: 'Save', exact: true }).click();
  const saveDialog = page.getByTestId('save-dialog');
  const file = path.join(dir, 'kept.gainlab');
  await saveDialog.getByLabel('File').fill(file);
  await saveDialog.getByLabel('File').press('Enter');
  await expect(page.getByTestId('welcome')).toBeVisible();
  expect(existsSync(file)).toBe(true);
  const saved = decodeProjectFile(new Uint8Array(readFileSync(file)));
  expect(saved.project.targets).toHaveLength(targets);
  expect(saved.project.targets.some((t) => t.source.kind === 'slow')).toBe(true);
});
