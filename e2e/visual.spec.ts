/**
 * Every view at 1280×800 and 1920×1080 (issue 14): welcome, editor, workspace, network, analyses,
 * primitives, speed, experiments, runs, help. At each, a screenshot
 * (docs/screenshots/<W>x<H>-<view>.png with GAINLAB_UPDATE_SCREENSHOTS=1, else test-results/visual) and
 * one audit of the page as drawn:
 *  - every shown axis of every chart has a title, and no tick label ECharts formatted is longer
 *    than 8 characters (read through the chart instance: the labels it actually draws);
 *  - no text is cut without a tooltip: an element whose own text overflows a hidden-overflow box
 *    (scrollWidth > clientWidth), or a select whose shown option is wider than its box, has a
 *    title (its own or its nearest titled ancestor's) that holds the full text;
 *  - no toast overlaps a chart's axis area, and at most three show.
 * Plus the two live-plot behaviours: the movement editor's y range stays put between strokes, and
 * the speed slider's y axis does not move while dragging. Small network (N = 40), short runs.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { addBuiltNetwork, buildSmallNetwork, collectPageErrors, drawStroke, fillSmallSpeedManifold, gotoWelcome, openExample } from './helpers.js';

const SIZES = [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
];
const root = path.resolve(import.meta.dirname, '..');
const shots = process.env.GAINLAB_UPDATE_SCREENSHOTS === '1' ? path.join(root, 'docs/screenshots') : path.join(root, 'test-results/visual');

/**
 * The audit, run in the page (plain JS: the spec is type-checked without DOM types). Returns
 * one line per problem.
 */
