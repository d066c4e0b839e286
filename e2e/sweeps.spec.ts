/**
 * Web mode, issue 13 phase 2: a new project with a small network, one training run, saved; the
 * Sweeps view builds a sweep from that run (2 seeds × 2 σ; at 1280 × 800 every factor's name shows
 * whole in its select), shows its plan (times with two significant digits), runs it here as one
 * job (one point per task, "4 of 4 tasks" in the jobs list), and the result stored in the project
 * shows a box plot per factor (drawn, SVG export holding the levels); the folder's Results opens
 * that result instead of storing it twice. Then Export for a cluster downloads a zip holding the
 * sweep file with its factors, the project, the single-file CLI, the sbatch script with its
 * --array line, the plan and a README of the commands to run on a login node; with "seeds together
 * on the cluster" ticked, one array task per group of seeds (--group).
 * A second spec kills its own server in the middle of a sweep (while it runs, the folder list and
 * the progress line count the same finished tasks, and name the running group from 1): a new
 * server finds the sweep's folder, Resume finishes it, and the tasks finished before the kill are
 * not run again.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { expect, test } from '@playwright/test';
import { collectPageErrors, inkedPixels, maybeScreenshot, newProjectWithSmallNetwork, saveAsPath, specTempDir } from './helpers.js';
import { startServer, type ServerProcess } from './server.js';

const root = path.resolve(import.meta.dirname, '..');
const bundle = path.join(root, 'out/cli/gainlab.mjs');
const workDir = specTempDir('e2e-sweeps');

test.beforeAll(async () => {
  // `npm run build` makes the single-file CLI; the specs' own build (electron-vite) does not
  if (!existsSync(bundle)) {
    // @ts-expect-error: a plain .mjs script without types
    const { bundleCli } = (await import('../scripts/bundle-cli.mjs')) as { bundleCli: (file: string) => Promise<unknown> };
    await bundleCli(bundle);
  }
});

test('a sweep built from a run: plan, run here, box plots stored in the project, export for a cluster', async ({ page }) => {
  test.setTimeout(240_000);
  const pageErrors = collectPageErrors(page);
  await newProjectWithSmallNetwork(page);
  // the run the sweep is built from
  await page.getByRole('tab', { name: 'Train gains' }).click();
  await page.getByRole('spinbutton', { name: 'Trials' }).fill('100');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByTestId('open-runs')).toHaveText('Runs (1)…', { timeout: 60_000 });
  const projectFile = path.join(workDir(), 'sweep project.gainlab');
  await saveAsPath(page, projectFile);

  await page.getByTestId('open-sweeps').click();
  const view = page.getByTestId('sweeps');
  await expect(view).toBeVisible();
  // the sweep built from the run (seeds 1-4) is on its way to a plan: the panel says so at once,
  // not 'Build a sweep to see its plan.' while the plan waits for typing to pause
  await expect(page.getByTestId('sweep-task-count')).toHaveText('4 tasks');
  expect(await page.getByTestId('sweep-plan').innerText()).not.toContain('Build a sweep');
  // the base is the stored run
  await expect(page.getByTestId('sweep-base')).toContainText('SOC network N = 40');
  await page.getByLabel('Sweep name').fill('seeds-by-sigma');
  await page.getByLabel('Trials per task').fill('150');
  const seeds = page.locator('[data-testid="sweep-factor"][data-factor="seed"]');
  await seeds.getByTestId('sweep-factor-values').fill('1-2');
  // a typo is one line, right under the factor
  await page.getByTestId('sweep-add-factor').selectOption('sigma');
  const sigma = page.locator('[data-testid="sweep-factor"][data-factor="sigma"]');
  await sigma.getByTestId('sweep-factor-values').fill('0.001, 0.00x');
  await expect(sigma.getByTestId('sweep-factor-problem')).toHaveText("sigma: '0.00x' is not a number");
  await expect(page.getByTestId('sweep-run')).toBeDisabled();
  await sigma.getByTestId('sweep-factor-values').fill('0.001, 0.004');
  await expect(page.getByTestId('sweep-task-count')).toHaveText('4 tasks');
  // at 1280 × 800 every factor's name shows whole in its select ('initial conditions m' was cut at
  // 130 px), all in one column as wide as the longest
  await page.setViewportSize({ width: 1280, height: 800 });
  const added = ['initialConditions', 'learningRate', 'soc', 'alpha', 'rule', 'trials', 'targets', 'groups'];
  for (const name of added) await page.getByTestId('sweep-add-factor').selectOption(name);
  const factorSelects = page.getByTestId('sweep-factor').locator('select');
  await expect(factorSelects).toHaveCount(10);
  const shown = await factorSelects.evaluateAll((nodes) => {
    // (this file type-checks without DOM types: the elements as far as this needs them)
    type Select = { selectedOptions: Array<{ text: string }>; clientWidth: number; ownerDocument: { createElement(tag: 'canvas'): { getContext(kind: '2d'): { font: string; measureText(text: string): { width: number } } } } };
    return (nodes as unknown as Select[]).map((select) => {
      const style = (globalThis as unknown as { getComputedStyle(el: unknown): { font: string; paddingLeft: string; paddingRight: string } }).getComputedStyle(select);
      const context = select.ownerDocument.createElement('canvas').getContext('2d');
      context.font = style.font;
      const text = select.selectedOptions[0].text;
      // the room for the text: the box less its padding and the arrow (~20 px)
      const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 20;
      return { text, textWidth: Math.ceil(context.measureText(text).width), room, width: select.clientWidth };
    });
  });
  for (const select of shown) expect(select.textWidth, `“${select.text}” in a select of ${select.width} px`).toBeLessThanOrEqual(select.room);
  expect(new Set(shown.map((select) => select.width)).size).toBe(1);
  expect(shown.map((select) => select.text)).toContain('initial conditions m');
  // name, trials and seed on one line (the two number fields were ~190 px wide: three lines)
  const tops = await Promise.all(['Sweep name', 'Trials per task', 'Base seed'].map(async (label) => Math.round((await page.getByLabel(label).boundingBox())!.y)));
  expect(Math.max(...tops) - Math.min(...tops), `tops ${tops.join(', ')}`).toBeLessThanOrEqual(2);
  for (const name of added) await page.locator(`[data-testid="sweep-factor"][data-factor="${name}"]`).getByRole('button', { name: /^Remove factor/ }).click();
  await expect(page.getByTestId('sweep-task-count')).toHaveText('4 tasks');
  // the plan: main timed a few trials
  await expect(page.getByTestId('sweep-plan-tasks')).toHaveText('4', { timeout: 30_000 });
  await expect(page.getByTestId('sweep-plan-cluster')).toContainText('array 0-3%4');
  await expect(page.getByTestId('sweep-plan-here')).toContainText('; 4 tasks train in groups of seeds');
  // times with two significant digits below 10 of a unit (0.6 ms, 1.6 ms, 43 ms), never '0.6048 ms'
  for (const id of ['sweep-plan-measured', 'sweep-plan-cpu', 'sweep-plan-here', 'sweep-plan-cluster']) {
    const text = await page.getByTestId(id).innerText();
    const times = [...text.matchAll(/(\d+(?:\.\d+)?) (ms|s|min|h)\b/g)].map((m) => m[1]);
    expect(times.length, `${id}: ${text}`).toBeGreaterThan(0);
    for (const time of times) expect(Number(time) >= 10 ? /^\d+$/.test(time) : time.replace(/^0\.0*/, '').replace('.', '').length <= 2, `${id}: ${time} in “${text}”`).toBe(true);
  }

  const started = Date.now();
  await page.getByTestId('sweep-run').click();
  await expect(page.getByTestId('sweep-progress')).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
  const seconds = (Date.now() - started) / 1000;
  console.log(`sweep of 4 tasks (N = 40, 150 trials) run here: ${seconds.toFixed(1)} s from click to done`);
  test.info().annotations.push({ type: 'run here, 4 tasks', description: `${seconds.toFixed(1)} s` });
  await expect(page.getByTestId('sweep-progress-count')).toHaveText('4 of 4 tasks');
  const sweepJob = page.getByTestId('job-row').filter({ hasText: 'Sweep “seeds-by-sigma” (4 tasks)' }).first();
  await expect(sweepJob).toBeVisible();
  // its tasks finished of all, not a single best error (a sweep has one per task)
  await expect(sweepJob.getByTestId('job-step')).toHaveText('4 of 4 tasks');
  await expect(sweepJob.getByTestId('job-value')).toHaveCount(0);

  // the result is stored in the project; its box plots per factor are drawn
  const result = page.getByTestId('sweep-result');
  await expect(result).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('sweep-result-pick')).toContainText('Sweep “seeds-by-sigma” (4 tasks)');
  // the results' heading keeps its line and its picker stays inside the column at 1280 × 800
  const heading = page.getByTestId('sweep-results').locator('.result-head');
  const headingBox = (await heading.boundingBox())!;
  const pickBox = (await page.getByTestId('sweep-result-pick').boundingBox())!;
  expect(pickBox.x + pickBox.width).toBeLessThanOrEqual(headingBox.x + headingBox.width + 0.5);
  expect((await heading.locator('h4').boundingBox())!.height).toBeLessThan(24);
  // the results table at 1280 × 800: every value shows whole, none cut by its cell or hidden past
  // the table's box (it was squeezed into the plots' column: 19 columns in ~300 px)
  const resultTable = page.getByTestId('sweep-results').getByTestId('experiment-table');
  await expect(resultTable).toContainText('4 rows');
  const cutInTable = await resultTable.evaluate((card) => {
    type Box = { scrollWidth: number; clientWidth: number; textContent: string | null; getBoundingClientRect(): { left: number; right: number } };
    const el = card as unknown as Box & { querySelector(s: string): Box; querySelectorAll(s: string): ArrayLike<Box> };
    const box = el.querySelector('.scroll');
    const edge = box.getBoundingClientRect();
    const problems: string[] = [];
    if (box.scrollWidth > box.clientWidth + 1) problems.push(`table ${box.scrollWidth} px in a box of ${box.clientWidth} px`);
    for (const cell of Array.from(el.querySelectorAll('th, td'))) {
      const own = cell.getBoundingClientRect();
      if (cell.scrollWidth > cell.clientWidth + 1 || own.right > edge.right + 1) problems.push(`“${cell.textContent}”`);
    }
    return problems;
  });
  expect(cutInTable, 'cut in the sweep results table at 1280 × 800').toEqual([]);
  await page.setViewportSize({ width: 1440, height: 900 });
  const bySigma = result.locator('[data-plot-id="final-error-by-sigma"]');
  const bySeed = result.locator('[data-plot-id="final-error-by-seed"]');
  await expect(bySigma).toBeVisible();
  await expect(bySeed).toBeVisible();
  await expect(result.locator('[data-plot-id="median-final-error-by-sigma"]')).toContainText('one line per seed');
  await expect.poll(() => inkedPixels(bySigma), { timeout: 10_000 }).toBeGreaterThan(500);
  await expect(page.getByTestId('experiment-table').first()).toContainText('4 rows');
  // the box plot exports as SVG naming its levels
  const svgDownload = page.waitForEvent('download');
  await bySigma.getByRole('button', { name: 'SVG' }).click();
  const svg = readFileSync((await (await svgDownload).path())!, 'utf8');
  expect(svg).toContain('<svg');
  expect(svg).toContain('0.001');
  expect(svg).toContain('0.004');
  // the sweep's folder is listed next to the project, complete
  const folder = page.locator('[data-testid="sweep-folder"][data-name="seeds-by-sigma"]');
  await expect(folder).toContainText('4/4');
  // its Results are the job's, stored already: opened, said in one line, not stored a second time
  await folder.getByRole('button', { name: 'Results' }).click();
  await expect(page.getByTestId('toast').filter({ hasText: 'is in the project already as “Sweep “seeds-by-sigma” (4 tasks)”: opened it.' })).toBeVisible();
  await expect(page.getByTestId('sweep-result-pick').locator('option')).toHaveText(['Sweep “seeds-by-sigma” (4 tasks)']);
  // Run here again: every task is finished already, so the job runs none and stores nothing
  await page.getByTestId('sweep-run').click();
  await expect(page.getByTestId('toast').filter({ hasText: 'Every task of “seeds-by-sigma” was finished already: nothing new to store' })).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('sweep-progress-count')).toHaveText('4 of 4 tasks');
  await expect(page.getByTestId('sweep-result-pick').locator('option')).toHaveText(['Sweep “seeds-by-sigma” (4 tasks)']);
  await maybeScreenshot(page, 'sweeps-view');

  // export for a cluster
  const zipDownload = page.waitForEvent('download');
  await page.getByTestId('sweep-export').click();
  const download = await zipDownload;
  expect(download.suggestedFilename()).toBe('seeds-by-sigma-cluster.zip');
  const bytes = new Uint8Array(readFileSync((await download.path())!));
  console.log(`cluster export: ${(bytes.length / 1024).toFixed(0)} kB`);
  test.info().annotations.push({ type: 'export zip size', description: `${bytes.length} bytes` });
  const files = unzipSync(bytes);
  const top = 'seeds-by-sigma';
  const sweepsDir = `${top}/sweep_project.sweeps`;
  expect(Object.keys(files).sort()).toEqual(
    [
      `${top}/README.txt`,
      `${top}/gainlab.mjs`,
      `${top}/sweep project.gainlab`,
      `${sweepsDir}/seeds-by-sigma.sweep.json`,
      `${sweepsDir}/seeds-by-sigma/sweep.json`,
      `${sweepsDir}/seeds-by-sigma/plan.json`,
      `${sweepsDir}/seeds-by-sigma/sweep.sbatch`,
      `${sweepsDir}/seeds-by-sigma/logs/README.txt`,
    ].sort(),
  );
  // the single-file CLI, as built
  expect(files[`${top}/gainlab.mjs`].length).toBe(readFileSync(bundle).length);
  // the sweep file: its base is the run's network and target, its factors what was typed
  const sweep = JSON.parse(strFromU8(files[`${sweepsDir}/seeds-by-sigma.sweep.json`]));
  expect(sweep).toMatchObject({ schemaVersion: 1, name: 'seeds-by-sigma', design: 'grid', factors: { sigma: [0.001, 0.004], seed: [1, 2] } });
  expect(sweep.base).toMatchObject({ trials: 150, source: { project: '../sweep project.gainlab' } });
  // the sbatch script: one array task per sweep task
  const script = strFromU8(files[`${sweepsDir}/seeds-by-sigma/sweep.sbatch`]);
  expect(script).toContain('#SBATCH --array=0-3%4');
  expect(script).toContain('node gainlab.mjs sweep run sweep_project.sweeps/seeds-by-sigma.sweep.json --out sweep_project.sweeps/seeds-by-sigma');
  const plan = JSON.parse(strFromU8(files[`${sweepsDir}/seeds-by-sigma/plan.json`]));
  expect(plan.tasks).toHaveLength(4);
  expect(strFromU8(files[`${top}/README.txt`])).toContain('node gainlab.mjs sweep slurm sweep_project.sweeps/seeds-by-sigma.sweep.json --out sweep_project.sweeps/seeds-by-sigma --submit');
  // the project in the zip is a GainLab project file holding the run
  const project = JSON.parse(strFromU8(unzipSync(files[`${top}/sweep project.gainlab`])['project.json']));
  expect(project.runs).toHaveLength(1);

  // with "seeds together on the cluster": one array task per σ, its two seeds trained together
  await page.getByTestId('sweep-export-together').check();
  const groupedDownload = page.waitForEvent('download');
  await page.getByTestId('sweep-export').click();
  const grouped = unzipSync(new Uint8Array(readFileSync((await (await groupedDownload).path())!)));
  const groupedScript = strFromU8(grouped[`${sweepsDir}/seeds-by-sigma/sweep.sbatch`]);
  expect(groupedScript).toContain('#SBATCH --array=0-1%2');
  expect(groupedScript).toContain('--jobs 1 --group "$TASK"');
  expect(JSON.parse(strFromU8(grouped[`${sweepsDir}/seeds-by-sigma/plan.json`])).arrayTasks).toHaveLength(2);

  expect(pageErrors).toEqual([]);
});

