/**
 * Web mode at a laptop's 1280×800: the Experiments view (src-renderer/components/experiments/ExperimentsView.vue)
 * says what a running experiment and the running quick report are doing in words a researcher can
 * read whole. Beside Run and Cancel the progress line had about 180 px and cut every message with
 * an ellipsis ('trial 400/1000: best …', 'fig1: network: …'); it now goes below the buttons when
 * the room beside them is short. What a run will rest on, listed before it runs, follows the chosen
 * target (src-shared/experiments/catalog.ts definitionsOf): Fig. 1 on a project target listed
 * 'Generated target movements', which it does not use. The quick report's claims table fits its
 * card (it was wider, and the verdicts' rules were cut at the card's edge).
 */
import { expect, test, type Locator } from '@playwright/test';
import { collectPageErrors, openExample } from './helpers.js';

test.use({ viewport: { width: 1280, height: 800 } });

/** Whether the element's text is drawn whole: not cut by its own box nor sticking out of the card it sits in. */
async function shownWhole(message: Locator): Promise<string | null> {
  type Rect = { left: number; right: number };
  type Box = { scrollWidth: number; clientWidth: number; textContent: string | null; closest(selector: string): Box | null; getBoundingClientRect(): Rect };
  return message.evaluate((element) => {
    const node = element as unknown as Box;
    const card = node.closest('.card')!.getBoundingClientRect();
    const own = node.getBoundingClientRect();
    if (node.scrollWidth > node.clientWidth + 1) return `'${node.textContent}' is cut (${node.scrollWidth} px of text in ${node.clientWidth} px)`;
    if (own.right > card.right + 1) return `'${node.textContent}' ends ${Math.round(own.right - card.right)} px past its card`;
    return null;
  });
}

test('at 1280×800 the progress of an experiment and of the quick report reads whole', async ({ page }) => {
  test.setTimeout(300_000);
  const pageErrors = collectPageErrors(page);
  await openExample(page);
  await page.getByTestId('open-experiments').click();
  await page.getByTestId('experiment-item-fig1').click();
  // what the run will rest on follows the form: a project target is not a generated one
  // (src-shared/experiments/catalog.ts definitionsOf; the line kept 'Generated target movements')
  const definitions = page.getByTestId('experiment-definitions');
  await expect(definitions).toContainText('Generated target movements');
  const target = page.getByTestId('experiments').getByLabel('Target', { exact: true });
  await target.selectOption({ index: 1 });
  await expect(definitions).not.toContainText('Generated target movements');
  await target.selectOption({ index: 0 });
  await expect(definitions).toContainText('Generated target movements');
  // enough trials that the run is still going while it is read
  await page.getByTestId('experiment-overrides').locator('[data-setting="trials"] input').fill('20000');
  await page.getByTestId('experiment-run').click();
  const progress = page.getByTestId('experiment-progress');
  const message = progress.locator('.message');
  await expect(message).toContainText(/trial \d+\/20000: best error \d/, { timeout: 60_000 });
  expect(await shownWhole(message)).toBeNull();
  await page.getByTestId('experiment-cancel').click();
  await expect(progress).toHaveAttribute('data-status', 'cancelled', { timeout: 60_000 });

  await page.getByTestId('experiment-item-report').click();
  const report = page.getByTestId('reproduction-report');
  await page.getByTestId('report-run').click();
  const reportMessage = report.locator('.progress-block .message');
  // whichever step it is on (they follow each other fast)
  await expect(reportMessage).toContainText(/^(fig1|supp1f|supp2|fig4|supp3|fig6|supp5|fig8): ./, { timeout: 60_000 });
  expect(await shownWhole(reportMessage)).toBeNull();
  // the claims table fits its card: every verdict and its rule on screen (the table was 441 px in a
  // 379 px card, the verdicts' rules cut at the card's edge)
  const claims = page.getByTestId('report-claims');
  await expect(claims).toBeVisible({ timeout: 170_000 });
  const overflow = await claims.evaluate((card) => {
    const box = card as unknown as { clientWidth: number; querySelector(s: string): { getBoundingClientRect(): { width: number } } };
    return box.querySelector('table').getBoundingClientRect().width - box.clientWidth;
  });
  expect(overflow).toBeLessThanOrEqual(0);
  for (const rule of await claims.locator('.rule').all()) expect(await shownWhole(rule)).toBeNull();
  expect(pageErrors, pageErrors.join('\n')).toEqual([]);
});