const AUDIT = String.raw`(() => {
  const problems = [];
  const axisAreas = [];
  const chartOf = globalThis.__gainlabChartOf;
  const nameOf = (el) => {
    const holder = el.closest('[data-plot-id]') || el.closest('[data-testid]');
    return holder ? (holder.getAttribute('data-plot-id') || holder.getAttribute('data-testid')) : 'chart';
  };
  for (const el of document.querySelectorAll('[_echarts_instance_]')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || !chartOf) continue;
    const chart = chartOf(el);
    if (!chart) continue;
    const option = chart.getOption();
    if (!option.series || option.series.length === 0) continue; // the empty placeholder chart
    const label = nameOf(el);
    const model = chart.getModel();
    // a series painted over several frames (ECharts' progressive rendering) throws if its chart
    // is disposed before the last frame ('layerStack' of null): every series paints in one frame
    model.eachSeries((series) => {
      const context = series.pipelineContext;
      if (context && context.progressiveRender) problems.push(label + ': series "' + series.name + '" (' + series.type + ', ' + series.getData().count() + ' items) is painted progressively');
    });
    for (const dim of ['xAxis', 'yAxis']) {
      model.eachComponent(dim, (axisModel, index) => {
        if (axisModel.get('show') === false) return;
        const name = axisModel.get('name');
        if (!name || !String(name).trim()) problems.push(label + ': ' + dim + '[' + index + '] has no title');
        const axis = axisModel.axis;
        if (!axis || !axis.getViewLabels) return;
        for (const tick of axis.getViewLabels()) {
          const text = String(tick.formattedLabel ?? '');
          if (text.length > 8) problems.push(label + ': ' + dim + '[' + index + '] tick "' + text + '" is longer than 8 characters');
        }
      });
    }
    // the legend as drawn (its view's box in the chart's pixels) stays clear of the plot area
    // (ten sessions' names once wrapped into rows over the workspace's error curves)
    const legendModel = model.getComponent('legend');
    const legendView = legendModel && legendModel.get('show') !== false && chart.getViewOfComponentModel ? chart.getViewOfComponentModel(legendModel) : null;
    const legendBox = legendView && legendView.group && legendView.group.children().length > 0 ? (() => {
      const g = legendView.group;
      g.updateTransform();
      const r = g.getBoundingRect().clone();
      const m = g.getComputedTransform();
      if (m) r.applyTransform(m);
      return r;
    })() : null;
    model.eachComponent('grid', (gridModel) => {
      const system = gridModel.coordinateSystem;
      if (!system || !system.getRect) return;
      const g = system.getRect();
      if (legendBox && legendBox.width > 0 && legendBox.x < g.x + g.width && legendBox.x + legendBox.width > g.x && legendBox.y + legendBox.height > g.y + 2 && legendBox.y < g.y + g.height) {
        problems.push(label + ': the legend (' + Math.round(legendBox.width) + '×' + Math.round(legendBox.height) + ' px at y ' + Math.round(legendBox.y) + ') overlaps the plot area (from y ' + Math.round(g.y) + ')');
      }
      // the plot area and its tick labels: left of it (y ticks) and below it (x ticks)
      axisAreas.push({ label, left: box.left + g.x - 48, top: box.top + g.y, right: box.left + g.x + g.width, bottom: box.top + g.y + g.height + 24 });
    });
  }

  const squash = (text) => (text || '').replace(/\s+/g, ' ').trim();
  const titleHolding = (el, text) => {
    for (let node = el; node && node !== document.body; node = node.parentElement) {
      const title = node.getAttribute && node.getAttribute('title');
      if (title) return squash(title).includes(text) ? title : null;
    }
    return null;
  };
  const probe = document.createElement('span');
  probe.style.cssText = 'position:absolute;visibility:hidden;white-space:pre;left:-10000px;top:0';
  document.body.appendChild(probe);
  for (const el of document.querySelectorAll('body *')) {
    if (el === probe || el.closest('svg') || el.tagName === 'CANVAS' || el.closest('[_echarts_instance_]')) continue;
    const box = el.getBoundingClientRect();
    // not drawn, or a screen-reader-only text (a 1 px clipped box)
    if (box.width <= 2 || box.height <= 2) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden') continue;
    if (el.tagName === 'SELECT') {
      const text = squash(el.selectedOptions[0] ? el.selectedOptions[0].text : '');
      if (!text) continue;
      probe.style.font = style.font;
      probe.textContent = text;
      const room = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 20;
      if (probe.getBoundingClientRect().width > room + 0.5 && !titleHolding(el, text)) problems.push('select cut without a tooltip: "' + text + '"');
      continue;
    }
    const ownText = squash([...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join(' '));
    if (!ownText) continue;
    if (style.overflowX === 'visible' || el.scrollWidth <= el.clientWidth + 1) continue;
    const text = squash(el.textContent);
    if (!titleHolding(el, text)) problems.push('text cut without a tooltip: <' + el.tagName.toLowerCase() + '> "' + text.slice(0, 60) + '"');
  }
  probe.remove();
  // a card's content is never wider than the card (it would be cut at the card's edge)
  for (const card of document.querySelectorAll('.card, [data-testid="analysis-plot"]')) {
    const box = card.getBoundingClientRect();
    if (box.width <= 2) continue;
    if (card.scrollWidth > card.clientWidth + 1) problems.push('content wider than its card: "' + squash(card.querySelector('h3, h4') ? card.querySelector('h3, h4').textContent : card.className).slice(0, 60) + '" (' + card.scrollWidth + ' > ' + card.clientWidth + ' px)');
  }

  // a control laid over a chart (PlotFrame's slot, e.g. a session picker) keeps clear of its axes
  // and tick labels (the top tick label reaches ~8 px above the plot area)
  for (const control of document.querySelectorAll('.plot select, .plot input, .plot button')) {
    const c = control.getBoundingClientRect();
    if (c.width === 0 || c.height === 0) continue;
    for (const a of axisAreas) {
      if (c.left < a.right && c.right > a.left && c.top < a.bottom && c.bottom > a.top - 8) problems.push('a control (' + control.tagName.toLowerCase() + ', ' + Math.round(c.left) + '–' + Math.round(c.right) + ' × ' + Math.round(c.top) + '–' + Math.round(c.bottom) + ') covers the axes of ' + a.label + ' (' + Math.round(a.left) + '–' + Math.round(a.right) + ' × ' + Math.round(a.top) + '–' + Math.round(a.bottom) + ')');
    }
  }

  const toasts = [...document.querySelectorAll('[data-testid="toast"]')].map((t) => t.getBoundingClientRect()).filter((r) => r.width > 0);
  if (toasts.length > 3) problems.push(toasts.length + ' toasts shown at once');
  for (const t of toasts) {
    for (const a of axisAreas) {
      if (t.left < a.right && t.right > a.left && t.top < a.bottom && t.bottom > a.top) problems.push('a toast covers the axes of ' + a.label);
    }
  }
  return { problems, charts: axisAreas.length };
})()`;

