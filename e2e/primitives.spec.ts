/**
 * Motor primitives end to end in the web mode (model-spec §9): a small SOC network, three
 * generated targets learned into a 3-pattern library (gradient rule, 4 groups, a few Adam iterations each),
 * a novel target drawn with the mouse and fitted (coefficients, each bar named by its whole target
 * name in the exported chart; fit and output errors), then a
 * refinement from the combined gains shown next to learning from scratch. The builder's list of
 * patterns keeps each one's status and error once the finished jobs are cleared from the jobs list.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { collectPageErrors, drawStroke, maybeScreenshot, newProjectWithSmallNetwork } from './helpers.js';

const STROKE = { x0: 0.15, x1: 0.85, y: 0.55, bump: 0.25, steps: 30 };

test('build a 3-pattern library on a small network, fit a drawn target, see both errors, refine', async ({ page }, testInfo) => {
  testInfo.setTimeout(120_000);
  const pageErrors = collectPageErrors(page);
  // a target for the readout fit, then a small SOC network (N = 40)
  await newProjectWithSmallNetwork(page);

  // the primitives view: three generated targets, learned by the gradient rule
  await page.getByTestId('open-primitives').click();
  const view = page.getByTestId('primitives-view');
  await expect(view).toBeVisible();
  const builder = view.getByTestId('library-builder');
  await builder.getByRole('spinbutton', { name: 'Number of generated targets' }).fill('3');
  await builder.getByRole('spinbutton', { name: 'First seed of the generated targets' }).fill('11');
  await builder.getByTestId('generate-targets').click();
  // generated targets are chosen for the library at once
  await expect(builder.getByTestId('library-target').locator('input:checked')).toHaveCount(3);
  await builder.getByRole('radio', { name: 'Gradient (Adam)' }).click();
  await builder.getByRole('spinbutton', { name: 'Iterations' }).fill('150');
  // 4 random modulatory groups, drawn once for all three patterns
  await builder.getByRole('textbox', { name: 'Groups G' }).fill('4');
  await builder.getByRole('textbox', { name: 'Library name' }).fill('Three reaches');
  await builder.getByRole('button', { name: 'Build library' }).click();
  await expect(builder.getByTestId('library-build')).toHaveAttribute('data-phase', 'done', { timeout: 60_000 });
  // the pattern and target names in the builder's 280 px column show whole (they were cut to
  // '1. Generate…' and 'Generated movement…')
  const cut = (nodes: unknown[]) => (nodes as Array<{ scrollWidth: number; clientWidth: number; textContent: string | null }>).filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.textContent);
  await expect(builder.getByTestId('library-build').locator('.job-name')).toHaveText(['1. Generated (seed 11)', '2. Generated (seed 12)', '3. Generated (seed 13)']);
  expect(await builder.getByTestId('library-build').locator('.job-name').evaluateAll(cut)).toEqual([]);
  expect(await builder.getByTestId('library-target').locator('span:nth-child(2)').evaluateAll(cut)).toEqual([]);
  const library = view.getByTestId('library-item').filter({ hasText: 'Three reaches' });
  await expect(library).toHaveAttribute('data-size', '3');
  // the finished patterns cleared from the jobs list: each still reads done with its best error,
  // now the stored run's (they read 'queued' with no error)
  const patterns = builder.getByTestId('library-build').locator('li');
  const bestErrors = await patterns.locator('.best').allTextContents();
  expect(bestErrors.every((text) => /^\d/.test(text))).toBe(true);
  await page.getByTestId('jobs-clear-finished').click();
  await expect(page.getByTestId('jobs-clear-finished')).toHaveCount(0);
  await expect(patterns.locator('.pill')).toHaveText(['done', 'done', 'done']);
  await expect(patterns.locator('.best')).toHaveText(bestErrors);
  // stored in the (now unsaved) project
  await expect(page).toHaveTitle(/^• /);

  // a novel target drawn with the mouse
  await view.getByRole('button', { name: 'Draw new target…' }).click();
  const editor = page.getByTestId('target-editor');
  await expect(editor).toBeVisible();
  await editor.getByRole('button', { name: 'Blank' }).click();
  await editor.getByLabel('Name').fill('Novel reach');
  await drawStroke(page, STROKE);
  await editor.getByRole('button', { name: 'Add to project' }).click();
  await expect(editor).toHaveCount(0);
  await expect(view.getByTestId('fit-target').locator('option:checked')).toHaveText('Novel reach');

  await view.getByTestId('fit-button').click();
  const fitError = view.getByTestId('fit-error');
  const outputError = view.getByTestId('output-error');
  await expect(fitError).toHaveText(/^\d/);
  // however the numbers wrap, each name stays on the line of its value (at 1280 × 800 'With g = 1'
  // ended a line above its number): checked at every width the numbers get in windows from about
  // 1440 px down to 1024 px, where the line breaks move. The list itself is narrowed, not the window:
  // the wrap depends only on the list's width, and 17 window resizes in a row once left headless
  // Chromium drawing no frame (the next click waited 120 s on its stability check in CI)
  const misplaced = await view.getByTestId('fit-numbers').evaluate((list) => {
    const element = list as unknown as { style: { width: string }; querySelectorAll(selector: string): ArrayLike<{ textContent: string | null; nextElementSibling: unknown; getBoundingClientRect(): { bottom: number } }> };
    const found: string[] = [];
    for (let width = 720; width >= 200; width -= 4) {
      element.style.width = `${width}px`;
      for (const dt of Array.from(element.querySelectorAll('dt'))) {
        const dd = dt.nextElementSibling as { getBoundingClientRect(): { bottom: number } };
        const apart = Math.abs(dt.getBoundingClientRect().bottom - dd.getBoundingClientRect().bottom);
        if (apart > 3) found.push(`${dt.textContent} at ${width} px: ${apart.toFixed(0)} px above its value`);
      }
    }
    element.style.width = '';
    return found;
  });
  expect(misplaced).toEqual([]);
  await expect(view.getByTestId('fit-numbers').locator('dt')).toHaveCount(5);
  await expect(outputError).toHaveText(/^\d/);
  const boundedFitText = (await fitError.textContent())!;
  const fitValue = Number(boundedFitText);
  const outputValue = Number(await outputError.textContent());
  const baselineValue = Number(await view.getByTestId('baseline-fit-error').textContent());
  expect(Number.isFinite(fitValue) && Number.isFinite(outputValue)).toBe(true);
  // neither least squares nor a ridge fit does worse than not combining at all (c = 0 gives the
  // g = 1 output)
  expect(fitValue).toBeLessThanOrEqual(baselineValue * (1 + 1e-3));
  // the coefficients are bounded by default, as in the Fig. 4 experiment: Σ|c| ≤ 2
  await expect(view.getByTestId('fit-combination')).toHaveValue('bounded-coefficients');
  const boundedSum = Number((await view.getByTestId('coefficient-sum').locator('dd').textContent())!.split(' ')[0]);
  expect(boundedSum).toBeLessThanOrEqual(2.0005);
  // plain least squares on request (model-spec §9): its fit is at least as close
  await view.getByTestId('fit-combination').selectOption('least-squares');
  await view.getByTestId('fit-button').click();
  await expect(view.getByTestId('coefficient-sum')).toHaveAttribute('title', 'plain least squares');
  expect(Number(await fitError.textContent())).toBeLessThanOrEqual(fitValue * (1 + 1e-3));
  await view.getByTestId('fit-combination').selectOption('bounded-coefficients');
  await view.getByTestId('fit-button').click();
  // back to the bounded fit: the same numbers as the first time
  await expect(fitError).toHaveText(boundedFitText);
  await expect(view.getByTestId('coefficients')).toHaveAttribute('data-count', '3');
  // each coefficient bar is named by its pattern and its whole target name (the chart as exported:
  // upright bars had every name cut to '1 Gener…')
  const coefficientsSvg = page.waitForEvent('download');
  await view.getByTestId('coefficients').getByRole('button', { name: 'SVG' }).click();
  const svgText = readFileSync((await (await coefficientsSvg).path())!, 'utf8');
  const painted = [...svgText.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
  expect(painted).toEqual(expect.arrayContaining(['1. Generated (seed 11)', '2. Generated (seed 12)', '3. Generated (seed 13)']));
  expect(painted.filter((text) => text.includes('…'))).toEqual([]);
  // plot titles wrap between words, never inside one ('Coeffici|nts' beside the export buttons)
  for (const title of await view.locator('.plot-card h4').all()) {
    // (this file type-checks without DOM types: the browser's document is reached through the element)
    const words = await title.evaluate((h) => {
      const range = (h.ownerDocument as { createRange(): { setStart(n: unknown, i: number): void; setEnd(n: unknown, i: number): void; getBoundingClientRect(): { top: number } } }).createRange();
      const text = h.firstChild!;
      // the line of each character: a word split across lines has characters on two lines
      const split: string[] = [];
      for (const match of (h.textContent ?? '').matchAll(/\S+/g)) {
        const tops = new Set<number>();
        for (let i = match.index!; i < match.index! + match[0].length; i++) {
          range.setStart(text, i);
          range.setEnd(text, i + 1);
          const top = Math.round(range.getBoundingClientRect().top);
          tops.add(top);
        }
        if (tops.size > 1) split.push(match[0]);
      }
      return split;
    });
    expect(words, `title "${await title.textContent()}"`).toEqual([]);
  }
  await expect(view.getByTestId('fit-plot').getByTestId('analysis-plot')).toBeVisible();

  // refine: from the combined gains and from scratch, both curves drawn, with the library's groups
  await expect(view.getByTestId('refine-grouping')).toHaveText(/library’s 4 groups/);
  await view.getByRole('spinbutton', { name: 'Refine trials' }).fill('100');
  await view.getByTestId('refine-button').click();
  const curves = view.getByTestId('refine-curves');
  await expect(curves).toHaveAttribute('data-series', '2', { timeout: 60_000 });
  await expect(curves.getByTestId('refine-combination-error')).toHaveText(/^\d/);
  await expect(curves.getByTestId('refine-scratch-error')).toHaveText(/^\d/);
  await expect(curves).toContainText('from the combination: ', { timeout: 60_000 });
  await expect.poll(async () => (await curves.textContent())?.match(/\(done\)/g)?.length ?? 0, { timeout: 60_000 }).toBe(2);
  // each curve holds its 101 points (iteration 0 = the start) once both are done
  await expect.poll(async () => Number(await curves.getAttribute('data-points')), { timeout: 5_000 }).toBe(202);
  await maybeScreenshot(page, 'primitives', view.getByTestId('fit-plot'));
  expect(pageErrors, pageErrors.join('\n')).toEqual([]);
});

test('a library build survives a page reload: main creates the library when the runs finish', async ({ page }, testInfo) => {
  testInfo.setTimeout(180_000);
  const pageErrors = collectPageErrors(page);
  await newProjectWithSmallNetwork(page);
  await page.getByTestId('open-primitives').click();
  let view = page.getByTestId('primitives-view');
  const builder = view.getByTestId('library-builder');
  await builder.getByRole('spinbutton', { name: 'Number of generated targets' }).fill('2');
  await builder.getByRole('spinbutton', { name: 'First seed of the generated targets' }).fill('21');
  await builder.getByTestId('generate-targets').click();
  await expect(builder.getByTestId('library-target').locator('input:checked')).toHaveCount(2);
  await builder.getByRole('radio', { name: 'Gradient (Adam)' }).click();
  // long enough to reload while the runs are still learning
  await builder.getByRole('spinbutton', { name: 'Iterations' }).fill('12000');
  await builder.getByRole('textbox', { name: 'Library name' }).fill('Survives reload');
  await builder.getByRole('button', { name: 'Build library' }).click();
  await expect(builder.getByTestId('library-build')).toHaveAttribute('data-phase', 'training');

  await page.reload();
  await expect(page.getByTestId('workspace')).toBeVisible();
  await page.getByTestId('open-primitives').click();
  view = page.getByTestId('primitives-view');
  const library = view.getByTestId('library-item').filter({ hasText: 'Survives reload' });
  // not there yet: the runs are still going (the jobs live in main)
  await expect(library).toHaveCount(0);
  await expect(page.getByTestId('job-row').filter({ hasText: 'Survives reload' }).first()).toHaveAttribute('data-status', /queued|running/);
  // ... and it appears without the page asking for it once they have finished
  await expect(library).toHaveCount(1, { timeout: 150_000 });
  await expect(library).toHaveAttribute('data-size', '2');
  expect(pageErrors, pageErrors.join('\n')).toEqual([]);
});
