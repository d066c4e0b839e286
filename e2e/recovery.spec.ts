/**
 * Issue 9, recovery copies and autosave failures, each on a server of its own (a config folder it
 * owns, recovery copies every 300 ms instead of every minute):
 * - edit, the server dies after an autosave, a new server starts, the same file is opened: the
 *   copy is offered, and opening another project does not delete it;
 * - an autosave that cannot be written (the config folder lies under a file: ENOTDIR) shows a
 *   persistent warning with the reason.
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { specTempDir } from './helpers.js';
import { startServer, type ServerProcess } from './server.js';

const servers: ServerProcess[] = [];

test.afterAll(async () => {
  for (const server of servers) await server.stop();
});
// removed after the servers that write into it have stopped (the hook above runs first)
const work = specTempDir('e2e-recovery');

async function serve(configDir: string): Promise<ServerProcess> {
  const server = await startServer({ GAINLAB_CONFIG_DIR: configDir, GAINLAB_AUTOSAVE_INTERVAL_MS: '300' });
  servers.push(server);
  return server;
}

async function newProjectWithTarget(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await expect(page.locator('.app[data-ready="true"]')).toBeAttached();
  await page.getByRole('button', { name: 'New project' }).click();
  await expect(page.getByTestId('workspace')).toBeVisible();
  await page.getByRole('button', { name: 'Draw target…' }).click();
  await page.getByTestId('target-editor').getByRole('button', { name: 'Generate' }).click();
  await page.getByRole('button', { name: 'Add to project' }).click();
  await expect(page.getByTestId('target-item')).toHaveCount(1);
}

/** The complete recovery copies: the archive and its note (written after it; listed only with both). */
function copies(configDir: string): string[] {
  const dir = path.join(configDir, 'recovery');
  if (!existsSync(dir)) return [];
  const names = readdirSync(dir);
  return names.filter((name) => name.endsWith('.gainlab') && names.includes(name.replace(/\.gainlab$/, '.json')));
}

test('a recovery copy survives a crash, is offered when its file is opened again, and opening another project keeps it', async ({ page }) => {
  test.setTimeout(120_000);
  const configDir = path.join(work(), 'config');
  const file = path.join(work(), 'study.gainlab');
  const first = await serve(configDir);
  await newProjectWithTarget(page, first.url);
  await page.keyboard.press('Control+S');
  const save = page.getByTestId('save-dialog');
  await save.getByLabel('File').fill(file);
  await save.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByTestId('project-path')).toHaveAttribute('data-path', file);

  // an edit after the save: a second target
  await page.getByRole('button', { name: 'Draw target…' }).click();
  await page.getByTestId('target-editor').getByRole('button', { name: 'Generate' }).click();
  await page.getByRole('button', { name: 'Add to project' }).click();
  await expect(page.getByTestId('target-item')).toHaveCount(2);
  // the copy of the saved file (its key starts with file-): on a loaded machine the copy written
  // while the project was still untitled can outlive the save for a moment, and killing the server
  // then would leave only that one
  await expect.poll(() => copies(configDir).join(','), { timeout: 10_000 }).toMatch(/^file-[^,]*$/);
  await first.kill(); // the crash

  const second = await serve(configDir);
  await page.goto(second.url);
  await expect(page.getByTestId('welcome')).toBeVisible();
  await expect(page.getByTestId('recovery')).toBeVisible();
  // the user opens the same file instead of restoring from the start screen: it is offered there
  await page.keyboard.press('Control+O');
  await page.getByTestId('open-path').fill(file);
  await page.getByTestId('open-dialog').getByRole('button', { name: 'Open', exact: true }).click();
  await expect(page.getByTestId('target-item')).toHaveCount(1);
  await expect(page.getByTestId('recovery-offer')).toBeVisible();
  // another project: the copy stays (only a save of that project or Discard removes it)
  await page.getByRole('button', { name: 'New', exact: true }).click();
  await expect(page.getByTestId('target-item')).toHaveCount(0);
  expect(copies(configDir)).toHaveLength(1);
  // back to the file: restore the copy, then save: the copy is gone, the file has both targets
  await page.keyboard.press('Control+O');
  await page.getByTestId('open-path').fill(file);
  await page.getByTestId('open-dialog').getByRole('button', { name: 'Open', exact: true }).click();
  await page.getByTestId('recovery-offer-restore').click();
  await expect(page.getByTestId('target-item')).toHaveCount(2);
  await expect(page.getByTestId('project-path')).toHaveAttribute('data-path', file);
  await page.keyboard.press('Control+S');
  await expect(page.getByTestId('project-name')).not.toContainText('•');
  await expect.poll(() => copies(configDir).length).toBe(0);
});

test('an autosave that fails shows a persistent warning with the reason', async ({ page }) => {
  test.setTimeout(60_000);
  // a config folder below a regular file can never be created (ENOTDIR), as root too
  const blocker = path.join(work(), 'not-a-folder');
  writeFileSync(blocker, 'a file');
  const server = await serve(path.join(blocker, 'config'));
  await newProjectWithTarget(page, server.url);
  const warning = page.getByTestId('autosave-warning');
  await expect(warning).toBeVisible({ timeout: 10_000 });
  await expect(warning).toContainText('Autosave failed');
  await expect(warning).toContainText(/ENOTDIR|not a folder|not a directory/i);
  // persistent: still there a while later, until the project is saved
  await page.waitForTimeout(1000);
  await expect(warning).toBeVisible();
});