interface Audit {
  problems: string[];
  charts: number;
}

/**
 * Screenshot and audit one view at both sizes; problems are collected, reported at the end.
 * `details`: plots (or test ids) below the fold, pictured on their own (WxH-VIEW-ID.png).
 */
async function visit(page: Page, view: string, problems: string[], details: string[] = []): Promise<void> {
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await page.mouse.move(0, 0);
    // charts redraw on a throttle after a resize; overflow titles follow within 300 ms
    await page.waitForTimeout(800);
    await page.screenshot({ path: path.join(shots, `${size.width}x${size.height}-${view}.png`) });
    for (const id of details) {
      // a plot id, or a test id (data-testid) for other parts
      const plot = page.locator(`[data-plot-id="${id}"], [data-testid="${id}"]`).first();
      await plot.scrollIntoViewIfNeeded();
      await page.waitForTimeout(400);
      await plot.screenshot({ path: path.join(shots, `${size.width}x${size.height}-${view}-${id}.png`) });
    }
    const audit = (await page.evaluate(AUDIT)) as Audit;
    for (const problem of audit.problems) problems.push(`${view} at ${size.width}×${size.height}: ${problem}`);
    test.info().annotations.push({ type: `${view} ${size.width}×${size.height}`, description: `${audit.charts} chart(s) audited, ${audit.problems.length} problem(s)` });
  }
  await page.setViewportSize(SIZES[0]);
}

/** The [min, max] ECharts drew on an axis of the chart inside `holder`. */
async function axisExtent(holder: Locator, axis: 'xAxis' | 'yAxis'): Promise<[number, number]> {
  return (await holder.evaluate(
    (node, which) => {
      const chartOf = (globalThis as unknown as { __gainlabChartOf: (el: unknown) => { getModel(): { getComponent(kind: string, index: number): { axis: { scale: { getExtent(): [number, number] } } } } } }).__gainlabChartOf;
      const box = node as unknown as { querySelector(selector: string): unknown };
      const el = box.querySelector('[_echarts_instance_]') ?? node;
      return chartOf(el).getModel().getComponent(which, 0).axis.scale.getExtent();
    },
    axis,
  )) as [number, number];
}

const yExtent = (page: Page, testId: string) => axisExtent(page.getByTestId(testId), 'yAxis');

