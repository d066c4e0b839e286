/**
 * Web mode at a laptop's 1280×800: the primitives view's small number fields
 * (src-renderer/components/primitives/PrimitivesView.vue) are as wide as their numbers need. The
 * ridge δ beside Fit and the refinement's iterations and seed stretched to 150–180 px (their width
 * rule did not reach the input inside NumberField), pushing Fit and Refine along their rows.
 */
import { expect, test } from '@playwright/test';
import { collectPageErrors, newProjectWithSmallNetwork } from './helpers.js';

test.use({ viewport: { width: 1280, height: 800 } });

test('at 1280×800 the ridge, iterations and seed fields of Fit and Refine are narrow', async ({ page }) => {
  test.setTimeout(150_000);
  const pageErrors = collectPageErrors(page);
  await newProjectWithSmallNetwork(page);
  await page.getByTestId('open-primitives').click();
  const view = page.getByTestId('primitives-view');
  const width = async (name: string) => (await view.getByRole('spinbutton', { name, exact: true }).boundingBox())!.width;
  // the δ field shows when a fixed ridge is chosen (the default bounds the coefficients)
  await expect(view.getByRole('spinbutton', { name: 'Ridge penalty', exact: true })).toHaveCount(0);
  await view.getByTestId('fit-combination').selectOption('ridge');
  expect(await width('Ridge penalty')).toBeLessThanOrEqual(80);
  await view.getByTestId('fit-combination').selectOption('bounded-coefficients');

  // a two-pattern library and a fit, so the Refine form shows
  const builder = view.getByTestId('library-builder');
  await builder.getByRole('spinbutton', { name: 'Number of generated targets' }).fill('2');
  await builder.getByTestId('generate-targets').click();
  await expect(builder.getByTestId('library-target').locator('input:checked')).toHaveCount(2);
  await builder.getByRole('spinbutton', { name: 'Iterations' }).fill('20');
  await builder.getByRole('button', { name: 'Build library' }).click();
  await expect(builder.getByTestId('library-build')).toHaveAttribute('data-phase', 'done', { timeout: 60_000 });
  await view.getByTestId('fit-button').click();
  await expect(view.getByTestId('fit-error')).toHaveText(/^\d/);
  expect(await width('Refine trials')).toBeLessThanOrEqual(90);
  expect(await width('Refine seed')).toBeLessThanOrEqual(90);
  expect(pageErrors, pageErrors.join('\n')).toEqual([]);
});
