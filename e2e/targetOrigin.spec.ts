/**
 * Issue 4: a target made by the movement editor's generator is stored as generated with its seed
 * (not "drawn"); drawing over it by hand makes it drawn.
 */
import { expect, test, type Page } from '@playwright/test';
import { openExample } from './helpers.js';

function targetItem(page: Page, name: string) {
  return page.getByTestId('target-item').filter({ has: page.locator('.name', { hasText: name }) });
}

test('generated targets record their seed; a hand edit makes them drawn', async ({ page }) => {
  await openExample(page);
  await page.getByRole('button', { name: 'Draw target…' }).click();
  const editor = page.getByTestId('target-editor');
  await expect(editor).toBeVisible();
  await page.getByTestId('editor-generate-seed').fill('4242');
  await page.getByTestId('editor-generate').click();
  // the name follows the origin until one is typed
  await expect(editor.getByLabel('Name')).toHaveValue('Generated movement (seed 4242)');
  await page.getByRole('button', { name: 'Add to project' }).click();
  await expect(editor).toHaveCount(0);
  const made = targetItem(page, 'Generated movement (seed 4242)');
  await expect(made).toHaveCount(1);
  await expect(made.locator('.meta')).toContainText(/^\s*generated, seed 4242 ·/);
  await expect(made).toHaveAttribute('data-target-id', /^generated-/);

  // generate, then draw over it: drawn
  await page.getByRole('button', { name: 'Draw target…' }).click();
  await page.getByTestId('editor-generate-seed').fill('7');
  await page.getByTestId('editor-generate').click();
  await editor.getByLabel('Name').fill('Edited by hand');
  const canvas = page.getByTestId('editor-canvas');
  const box = (await canvas.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5);
  await page.mouse.down();
  for (let i = 1; i <= 20; i++) await page.mouse.move(box.x + box.width * (0.3 + 0.02 * i), box.y + box.height * (0.5 - 0.01 * i));
  await page.mouse.up();
  await page.getByRole('button', { name: 'Add to project' }).click();
  const edited = targetItem(page, 'Edited by hand');
  await expect(edited).toHaveCount(1);
  await expect(edited.locator('.meta')).toContainText(/^\s*drawn ·/);
  await expect(edited).toHaveAttribute('data-target-id', /^drawn-/);
});
