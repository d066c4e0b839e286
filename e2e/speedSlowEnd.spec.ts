/**
 * The slow-end hint on the selected speed manifold, in the web mode
 * (src-renderer/components/speed/SpeedView.vue, the rule and wording in
 * src-shared/speed/errorSummary.ts slowEndHint): a manifold of the small network (N = 40) learned
 * with far too small a budget (10 speeds to 2×, 2 gradient iterations each) ends much worse at its
 * slow end than at its fast end (1.11T, close to the network's own movement). The hint's numbers
 * are checked against the per-speed errors the outputs plot states (its caption), with the rule
 * applied here: the slowest speed's error > 0.1 and > 5× the fast end's.
 */
import { expect, test } from '@playwright/test';
import { collectPageErrors, fillSmallSpeedManifold, newProjectWithSmallNetwork } from './helpers.js';

test('a manifold whose slow end ended much worse than its fast end says so, with the speeds, errors and what to try', async ({ page }) => {
  test.setTimeout(150_000);
  const pageErrors = collectPageErrors(page);
  await newProjectWithSmallNetwork(page);
  await page.getByTestId('open-speed').click();
  const view = page.getByTestId('speed-view');
  const build = view.getByTestId('speed-build');
  // m = 2, to 2×, gradient, 2 iterations, lr 0.05, 10 groups; and 10 speeds
  await fillSmallSpeedManifold(build, 2);
  await build.getByRole('spinbutton', { name: 'Speeds' }).fill('10');
  await build.getByTestId('speed-start').click();
  await expect(build.getByTestId('speed-job-status')).toHaveText('done', { timeout: 60_000 });

  // the per-speed errors as the outputs plot states them: "… per speed: 1T 0.00, 1.11T 0.0596, …, 2T 0.764."
  const caption = view.locator('[data-plot-id="speed-outputs-ic1"] .caption');
  await expect(caption).toContainText('per speed:');
  const listed = ((await caption.textContent()) ?? '').split('per speed: ')[1].replace(/\.$/, '').split(', ');
  const speeds = listed.map((entry) => {
    const [label, text] = entry.split(' ');
    return { label, text, error: Number(text) };
  });
  expect(speeds).toHaveLength(10);
  const fast = speeds[1];
  const slowest = speeds[speeds.length - 1];
  expect(slowest.error, `slowest ${slowest.text}, fast end ${fast.text}`).toBeGreaterThan(Math.max(0.1, 5 * fast.error));

  const hint = view.getByTestId('manifold-slow-end');
  await expect(hint).toBeVisible();
  await expect(hint).toContainText(`the fast end (${fast.label}) at ${fast.text}: try more iterations per speed.`);
  await expect(hint).toContainText(slowest.label);
  const worst = speeds.slice(1).reduce((a, b) => (b.error > a.error ? b : a));
  await expect(hint).toContainText(worst.text);
  expect(pageErrors).toEqual([]);
});
