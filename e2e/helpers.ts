/** Shared bits of the web-mode specs. */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { removeTempDir, tempDir } from '../tests/helpers/tempDirs.js';

export function appUrl(): string {
  const url = process.env.GAINLAB_E2E_URL;
  if (!url) throw new Error('GAINLAB_E2E_URL is not set: run the specs through playwright.config.ts (its globalSetup starts the server)');
  return url;
}

/**
 * A temp folder gainlab-PREFIX-XXXXXX for one spec file: made when a test first asks for it,
 * removed after the file's tests (and after the afterAll hooks declared before this call, e.g.
 * ones that stop the file's servers). Not made at load time: Playwright's runner imports every spec
 * to list its tests, and nothing would remove a folder made there.
 */
export function specTempDir(prefix: string): () => string {
  let dir: string | undefined;
  test.afterAll(() => {
    if (dir) removeTempDir(dir);
    dir = undefined;
  });
  return () => (dir ??= tempDir(prefix));
}

/** Console errors and uncaught exceptions of a page (CSP violations show up here). */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  // with its stack: a page error from a library's animation frame names no chart otherwise
  page.on('pageerror', (error) => errors.push(error.stack ?? error.message));
  return errors;
}

/** How many error points the live error curve has drawn. */
export async function drawnPoints(curve: Locator): Promise<number> {
  return Number((await curve.getAttribute('data-points')) ?? '0');
}

/**
 * Load the app and end on the welcome screen (main may still have a project open from a previous
 * spec); `url` for a spec's own server (default the shared one).
 */
export async function gotoWelcome(page: Page, url = appUrl()): Promise<void> {
  await page.goto(url);
  const welcome = page.getByTestId('welcome');
  // the app has asked main for its open project and jobs; the workspace shows if one is open
  await expect(page.locator('.app[data-ready="true"]')).toBeAttached();
  if (await page.getByTestId('workspace').isVisible()) {
    await page.getByRole('button', { name: 'Close', exact: true }).click();
    // a previous spec may have left running jobs (Close asks: cancel them) and unsaved changes
    // (Close asks: don't save; issue 4)
    const unsaved = page.getByTestId('unsaved-dialog');
    const running = page.getByTestId('confirm-dialog');
    for (let step = 0; step < 3; step++) {
      await expect(welcome.or(unsaved).or(running)).toBeVisible();
      if (await running.isVisible()) await running.getByTestId('confirm-cancel-jobs').click();
      else if (await unsaved.isVisible()) await unsaved.getByRole('button', { name: "Don't save" }).click();
      else break;
    }
  }
  await expect(welcome).toBeVisible();
}

export async function openExample(page: Page): Promise<void> {
  await gotoWelcome(page);
  await page.getByRole('button', { name: 'Open example project' }).click();
  await expect(page.getByTestId('workspace')).toBeVisible();
  // the baseline simulation has answered once the error with g = 1 is a number
  await expect(page.getByTestId('baseline-error')).toHaveText(/^\d/);
}

/**
 * A new project with a generated target and a small SOC network (N = 40, adaptive recipe: about a
 * second) added with its readout fitted to that target: the start of the primitives and speed specs.
 */
export async function newProjectWithSmallNetwork(page: Page, url = appUrl()): Promise<void> {
  await gotoWelcome(page, url);
  await page.getByRole('button', { name: 'New project' }).click();
  await expect(page.getByTestId('workspace')).toBeVisible();
  await page.getByRole('button', { name: 'Draw target…' }).click();
  await page.getByTestId('target-editor').getByRole('button', { name: 'Generate' }).click();
  await page.getByRole('button', { name: 'Add to project' }).click();
  await buildSmallNetwork(page);
  await addBuiltNetwork(page);
}

/** Build a small SOC network (N = 40, adaptive recipe) on the Build network tab, until it can be added. */
export async function buildSmallNetwork(page: Page): Promise<void> {
  await page.getByRole('tab', { name: 'Build network' }).click();
  await page.getByLabel('Neurons N').fill('40');
  await page.getByLabel('Recipe').selectOption('adaptive');
  await page.getByRole('button', { name: 'Build', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Add network to project' })).toBeVisible({ timeout: 60_000 });
}

/** Add the built network to the project (its readout fitted to the target). */
export async function addBuiltNetwork(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Add network to project' }).click();
  await expect(page.getByTestId('network-summary').locator('[data-fact="n"]')).toHaveText('40');
}

/**
 * Press and drag across the target editor's plot: a stroke from left to right through a bump.
 * Positions are fractions of the canvas box: x from `x0` to `x1` at height `y`, rising by
 * `bump` of the box height in the middle, in `steps` mouse moves.
 */
export async function drawStroke(page: Page, stroke: { x0: number; x1: number; y: number; bump: number; steps: number }): Promise<void> {
  const canvas = page.getByTestId('editor-canvas');
  const box = await canvas.boundingBox();
  if (!box) throw new Error('the editor canvas has no box');
  const x0 = box.x + box.width * stroke.x0;
  const x1 = box.x + box.width * stroke.x1;
  const yMid = box.y + box.height * stroke.y;
  await page.mouse.move(x0, yMid);
  await page.mouse.down();
  for (let i = 1; i <= stroke.steps; i++) {
    const t = i / stroke.steps;
    await page.mouse.move(x0 + (x1 - x0) * t, yMid - Math.sin(Math.PI * t) * box.height * stroke.bump);
  }
  await page.mouse.up();
}

/** Non-white pixels of the first canvas in a plot card (ECharts has drawn something). */
export async function inkedPixels(card: Locator): Promise<number> {
  // the spec is type-checked without DOM types: the canvas as far as this needs it
  type Canvas2d = { width: number; height: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } | null };
  return card.locator('canvas').first().evaluate((node) => {
    const canvas = node as unknown as Canvas2d;
    const context = canvas.getContext('2d');
    if (!context || canvas.width === 0 || canvas.height === 0) return 0;
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
    let count = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 0 && (data[i] < 240 || data[i + 1] < 240 || data[i + 2] < 240)) count++;
    return count;
  });
}

