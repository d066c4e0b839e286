/**
 * Project files end to end in the web mode: a target drawn with the mouse survives save → reload →
 * open bit for bit (the page's sample fingerprint, and the saved archive decoded here with the
 * app's own codec); the title carries the dirty marker; Ctrl+S / Ctrl+O; a corrupt file (picked or
 * dropped on the workspace) is refused with a message while the open project stays; slow variants
 * are listed under their source.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron, expect, test, type FileChooser, type Page } from '@playwright/test';
import { decodeProjectFile } from '../src-shared/project/archive.js';
import { sampleFingerprint } from '../src-renderer/lib/targetFiles.js';
import { collectPageErrors, drawStroke, gotoWelcome, openExample } from './helpers.js';

let dir: string;
test.beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'gainlab-e2e-projects-'));
});
test.afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const primary = process.platform === 'darwin' ? 'Meta' : 'Control';

function targetItem(page: Page, name: string) {
  return page.getByTestId('target-item').filter({ has: page.locator('.name', { hasText: name }) });
}

const STROKE = { x0: 0.2, x1: 0.8, y: 0.5, bump: 0.3, steps: 40 };

test('a target drawn with the mouse is identical after save, reload and open', async ({ page }) => {
  const pageErrors = collectPageErrors(page);
  await openExample(page);
  const sourceName = await page.getByLabel('Target', { exact: true }).locator('option:checked').textContent();
  const sourceFingerprint = await targetItem(page, sourceName!.trim()).first().getAttribute('data-fingerprint');

  await page.getByRole('button', { name: 'Draw target…' }).click();
  await expect(page.getByTestId('target-editor')).toBeVisible();
  await page.getByTestId('target-editor').getByLabel('Name').fill('Mouse reach');
  await drawStroke(page, STROKE);
  await page.getByRole('button', { name: 'Add to project' }).click();
  await expect(page.getByTestId('target-editor')).toHaveCount(0);

  const drawn = targetItem(page, 'Mouse reach');
  await expect(drawn).toHaveCount(1);
  const fingerprint = await drawn.getAttribute('data-fingerprint');
  expect(fingerprint).toMatch(/^[0-9a-f]{8}$/);
  // the stroke changed the samples it started from
  expect(fingerprint).not.toBe(sourceFingerprint);
  // unsaved: the dirty marker is in the window title and next to the name
  await expect(page).toHaveTitle(/^• .+ — GainLab$/);

  // Ctrl+S on a project without a file: the web-mode save dialog, with a suggested path
  await page.keyboard.press(`${primary}+s`);
  const dialog = page.getByTestId('save-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel('File')).toHaveValue(/\.gainlab$/);
  const file = path.join(dir, 'mouse-reach.gainlab');
  await dialog.getByLabel('File').fill(file);
  await dialog.getByLabel('File').press('Enter');
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId('project-path')).toHaveAttribute('data-path', file);
  await expect(page).toHaveTitle(/^[^•]+ — GainLab$/);

  // the archive on disk, decoded with the app's codec, holds exactly these samples
  const saved = decodeProjectFile(new Uint8Array(readFileSync(file)));
  const savedTarget = saved.project.targets.find((t) => t.name === 'Mouse reach');
  expect(savedTarget, 'the drawn target is in the saved file').toBeTruthy();
  expect(savedTarget!.source.kind).toBe('drawn');
  expect(sampleFingerprint(savedTarget!.values)).toBe(fingerprint);

  // reload the app, switch to another project, then open the saved one from the recent list
  await page.reload();
  await expect(page.locator('.app[data-ready="true"]')).toBeAttached();
  await gotoWelcome(page);
  await page.getByRole('button', { name: 'New project' }).click();
  await expect(targetItem(page, 'Mouse reach')).toHaveCount(0);
  await page.getByRole('button', { name: 'Close', exact: true }).click();
  await page.locator('.recent-item', { hasText: file }).first().click();
  await expect(page.getByTestId('workspace')).toBeVisible();
  await expect(page.getByTestId('project-path')).toHaveAttribute('data-path', file);
  const reopened = targetItem(page, 'Mouse reach');
  await expect(reopened).toHaveCount(1);
  await expect(reopened).toHaveAttribute('data-fingerprint', fingerprint!);
  await expect(reopened).toHaveAttribute('data-samples', String(savedTarget!.nSamples));
  await expect(page).toHaveTitle(/^[^•]+ — GainLab$/);
  expect(pageErrors, pageErrors.join('\n')).toEqual([]);
});

test('a stroke started just left of the plot area (on the y axis, to draw from t = 0) is drawn, not dropped; a flat movement is named as such', async ({ page }) => {
  await gotoWelcome(page);
  await page.getByRole('button', { name: 'New project' }).click();
  await page.getByRole('button', { name: 'Draw target…' }).click();
  const editor = page.getByTestId('target-editor');
  await editor.getByRole('button', { name: 'Blank' }).click();
  const undo = editor.getByRole('button', { name: 'Undo', exact: true });
  await expect(undo).toBeDisabled();
  // a blank (flat) movement would give E = ∞ (E divides by its variance): the editor says so
  await expect(editor.getByTestId('editor-flat')).toContainText('would read ∞');
  // the chart's plot area starts 56 px into its canvas (editor/chartModel.ts grid.left): press 8 px left of it
  const box = (await page.getByTestId('editor-canvas').locator('canvas').first().boundingBox())!;
  const x0 = box.x + 56 - 8;
  const y = box.y + box.height * 0.5;
  await page.mouse.move(x0, y);
  await page.mouse.down();
  for (let i = 1; i <= 20; i++) await page.mouse.move(x0 + (box.width * 0.6 * i) / 20, y - Math.sin((Math.PI * i) / 20) * box.height * 0.25);
  await page.mouse.up();
  await expect(undo).toBeEnabled();
  await expect(editor.getByTestId('editor-flat')).toHaveCount(0);
});

test('a corrupt file is refused with a message and the open project stays open', async ({ page }) => {
  await openExample(page);
  const name = await page.getByTestId('project-name').textContent();
  const targets = await page.getByTestId('target-item').count();
  expect(targets).toBeGreaterThan(0);

  // Ctrl+O asks for the file's path on this computer (the project is then bound to it)
  const broken = path.join(dir, 'broken on disk.gainlab');
  writeFileSync(broken, 'this is not a zip archive at all');
  await page.keyboard.press(`${primary}+o`);
  await page.getByTestId('open-path').fill(broken);
  await page.getByTestId('open-dialog').getByRole('button', { name: 'Open', exact: true }).click();
  const onDisk = page.getByTestId('toast').filter({ hasText: 'the file is not a zip archive' });
  await expect(onDisk).toBeVisible();
  await expect(page.getByTestId('project-name')).toHaveText(name!);
  // the dialog is back with the path as typed, to correct it
  await expect(page.getByTestId('open-dialog')).toBeVisible();
  await expect(page.getByTestId('open-path')).toHaveValue(broken);
  await onDisk.getByRole('button', { name: 'Dismiss' }).click();

  // or a copy through the browser's file chooser ("Upload a copy…": the web mode reads its bytes)
  // (Playwright turns on file-chooser interception asynchronously: the first click may race it)
  let chooser: FileChooser | null = null;
  await expect(async () => {
    const next = page.waitForEvent('filechooser', { timeout: 2000 });
    if (!(await page.getByTestId('open-dialog').isVisible())) await page.keyboard.press(`${primary}+o`);
    await page.getByTestId('open-upload').click();
    chooser = await next;
  }).toPass({ timeout: 20_000 });
  await chooser!.setFiles({ name: 'broken.gainlab', mimeType: 'application/octet-stream', buffer: Buffer.from('this is not a zip archive at all') });
  const alert = page.getByTestId('toast').filter({ hasText: 'the file is not a zip archive' });
  await expect(alert).toBeVisible();
  await expect(page.getByTestId('workspace')).toBeVisible();
  await expect(page.getByTestId('project-name')).toHaveText(name!);
  await expect(page.getByTestId('target-item')).toHaveCount(targets);
  await alert.getByRole('button', { name: 'Dismiss' }).click();

  // the same through drag and drop onto the workspace: a zip that is not a GainLab project
  await page.evaluate(() => {
    // (this file type-checks without DOM types: the browser globals are reached through globalThis)
    const g = globalThis as any;
    // an empty zip: end-of-central-directory record only
    const bytes = new Uint8Array([0x50, 0x4b, 0x05, 0x06, ...new Array(18).fill(0)]);
    const data = new g.DataTransfer();
    data.items.add(new g.File([bytes], 'empty.gainlab', { type: 'application/zip' }));
    const target = g.document.querySelector('[data-testid="workspace"]');
    target.dispatchEvent(new g.DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
    target.dispatchEvent(new g.DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
  });
  await expect(page.getByTestId('toast').filter({ hasText: 'not a GainLab project: it has no project.json' })).toBeVisible();
  await expect(page.getByTestId('project-name')).toHaveText(name!);
  await expect(page.getByTestId('target-item')).toHaveCount(targets);
});

test('a slow variant is listed under its source and linked to it', async ({ page }) => {
  await openExample(page);
  const first = page.getByTestId('target-item').first();
  const sourceId = await first.getAttribute('data-target-id');
  const nSamples = Number(await first.getAttribute('data-samples'));
  await first.getByRole('button', { name: /^Slow variant of/ }).click();
  const form = page.getByTestId('slow-form');
  await form.getByLabel('Slowing factor s').fill('2');
  await form.getByLabel('amplitude 1/s²').check();
  await form.getByRole('button', { name: 'Add' }).click();
  const variant = page.locator(`[data-testid="target-item"][data-source-id="${sourceId}"]`);
  await expect(variant).toHaveCount(1);
  // same step, twice the duration: (n − 1)·2 + 1 samples
  await expect(variant).toHaveAttribute('data-samples', String((nSamples - 1) * 2 + 1));
  await expect(variant).toContainText('2× slower, amplitude 1/s²');
  // listed right after its source
  const ids = await page.getByTestId('target-item').evaluateAll((items) => items.map((i) => i.getAttribute('data-target-id')));
  const variantId = await variant.getAttribute('data-target-id');
  expect(ids.indexOf(variantId)).toBe(ids.indexOf(sourceId) + 1);
  // selecting it runs the network for 2·T with the same step (model-spec §8): an error, no failure
  const baselineBefore = await page.getByTestId('baseline-error').textContent();
  await page.locator('#project-target').selectOption(variantId!);
  await expect(page.getByTestId('baseline-error')).not.toHaveText(baselineBefore!);
  await expect(page.getByTestId('baseline-error')).toHaveText(/^\d/);
  await expect(page.getByTestId('toast').filter({ hasText: /does not match|step/ })).toHaveCount(0);
  // a factor that breaks the time step is refused in place
  await first.getByRole('button', { name: /^Slow variant of/ }).click();
  await page.getByTestId('slow-form').getByLabel('Slowing factor s').fill('1.3');
  await page.getByTestId('slow-form').getByRole('button', { name: 'Add' }).click();
  await expect(page.getByTestId('slow-form')).toContainText('does not keep the time step');
  // the refusal names 1.3: editing the factor takes it away (it used to stay over later attempts)
  await page.getByTestId('slow-form').getByLabel('Slowing factor s').fill('3');
  await expect(page.getByTestId('slow-form').locator('.problem')).toHaveCount(0);
});

/** Path of the Electron executable, or null when the npm package has no binary downloaded. */
function electronBinary(): string | null {
  try {
    const binary = createRequire(import.meta.url)('electron') as unknown;
    return typeof binary === 'string' && existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

test('desktop: the File menu has the shortcuts and its New Project reaches the renderer', async () => {
  const binary = electronBinary();
  test.skip(binary === null, 'Electron binary not installed on this machine');
  const root = path.resolve(import.meta.dirname, '..');
  const app = await electron.launch({ executablePath: binary!, args: [path.join(root, 'out/main/electron.js'), '--no-sandbox', '--disable-gpu'], cwd: root });
  try {
    const window = await app.firstWindow();
    await expect(window.locator('.app[data-ready="true"]')).toBeAttached();
    const accelerators = await app.evaluate(({ Menu }) => {
      const file = Menu.getApplicationMenu()?.items.find((item) => item.label === 'File');
      return Object.fromEntries((file?.submenu?.items ?? []).filter((item) => item.label).map((item) => [item.label, item.accelerator ?? null]));
    });
    expect(accelerators).toMatchObject({ 'New Project': 'CmdOrCtrl+N', 'Open…': 'CmdOrCtrl+O', Save: 'CmdOrCtrl+S', 'Save As…': 'CmdOrCtrl+Shift+S' });
    await app.evaluate(({ Menu }) => {
      const file = Menu.getApplicationMenu()?.items.find((item) => item.label === 'File');
      file?.submenu?.items.find((item) => item.label === 'New Project')?.click();
    });
    await expect(window.getByTestId('workspace')).toBeVisible();
    await expect(window.getByTestId('project-name')).toHaveText(/Untitled/);
    await expect.poll(() => window.title()).toMatch(/Untitled — GainLab$/);
  } finally {
    await app.close();
  }
});