test('every view at 1280×800 and 1920×1080: titled axes, short ticks, no cut text without a tooltip, toasts clear of the axes', async ({ page }, testInfo) => {
  testInfo.setTimeout(420_000);
  mkdirSync(shots, { recursive: true });
  const pageErrors = collectPageErrors(page);
  const problems: string[] = [];
  await page.setViewportSize(SIZES[0]);

  await gotoWelcome(page);
  await expect(page.getByRole('button', { name: 'Open example project' })).toBeEnabled();
  await visit(page, 'welcome', problems);

  // a new project; the movement editor with a generated target, then two strokes
  await page.getByRole('button', { name: 'New project' }).click();
  await expect(page.getByTestId('workspace')).toBeVisible();
  await page.getByRole('button', { name: 'Draw target…' }).click();
  const editor = page.getByTestId('target-editor');
  await editor.getByRole('button', { name: 'Generate' }).click();
  await page.mouse.move(0, 0);
  await page.waitForTimeout(300);
  const before = await yExtent(page, 'editor-canvas');
  // a tall stroke, then a low one: the range may widen for the first, never shrink for the second
  await drawStroke(page, { x0: 0.2, x1: 0.5, y: 0.5, bump: 0.35, steps: 12 });
  await page.waitForTimeout(300);
  const afterTall = await yExtent(page, 'editor-canvas');
  expect(afterTall[0]).toBeLessThanOrEqual(before[0]);
  expect(afterTall[1]).toBeGreaterThanOrEqual(before[1]);
  await drawStroke(page, { x0: 0.55, x1: 0.8, y: 0.7, bump: 0.02, steps: 12 });
  await page.waitForTimeout(300);
  expect(await yExtent(page, 'editor-canvas')).toEqual(afterTall);
  // the toolbar's buttons are the app's buttons (styles.css), not bare browser ones
  await expect(editor.locator('.toolbar button')).not.toHaveCount(0);
  await expect(editor.locator('.toolbar button:not(.secondary)')).toHaveCount(0);
  await visit(page, 'editor', problems);
  await page.getByRole('button', { name: 'Add to project' }).click();

  // network: a small SOC build (N = 40), its α curve and spectrum, then the inspector
  await buildSmallNetwork(page);
  // the SOC job card reads "α 0.15", not "E 0.15"
  await expect(page.getByTestId('job-row').filter({ hasText: 'SOC' }).first().getByTestId('job-value')).toHaveText(/^α \d/);
  await visit(page, 'network-build', problems, ['soc-status']);
  await addBuiltNetwork(page);
  // the project's network in the inspector (Build network tab)
  await page.getByRole('tab', { name: 'Build network' }).click();
  await expect(page.getByTestId('network-inspector').getByTestId('spectrum-plot')).toHaveAttribute('data-eigenvalues', '40');
  await visit(page, 'network', problems, ['network-inspector']);

  // workspace: a short reward-rule run, ten sessions (the app's default: their legend must stay off the curves)
  await page.getByRole('tab', { name: 'Train gains' }).click();
  await page.getByRole('spinbutton', { name: 'Trials' }).fill('300');
  await page.getByRole('spinbutton', { name: 'Sessions' }).fill('10');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByTestId('run-state')).toHaveText('Done', { timeout: 120_000 });
  await expect(page.getByTestId('run-stored')).toBeVisible();
  await page.getByRole('radio', { name: 'gains', exact: true }).click();
  await visit(page, 'workspace', problems);
  await page.getByRole('radio', { name: 'rates', exact: true }).click();

  // analyses of that run
  await page.getByRole('button', { name: 'Analyses…' }).click();
  const analyses = page.getByTestId('analyses');
  await expect(analyses.locator('[data-plot-id="eigenvalues"]')).toBeVisible({ timeout: 60_000 });
  await expect(analyses.locator('[data-plot-id="error-box"]')).toContainText('10 sessions');
  await visit(page, 'analyses', problems, ['eigenvalues', 'gain-distribution']);
  await analyses.getByRole('button', { name: 'Back to the workspace' }).click();

  // runs browser
  await page.getByTestId('open-runs').click();
  await expect(page.getByTestId('runs-browser')).toBeVisible();
  // tick the run: its error curve in the comparison plot
  await page.getByTestId('runs-table').locator('tbody input[type="checkbox"]').first().check();
  await expect(page.getByTestId('runs-curves')).toHaveAttribute('data-series', '1');
  await visit(page, 'runs', problems);
  // the stored run on the workspace's cards (Show in workspace), with its trained gains
  await page.getByTestId('runs-browser').getByTestId('run-row').first().click();
  await page.getByTestId('runs-browser').getByTestId('run-show').click();
  await expect(page.getByTestId('stored-run-label')).toBeVisible();
  await page.getByRole('radio', { name: 'gains', exact: true }).click();
  await expect(page.getByTestId('stored-gains').locator('.empty')).toHaveCount(0);
  await visit(page, 'stored-run', problems);
  await page.getByRole('radio', { name: 'rates', exact: true }).click();

  // primitives (the view and its forms; building a library is the primitives spec's job)
  await page.getByTestId('open-primitives').click();
  await expect(page.getByTestId('primitives-view')).toBeVisible();
  await visit(page, 'primitives', problems);
  await page.getByTestId('primitives-view').getByRole('button', { name: 'Back to plots' }).click();

  // speed: a small manifold (gradient, 3 speeds), then the slider dragged end to end
  await page.getByTestId('open-speed').click();
  const speed = page.getByTestId('speed-view');
  const build = speed.getByTestId('speed-build');
  await fillSmallSpeedManifold(build, 40);
  await build.getByTestId('speed-start').click();
  await expect(build.getByTestId('speed-job-status')).toHaveText('done', { timeout: 90_000 });
  const slider = speed.getByTestId('speed-slider');
  await expect(slider).toBeEnabled();
  await expect.poll(async () => Number((await page.getByTestId('slider-plot').getAttribute('data-frames')) ?? '0')).toBeGreaterThan(0);
  const sliderBox = await slider.boundingBox();
  if (!sliderBox) throw new Error('the slider has no box');
  const y = sliderBox.y + sliderBox.height / 2;
  await page.mouse.move(sliderBox.x + 2, y);
  await page.mouse.down();
  const extents: Array<[number, number]> = [];
  for (let i = 1; i <= 10; i++) {
    await page.mouse.move(sliderBox.x + 2 + ((sliderBox.width - 4) * i) / 10, y);
    await page.waitForTimeout(120);
    extents.push(await yExtent(page, 'slider-plot'));
  }
  await page.mouse.up();
  // the axis only ever widens while dragging (it never jumps back and forth)
  for (let i = 1; i < extents.length; i++) {
    expect(extents[i][0]).toBeLessThanOrEqual(extents[i - 1][0]);
    expect(extents[i][1]).toBeGreaterThanOrEqual(extents[i - 1][1]);
  }
  await visit(page, 'speed', problems);
  await speed.getByTestId('speed-close').click();

  // experiments: Fig. 1 quick (best output, rate maps, spectrum, histograms)
  await page.getByTestId('open-experiments').click();
  const experiments = page.getByTestId('experiments');
  await page.getByTestId('experiment-item-fig1').click();
  await page.getByTestId('experiment-run').click();
  await expect(page.getByTestId('experiment-progress')).toHaveAttribute('data-status', 'done', { timeout: 180_000 });
  const result = experiments.getByTestId('experiment-result');
  await expect(result.locator('[data-plot-id="fig2_rates_before"]')).toBeVisible();
  // the best output's time axis ends where its 500 ms of data end (it ran to 600)
  expect(await axisExtent(result.locator('[data-plot-id="fig1_best_output"]'), 'xAxis')).toEqual([0, 500]);
  await visit(page, 'experiments', problems, ['fig1_best_output', 'fig2_rates_before', 'fig3_eigenvalues', 'supp1c_gain_pattern_correlations']);
  await experiments.getByRole('button', { name: 'Back to the workspace' }).click();

  // help: the guide, the keyboard shortcuts and About, from the top bar's Help button
  await page.getByTestId('help-button').click();
  await expect(page.getByTestId('help-view')).toBeVisible();
  await visit(page, 'help', problems);
  await page.getByTestId('help-close').click();
  await expect(page.getByTestId('help-view')).toHaveCount(0);

  // a full jobs list shows a cue that more cards are below (none cut silently by the footer)
  const jobsList = page.getByTestId('jobs-scroll');
  const overflowing = await jobsList.evaluate((node) => {
    const el = node as unknown as { scrollHeight: number; clientHeight: number; scrollTop: number };
    return el.scrollHeight - el.scrollTop - el.clientHeight > 4;
  });
  if (overflowing) await expect(page.getByTestId('jobs-more-below')).toBeVisible();
  else await expect(page.getByTestId('jobs-more-below')).toHaveCount(0);

  // a long project name shortens, but its unsaved-changes dot stays in view (the example
  // project's name is long; one more target is an unsaved change)
  await openExample(page);
  await page.getByRole('button', { name: 'Draw target…' }).click();
  await page.getByTestId('target-editor').getByRole('button', { name: 'Generate' }).click();
  await page.getByRole('button', { name: 'Add to project' }).click();
  const name = page.getByTestId('project-name');
  const dot = name.locator('.dirty');
  await expect(dot).toBeVisible();
  const nameBox = await name.boundingBox();
  const dotBox = await dot.boundingBox();
  if (!nameBox || !dotBox) throw new Error('the project name has no box');
  expect(dotBox.x + dotBox.width).toBeLessThanOrEqual(nameBox.x + nameBox.width + 0.5);
  await expect(name.locator('.name-text')).toHaveAttribute('title', /^Example: SOC network/);
  expect(await name.locator('.name-text').evaluate((node) => { const el = node as unknown as { scrollWidth: number; clientWidth: number }; return el.scrollWidth > el.clientWidth; })).toBe(true);

  expect(problems, problems.join('\n')).toEqual([]);
  expect(pageErrors, pageErrors.join('\n')).toEqual([]);
});
