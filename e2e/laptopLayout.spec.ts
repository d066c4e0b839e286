/**
 * Web mode at a laptop's 1280×800 (the third walkthrough's screen): the runs browser and the
 * analyses view keep their text readable where the workspace's right-hand panel leaves the middle
 * column about 665 px.
 * - Runs browser (src-renderer/components/runs/RunsBrowser.vue): with every column of its fixed
 *   layout the Name column was 16 px wide, a run's name one letter a line. Narrower than 800 px the
 *   table leaves out Seed, Time and Finished, and the Details card states them. Numbers ('0.00712',
 *   '50,000') and kinds ('speed manifold') no longer break inside a word.
 * - Analyses (src-renderer/components/analysis/AnalysesView.vue): the run’s name beside the title
 *   was cut to "Rewar…" by the noisy-x0 controls; it has its own line now, whole. Error vs SNR's
 *   plot, added below the other 14, is scrolled into view when computed (nothing on screen changed).
 * - The SOC form's Recipe and the speed form's Rule (src-renderer/components/SocPanel.vue,
 *   src-renderer/components/speed/SpeedBuildForm.vue) showed 'paper (η =' and 'gradient (Ada' in
 *   their 110 px column; a select is now as wide as its longest choice.
 */
import { expect, test, type Locator } from '@playwright/test';
import { collectPageErrors, openExample, trainStoredRewardRun } from './helpers.js';

test.use({ viewport: { width: 1280, height: 800 } });