/** Save As… to a typed path (the web-mode dialog) and wait until the project is bound to it. */
export async function saveAsPath(page: Page, file: string): Promise<void> {
  await page.keyboard.press('Control+Shift+S');
  const dialog = page.getByTestId('save-dialog');
  await expect(dialog).toBeVisible();
  await dialog.getByLabel('File').fill(file);
  await dialog.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('project-path')).toHaveAttribute('data-path', file);
}

/**
 * Save As… `file` (the project is then not dirty), close it with no job left — as after restarting
 * the app: jobs end with main — and open the file again.
 */
export async function saveCloseAndReopen(page: Page, file: string): Promise<void> {
  await saveAsPath(page, file);
  await expect(page.getByTestId('project-name')).not.toContainText('•');
  await page.getByTestId('jobs-clear-finished').click();
  await expect(page.getByTestId('jobs-clear-finished')).toHaveCount(0);
  await page.getByRole('button', { name: 'Close', exact: true }).click();
  await expect(page.getByTestId('welcome')).toBeVisible();
  await page.getByRole('button', { name: 'Open…', exact: true }).click();
  const open = page.getByTestId('open-dialog');
  await open.getByTestId('open-path').fill(file);
  await open.getByRole('button', { name: 'Open', exact: true }).click();
  await expect(page.getByTestId('project-path')).toHaveAttribute('data-path', file);
}

/**
 * A README picture (docs/screenshots/NAME.png, the 1440×900 viewport) at the end of a spec, only
 * when GAINLAB_UPDATE_SCREENSHOTS=1: toasts dismissed, `top` (if given) scrolled to the top of its
 * scrolling container, the mouse moved away so no tooltip shows.
 */
export async function maybeScreenshot(page: Page, name: string, top?: Locator): Promise<void> {
  if (process.env.GAINLAB_UPDATE_SCREENSHOTS !== '1') return;
  const toasts = page.getByTestId('toast');
  while ((await toasts.count()) > 0) await toasts.first().getByRole('button', { name: 'Dismiss' }).click();
  if (top) await top.evaluate((node) => (node as unknown as { scrollIntoView(options: object): void }).scrollIntoView({ block: 'start' }));
  await page.mouse.move(0, 0);
  // charts redraw on a throttle after a scroll or resize
  await page.waitForTimeout(600);
  const dir = path.resolve(import.meta.dirname, '..', 'docs/screenshots');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`) });
}

/**
 * The speed view's build form for a small manifold: m = 2 initial conditions, 3 speeds up to 2×
 * slower, gradient with `iterations` per speed, 10 groups (the speed and visual specs).
 */
export async function fillSmallSpeedManifold(build: Locator, iterations: number): Promise<void> {
  await build.getByRole('spinbutton', { name: 'Initial conditions m' }).fill('2');
  await build.getByRole('spinbutton', { name: 'Speeds' }).fill('3');
  await build.getByRole('spinbutton', { name: 'Slowest factor' }).fill('2');
  await build.getByLabel('Rule').selectOption('gradient');
  await build.getByRole('spinbutton', { name: 'Iterations per speed' }).fill(String(iterations));
  await build.getByRole('spinbutton', { name: 'Learning rate' }).fill('0.05');
  await build.getByRole('spinbutton', { name: 'Groups G' }).fill('10');
}

/** A new project with the small network, the speed view open, and a small manifold (fillSmallSpeedManifold) learned: the speed view. */
export async function learnSmallSpeedManifold(page: Page, iterations: number): Promise<Locator> {
  await newProjectWithSmallNetwork(page);
  await page.getByTestId('open-speed').click();
  const view = page.getByTestId('speed-view');
  const build = view.getByTestId('speed-build');
  await fillSmallSpeedManifold(build, iterations);
  await build.getByTestId('speed-start').click();
  await expect(build.getByTestId('speed-job-status')).toHaveText('done', { timeout: 60_000 });
  return view;
}

/** Train with the reward rule on the open project's selection (trials per session, seed, sessions) until the run is stored. */
export async function trainStoredRewardRun(page: Page, settings: { trials: number; seed: number; sessions: number }): Promise<void> {
  await page.getByRole('spinbutton', { name: 'Trials' }).fill(String(settings.trials));
  await page.getByRole('spinbutton', { name: 'Seed' }).fill(String(settings.seed));
  await page.getByRole('spinbutton', { name: 'Sessions' }).fill(String(settings.sessions));
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByTestId('run-state')).toHaveText('Done', { timeout: 120_000 });
  await expect(page.getByTestId('run-stored')).toBeVisible();
}
