/**
 * No long task on the UI thread (issue 11): importing an N = 1000 network (an 8 MB W.npy) and
 * inspecting it — weight map, eigenvalue spectrum, α, prepared initial conditions — never blocks
 * the page for more than 200 ms. The page's long tasks are read with a PerformanceObserver
 * ('longtask' entries: any task over 50 ms) installed before the app's own scripts run.
 */
import { expect, test } from '@playwright/test';
import { encodeNpy } from '../src-shared/formats/npy.js';
import { Rng } from '../src-shared/model/rng.js';
import type { Page } from '@playwright/test';
import { openExample } from './helpers.js';

/**
 * Wait until the element `selector` has an attribute (or, without one, a text) matching `pattern`,
 * read by a plain query in the page every 100 ms.
 */
async function untilInPage(page: Page, selector: string, pattern: RegExp, timeout: number, attribute?: string): Promise<void> {
  await page.waitForFunction(
    (arg) => {
      // (runs in the page: DOM types are not in the e2e tsconfig, hence the cast)
      type Element = { getAttribute(name: string): string | null; textContent: string | null };
      const element = (globalThis as unknown as { document: { querySelector(s: string): Element | null } }).document.querySelector(arg.selector);
      const value = element === null ? null : arg.attribute ? element.getAttribute(arg.attribute) : element.textContent;
      return value !== null && new RegExp(arg.pattern).test(value.trim());
    },
    { selector, pattern: pattern.source, attribute },
    { polling: 100, timeout },
  );
}

const N = 1000;

/** A random Dale's-law network, weights small enough to be stable, with a readout of its E neurons. */
function randomNetworkFiles() {
  const rng = new Rng(1000);
  const nE = N / 2;
  const W = new Float64Array(N * N);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) {
      if (i === j || rng.uniform() > 0.1) continue;
      const w = (0.5 * Math.abs(rng.normal())) / Math.sqrt(0.1 * N);
      W[i * N + j] = j < nE ? w : -w;
    }
  }
  const x0 = Float64Array.from({ length: N }, () => 5 * rng.normal());
  const readout = Float64Array.from({ length: 1 + nE }, (_, k) => (k === 0 ? 0.5 : 0.01 * rng.uniform()));
  const file = (name: string, data: Float64Array, shape: number[]) => ({ name, mimeType: 'application/octet-stream', buffer: Buffer.from(encodeNpy(data, shape)) });
  return { W: file('W.npy', W, [N, N]), x0: file('x0.npy', x0, [N]), readout: file('readout.npy', readout, [1 + nE]) };
}

test('importing and inspecting an N = 1000 network blocks the page for no more than 200 ms at a time', async ({ page }, testInfo) => {
  testInfo.setTimeout(240_000);
  await page.addInitScript(() => {
    // (runs in the page: DOM types are not in the e2e tsconfig, hence the casts)
    type Entry = { startTime: number; duration: number };
    const page = globalThis as unknown as {
      __longTasks: { start: number; duration: number }[];
      PerformanceObserver: new (callback: (list: { getEntries(): Entry[] }) => void) => { observe(options: { type: string; buffered: boolean }): void };
    };
    page.__longTasks = [];
    new page.PerformanceObserver((list) => {
      for (const entry of list.getEntries()) page.__longTasks.push({ start: entry.startTime, duration: entry.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
  await openExample(page);
  const files = randomNetworkFiles();
  const longTasks = () => page.evaluate(() => (globalThis as unknown as { __longTasks: { start: number; duration: number }[] }).__longTasks.slice());

  await page.getByRole('tab', { name: 'Build network' }).click();
  const importer = page.getByTestId('network-import');
  await importer.locator('summary').click();
  await importer.getByTestId('import-w').setInputFiles(files.W);
  await importer.getByTestId('import-x0').setInputFiles(files.x0);
  await importer.getByTestId('import-readout').setInputFiles(files.readout);
  await importer.getByLabel('Name').fill('Random N = 1000');
  // all three picks kept, whichever read finished first (a slow 8 MB read once dropped W)
  await expect(importer.getByText('W.npy · x0.npy · readout.npy')).toBeVisible();
  const mark = async (what: string) => console.log(`  ${what} at ${(await page.evaluate(() => performance.now())).toFixed(0)} ms`);
  // from here on: what opening the example costs, and Playwright's own transfer of the files into
  // the page (setInputFiles decodes 8 MB of base64 on the page's thread), are not the subject
  const from = await page.evaluate(() => performance.now());
  await mark('files chosen');
  await importer.getByRole('button', { name: 'Import network' }).click();
  await mark('import clicked');
  // From here on the waits run a one-line query in the page every 100 ms (untilInPage), not
  // Playwright's expect: every failed expect poll renders an ARIA snapshot of the page on the
  // page's own thread (ariaSnapshotForExpectFailure, 5–40 ms a time, more under load), and those
  // snapshots were counted here as the app's long tasks (a CPU profile of this spec found them in
  // the same tasks as the app's chart updates; a loaded CI machine then measured 334 ms).
  await untilInPage(page, '#project-network option:checked', /^Random N = 1000$/, 60_000);
  await mark('network selected');
  // inspect: the weight map, the spectrum and α (eigenvalues in a worker)
  await untilInPage(page, '[data-testid="network-inspector"] [data-testid="weight-heatmap"]', /^1000$/, 60_000, 'data-n');
  await mark('heatmap');
  await untilInPage(page, '[data-testid="network-inspector"] [data-testid="spectrum-plot"]', /^-?\d/, 180_000, 'data-max-real');
  await mark('spectrum');
  await untilInPage(page, '[data-testid="network-summary"] [data-fact="alpha"]', /^-?\d/, 180_000);
  await mark('alpha');
  // the page stays responsive: a click is answered while nothing else runs
  await page.getByRole('tab', { name: 'Train' }).click();
  await page.getByRole('tab', { name: 'Build network' }).click();
  await untilInPage(page, '[data-testid="network-inspector"] [data-testid="weight-heatmap"]', /^1000$/, 30_000, 'data-n');
  await page.waitForTimeout(500);
  expect(await page.getByTestId('network-import').getByTestId('import-problem').count()).toBe(0);

  const tasks = (await longTasks()).filter((t) => t.start >= from);
  const longest = tasks.reduce((m, t) => Math.max(m, t.duration), 0);
  console.log(`N = ${N} import + inspect: ${tasks.length} long tasks (> 50 ms) on the page, longest ${longest.toFixed(0)} ms: ${tasks.map((t) => `${t.duration.toFixed(0)}@${t.start.toFixed(0)}`).join(', ')}`);
  expect(longest).toBeLessThanOrEqual(200);
});