test('at 1280×800 a run’s name is readable in the runs table and in the analyses’ header', async ({ page }) => {
  test.setTimeout(180_000);
  const pageErrors = collectPageErrors(page);
  await openExample(page);
  await trainStoredRewardRun(page, { trials: 40, seed: 7, sessions: 2 });

  // the analyses' header: the run's name on screen in full (not cut with an ellipsis)
  await page.getByRole('button', { name: 'Analyses…' }).first().click();
  const runName = page.getByTestId('analyses').getByText(/^Reward rule · G = N · /);
  await expect(runName).toBeVisible();
  // no box around it cuts it off (the header's h3 hid all but 'Rewar' behind an ellipsis)
  // the spec is type-checked without DOM types: elements as far as this needs them
  type Rect = { left: number; right: number };
  type Box = { tagName: string; className: string; scrollWidth: number; clientWidth: number; parentElement: Box | null; getBoundingClientRect(): Rect };
  const clippedBy = await runName.evaluate((element) => {
    const node = element as unknown as Box;
    const styleOf = (globalThis as unknown as { getComputedStyle(box: Box): { overflowX: string } }).getComputedStyle;
    const own = node.getBoundingClientRect();
    for (let box = node.parentElement; box; box = box.parentElement) {
      if (styleOf(box).overflowX === 'visible') continue;
      const edge = box.getBoundingClientRect();
      if (own.right > edge.right + 1 || own.left < edge.left - 1 || box.scrollWidth > box.clientWidth + 1) return `${box.tagName}.${box.className}`;
    }
    return null;
  });
  expect(clippedBy, 'the run name is cut off').toBeNull();
  // Error vs SNR adds its plot after the other 14: it is brought into view when computed
  await expect(page.getByTestId('analysis-plot')).toHaveCount(14);
  await page.getByRole('button', { name: 'Error vs SNR' }).click();
  const noisy = page.locator('[data-plot-id="noisy-x0"]');
  await expect(noisy).toBeVisible({ timeout: 90_000 });
  await expect(noisy).toBeInViewport({ ratio: 0.5 });
  // and a screen reader hears that it is there (the button's changing text said it alone)
  await expect(page.getByTestId('analyses-announcement')).toHaveText('Error vs SNR done: its plot is the last one.');
  await page.getByRole('button', { name: 'Back to the workspace' }).click();

  await page.getByTestId('open-runs').click();
  const table = page.getByTestId('runs-table');
  await expect(table.getByTestId('run-row')).toHaveCount(1);
  const nameCell = table.getByTestId('run-row').first().locator('td.name');
  const nameBox = (await nameCell.boundingBox())!;
  // about 210 px; before, 16 px and a name 40 lines tall
  expect(nameBox.width).toBeGreaterThan(150);
  expect(nameBox.height).toBeLessThan(100);
  // every column shown fits in the card: no cell beyond the table's right edge
  const tableBox = (await table.boundingBox())!;
  for (const header of await table.locator('th').all()) {
    if (!(await header.isVisible())) continue;
    const box = (await header.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(tableBox.x + tableBox.width + 1);
  }
  // numbers and kinds of other runs (a gradient run's best E, 10 sessions' trials, a manifold's
  // kind) stay whole in their columns: '0.00712', '50,000' and 'speed manifold' broke mid-word
  const cells = table.getByTestId('run-row').first().locator('td');
  for (const [column, text] of [[7, '0.00712'], [8, '50,000'], [2, 'speed manifold']] as const) {
    const lines = await cells.nth(column).evaluate((element, value) => {
      type Cell = { textContent: string | null; firstChild: unknown; ownerDocument: { createRange(): { selectNodeContents(node: unknown): void; getClientRects(): { length: number; [k: number]: { top: number } } } } };
      const cell = element as unknown as Cell;
      cell.textContent = value;
      const range = cell.ownerDocument.createRange();
      range.selectNodeContents(cell.firstChild);
      const rects = range.getClientRects();
      return new Set(Array.from({ length: rects.length }, (_, k) => Math.round(rects[k].top))).size;
    }, text);
    // 'speed manifold' may take two lines, one word each; a number one line
    expect(lines, `${text} in column ${column}`).toBeLessThanOrEqual(text.includes(' ') ? 2 : 1);
    if (text.includes(' ')) {
      const words = await cells.nth(column).evaluate((element) => {
        type Cell = { firstChild: unknown; ownerDocument: { createRange(): { setStart(n: unknown, o: number): void; setEnd(n: unknown, o: number): void; getClientRects(): { length: number; [k: number]: { top: number } } } } };
        const cell = element as unknown as Cell;
        // 'manifold' (offsets 6–14) on one line
        const range = cell.ownerDocument.createRange();
        range.setStart(cell.firstChild, 6);
        range.setEnd(cell.firstChild, 14);
        const rects = range.getClientRects();
        return new Set(Array.from({ length: rects.length }, (_, k) => Math.round(rects[k].top))).size;
      });
      expect(words, "'manifold' on one line").toBe(1);
    }
  }
  await expect(table.getByRole('button', { name: 'Name' })).toBeVisible();
  await expect(table.getByRole('button', { name: /^Finished/ })).toBeHidden();
  // what the narrow table leaves out, the Details card says
  await nameCell.click();
  await expect(page.getByTestId('run-facts')).toHaveText(/^seed 7 · took [\d.]+ (ms|s) · finished \d\d\/\d\d\/\d{4}, \d\d:\d\d$/);
  expect(pageErrors, pageErrors.join('\n')).toEqual([]);
});

/** Room a select lacks to show its chosen text whole (text, padding and at least a 16 px arrow); ≤ 0 when whole. */
async function selectShortfall(select: Locator): Promise<number> {
  return select.evaluate((element) => {
    // the spec is type-checked without DOM types: the elements as far as this needs them
    type Styled = { style: { cssText: string }; textContent: string | null; getBoundingClientRect(): { width: number }; remove(): void };
    type Select = { clientWidth: number; selectedOptions: { [k: number]: { text: string } }; ownerDocument: { createElement(tag: 'span'): Styled; body: { appendChild(node: Styled): void } } };
    const view = globalThis as unknown as { getComputedStyle(node: unknown): { font: string; paddingLeft: string; paddingRight: string } };
    const select = element as unknown as Select;
    const style = view.getComputedStyle(select);
    const probe = select.ownerDocument.createElement('span');
    probe.style.cssText = `position:absolute;visibility:hidden;white-space:pre;font:${style.font}`;
    probe.textContent = select.selectedOptions[0].text;
    select.ownerDocument.body.appendChild(probe);
    const text = probe.getBoundingClientRect().width;
    probe.remove();
    return text + parseFloat(style.paddingLeft) + parseFloat(style.paddingRight) + 16 - select.clientWidth;
  });
}

test('at 1280×800 the SOC recipe and the speed rule show their choice whole', async ({ page }) => {
  await openExample(page);
  await page.getByRole('tab', { name: 'Build network' }).click();
  const recipe = page.getByLabel('Recipe');
  for (const choice of ['published', 'adaptive']) {
    await recipe.selectOption(choice);
    expect(await selectShortfall(recipe), `recipe ${choice}`).toBeLessThanOrEqual(0);
  }
  await page.getByTestId('open-speed').click();
  const rule = page.getByTestId('speed-build').getByLabel('Rule');
  for (const choice of ['gradient', 'reward']) {
    await rule.selectOption(choice);
    expect(await selectShortfall(rule), `rule ${choice}`).toBeLessThanOrEqual(0);
  }
});