test('a sweep whose server is killed mid-way resumes on the next server without rerunning finished tasks', async ({ page }) => {
  test.setTimeout(240_000);
  const configDir = path.join(workDir(), 'config-killed');
  const servers: ServerProcess[] = [];
  try {
    const first = await startServer({ GAINLAB_CONFIG_DIR: configDir });
    servers.push(first);
    await newProjectWithSmallNetwork(page, first.url);
    await page.getByRole('tab', { name: 'Train gains' }).click();
    await page.getByRole('spinbutton', { name: 'Trials' }).fill('50');
    await page.getByRole('spinbutton', { name: 'Sessions' }).fill('1');
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await expect(page.getByTestId('open-runs')).toHaveText('Runs (1)…', { timeout: 60_000 });
    const projectFile = path.join(workDir(), 'killed.gainlab');
    await saveAsPath(page, projectFile);

    await page.getByTestId('open-sweeps').click();
    await page.getByLabel('Sweep name').fill('long');
    // long enough tasks (N = 40: ~0.5 ms a trial) that the kill falls in the middle
    await page.getByLabel('Trials per task').fill('3000');
    // two seeds of each σ train together (tasks that differ only in seed): four groups of two
    await page.locator('[data-testid="sweep-factor"][data-factor="seed"]').getByTestId('sweep-factor-values').fill('1-2');
    await page.getByTestId('sweep-add-factor').selectOption('sigma');
    await page.locator('[data-testid="sweep-factor"][data-factor="sigma"]').getByTestId('sweep-factor-values').fill('0.001, 0.002, 0.003, 0.004');
    await expect(page.getByTestId('sweep-plan-tasks')).toHaveText('8', { timeout: 30_000 });
    await page.getByTestId('sweep-run').click();
    const tasksDir = path.join(workDir(), 'killed.sweeps', 'long', 'tasks');
    const finished = () => (existsSync(tasksDir) ? readdirSync(tasksDir).filter((name) => !name.startsWith('.')) : []);
    await expect.poll(() => finished().length, { timeout: 120_000 }).toBeGreaterThanOrEqual(2);
    // while it runs, the folder list counts what the job has finished, as the progress line does
    // (it read 0/8 beside '2 of 8 tasks': the list is read when a job starts or ends)
    // (quick checks: the kill must fall in the middle of the sweep)
    const quick = { timeout: 3000 };
    await expect(page.getByTestId('sweep-progress-count')).toHaveText(/^[2-8] of 8 tasks$/, quick);
    await expect(page.locator('[data-testid="sweep-folder"][data-name="long"]').getByTestId('sweep-folder-count')).toHaveText(/^[2-8]\/8$/, quick);
    // the running group, numbered from 1 ('tasks 3, 4/8, together' before)
    await expect(page.getByTestId('sweep-progress')).toContainText(/tasks [1-8]–[2-8] of 8, together|8 run/, quick);
    await first.kill();
    const before = new Map(finished().map((id) => [id, statSync(path.join(tasksDir, id, 'result.json')).mtimeMs]));
    expect(before.size).toBeLessThan(8);

    const second = await startServer({ GAINLAB_CONFIG_DIR: configDir });
    servers.push(second);
    await page.goto(second.url);
    await expect(page.getByTestId('welcome')).toBeVisible();
    await page.keyboard.press('Control+O');
    await page.getByTestId('open-path').fill(projectFile);
    await page.getByTestId('open-dialog').getByRole('button', { name: 'Open', exact: true }).click();
    await page.getByTestId('open-sweeps').click();
    const folder = page.locator('[data-testid="sweep-folder"][data-name="long"]');
    await expect(folder).toContainText(`${before.size}/8`);
    await folder.getByRole('button', { name: 'Resume' }).click();
    await expect(page.getByTestId('sweep-progress')).toHaveAttribute('data-status', 'done', { timeout: 180_000 });
    await expect(page.getByTestId('sweep-progress')).toContainText(`${8 - before.size} run, ${before.size} already done`);
    await expect(folder).toContainText('8/8');
    // the tasks finished before the kill were left as they were
    for (const [id, mtime] of before) expect(statSync(path.join(tasksDir, id, 'result.json')).mtimeMs, id).toBe(mtime);
    expect(finished()).toHaveLength(8);
  } finally {
    for (const server of servers) await server.stop();
  }
});
