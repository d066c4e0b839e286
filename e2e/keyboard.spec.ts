/**
 * Web mode, the main path with the keyboard only (Tab, Shift+Tab, Enter, Space, Escape) and what a
 * screen reader is told on the way: a new project, the novel target imported in the target editor,
 * the published network imported (../shared/reference/stroud2018), a reward-rule run, its analyses,
 * Save As…. Checked on the way:
 * - every control used is reached with Tab and works with Enter or Space, and every Tab stop on the
 *   way shows a focus ring of 3:1 contrast at least (src-renderer/styles.css; it was a 45 % copper,
 *   under 2:1 on white);
 * - a full view (the target editor, src-renderer/components/TargetEditorPanel.vue; the analyses,
 *   src-renderer/components/analysis/AnalysesView.vue) takes focus to its heading when it opens and
 *   gives it back to the button that opened it when it closes (src-renderer/lib/focusReturn.ts,
 *   applied in src-renderer/views/WorkspaceView.vue); focus was left on the page's body both ways;
 * - the runs table (src-renderer/components/runs/RunsBrowser.vue) is named, says its sort order, and
 *   a row opens its details with Enter (rows took a mouse click only);
 * - a dialog (Save project, src-renderer/components/ProjectPanel.vue) keeps Tab inside itself,
 *   closes with Escape and gives focus back to where it was;
 * - no button, field, tab, progress bar or plot is unnamed in the accessibility tree (the
 *   editor's channel buttons were "+" and "−", the plots were not in the tree at all: now role=img
 *   with a label, src-renderer/components/PlotFrame.vue and
 *   src-renderer/components/analysis/PlotCard.vue);
 * - radio groups and tabs answer the arrow keys (src-renderer/lib/arrowSelect.ts);
 * - Train keeps focus while its run starts, and takes it back from Cancel when the run stops and
 *   Cancel goes (src-renderer/components/TrainPanel.vue; focus fell to the page);
 * - a training run is announced politely once when it starts and once when it ends, with its best
 *   error (src-renderer/components/TrainPanel.vue), not on every trial; so are a run's analyses
 *   (src-renderer/components/analysis/AnalysesView.vue), through the same live region
 *   (src-renderer/components/common/PoliteAnnouncement.vue); they were silent;
 * - Escape closes a full view as its Back button does (a run's name being typed is saved, as a click
 *   on Back saves it) and focus goes back to its opener, but not when it was meant for a dialog, a
 *   <select>, an IME composition, the project's rename field or the movement editor
 *   (src-renderer/lib/focusReturn.ts); it did nothing;
 * - the movement editor's control points move from the keyboard, each move the edit a drag makes,
 *   said politely (src-renderer/editor/MovementEditor.vue, src-renderer/editor/keyboardPoints.ts);
 *   the plot took a mouse, pen or finger only.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { collectPageErrors, gotoWelcome, newProjectWithSmallNetwork, openExample } from './helpers.js';

const REFERENCE = path.resolve(import.meta.dirname, '../../shared/reference/stroud2018');
const file = (name: string) => path.join(REFERENCE, name);

/**
 * Contrast of the focused element's focus ring (outline, else box-shadow) with the background
 * around it (WCAG 2.2 non-text contrast: 3:1 at least), and what the element is. 0 without a ring.
 */
async function focusRing(page: Page): Promise<{ what: string; contrast: number }> {
  return page.evaluate(() => {
    // the spec is type-checked without DOM types: the page as far as this needs it
    type Styled = { tagName: string; textContent: string | null; parentElement: Styled | null; getAttribute(name: string): string | null };
    const doc = (globalThis as unknown as { document: { activeElement: Styled | null } }).document;
    const styleOf = (globalThis as unknown as { getComputedStyle(node: Styled): Record<string, string> }).getComputedStyle;
    const element = doc.activeElement;
    if (!element) return { what: 'nothing', contrast: 0 };
    if (element.tagName === 'BODY') return { what: 'body', contrast: 0 };
    const what = `${element.tagName.toLowerCase()} "${(element.getAttribute('aria-label') ?? element.textContent ?? '').trim().slice(0, 40)}"`;
    const rgba = (text: string): number[] | null => {
      const match = /rgba?\(([^)]+)\)/.exec(text);
      if (!match) return null;
      const parts = match[1].split(/[,\s/]+/).filter(Boolean).map(Number);
      return [parts[0], parts[1], parts[2], parts[3] ?? 1];
    };
    const style = styleOf(element);
    const hasOutline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
    const ring = hasOutline ? rgba(style.outlineColor) : style.boxShadow !== 'none' ? rgba(style.boxShadow) : null;
    if (!ring) return { what, contrast: 0 };
    // the first opaque background around the ring (an outline sits outside the element)
    let background = [255, 255, 255];
    for (let node = hasOutline ? element.parentElement : element; node; node = node.parentElement) {
      const colour = rgba(styleOf(node).backgroundColor);
      if (colour && colour[3] > 0.5) {
        background = colour.slice(0, 3);
        break;
      }
    }
    const blended = ring.slice(0, 3).map((c, i) => c * ring[3] + background[i] * (1 - ring[3]));
    const luminance = (rgb: number[]) => {
      const [r, g, b] = rgb.map((c) => (c / 255 <= 0.03928 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4));
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const [light, dark] = [luminance(blended), luminance(background)].sort((x, y) => y - x);
    return { what, contrast: (light + 0.05) / (dark + 0.05) };
  });
}

/** Every Tab stop passed on the way whose focus ring is missing or too faint to see. */
const faintRings: string[] = [];

/** Press Tab (Shift+Tab with `back`) until `target` has focus; fails after `limit` presses. */
async function tabTo(page: Page, target: Locator, { back = false, limit = 120 } = {}): Promise<number> {
  for (let presses = 1; presses <= limit; presses++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const ring = await focusRing(page);
    // past the page's last control focus leaves for the browser's own controls (the body here)
    if (ring.contrast < 3 && ring.what !== 'body') faintRings.push(`${ring.what}: ${ring.contrast.toFixed(2)}:1`);
    if (await target.evaluate((node) => node === (node.ownerDocument as unknown as { activeElement: unknown }).activeElement)) return presses;
  }
  throw new Error(`${target} was not reached with ${limit} presses of ${back ? 'Shift+Tab' : 'Tab'}`);
}

/** The element that has focus. */
const focused = (page: Page) => page.locator('*:focus');

/** Roles a screen reader announces by name (interactive, plus plots, the movement plot's keys, progress bars and groups of tabs or radios). */
const NAMED_ROLES = 'button|textbox|spinbutton|combobox|checkbox|radio|radiogroup|tab|tablist|slider|link|switch|searchbox|img|progressbar|application';
const ARIA_LINE = new RegExp(`^\\s*- '?(${NAMED_ROLES})\\b(.*)$`);

/**
 * Lines of the page's aria snapshot whose element has no name, or one that is only a glyph
 * (“+”, “×”): a screen reader says "button" and nothing of what it does.
 */
async function unnamedElements(page: Page): Promise<string[]> {
  const snapshot = await page.locator('body').ariaSnapshot();
  const unnamed: string[] = [];
  for (const line of snapshot.split('\n')) {
    const match = ARIA_LINE.exec(line);
    if (!match) continue;
    const name = /^\s*"((?:[^"\\]|\\.)*)"/.exec(match[2])?.[1] ?? '';
    if (!/[\p{L}\p{N}]/u.test(name)) unnamed.push(line.trim());
  }
  return unnamed;
}

test('the main path works with the keyboard alone and names what it shows', async ({ page }) => {
  test.skip(!existsSync(file('W.npy')), `published data not found at ${REFERENCE}`);
  test.setTimeout(180_000);
  const pageErrors = collectPageErrors(page);
  await gotoWelcome(page);
  expect(await unnamedElements(page)).toEqual([]);

  await tabTo(page, page.getByRole('button', { name: 'New project' }));
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('workspace')).toBeVisible();
  expect(await unnamedElements(page)).toEqual([]);
  // the three workspace plots are images with a name
  for (const name of [/output and the target/, /error E against/, /firing rates/]) await expect(page.getByRole('img', { name })).toHaveCount(1);

  // the target editor: opened from its button, focus on its heading; Import .npy with Enter
  const drawTarget = page.getByRole('button', { name: 'Draw target…' });
  await tabTo(page, drawTarget);
  await page.keyboard.press('Enter');
  const editor = page.getByTestId('target-editor');
  await expect(focused(page)).toHaveText('Target movement');
  await expect(editor.getByRole('button', { name: 'Add a channel' })).toBeVisible();
  // the plot takes the arrow keys (its control points: the test below); how, in its description
  await expect(editor.getByRole('application', { name: /^Target movement plot/ })).toHaveAccessibleDescription(/choose a control point.*Generate, Import CSV or Import \.npy/);
  expect(await unnamedElements(page)).toEqual([]);
  const targetChooser = page.waitForEvent('filechooser');
  await tabTo(page, editor.getByRole('button', { name: 'Import .npy' }));
  await page.keyboard.press('Enter');
  await (await targetChooser).setFiles(file('novel_target.npy'));
  await expect(editor.getByLabel('Name')).toHaveValue('novel_target');
  await tabTo(page, editor.getByRole('button', { name: 'Add to project' }));
  await page.keyboard.press('Enter');
  await expect(editor).toBeHidden();
  // back on the workspace, focus is where it was before the editor opened
  await expect(drawTarget).toBeFocused();

  // the published network, from the Build network tab's import (a <details>, then a file input)
  await tabTo(page, page.getByRole('tab', { name: 'Build network' }));
  await page.keyboard.press('Enter');
  const importer = page.getByTestId('network-import');
  await tabTo(page, importer.locator('summary'));
  await page.keyboard.press('Enter');
  const networkChooser = page.waitForEvent('filechooser');
  await tabTo(page, importer.locator('#import-all'));
  await page.keyboard.press('Space');
  await (await networkChooser).setFiles(['W.npy', 'x0.npy', 'readout.npy'].map(file));
  await tabTo(page, importer.getByLabel('Name'));
  await page.keyboard.type('Published network');
  await tabTo(page, importer.getByRole('button', { name: 'Import network' }));
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('baseline-error')).toHaveText('4.18');

  // a short reward-rule run; the live region is told twice (started, done), not every trial
  await tabTo(page, page.getByRole('tab', { name: 'Train gains' }), { back: true });
  await page.keyboard.press('Enter');
  const trials = page.getByRole('spinbutton', { name: 'Trials' });
  await tabTo(page, trials);
  await trials.fill('');
  await page.keyboard.type('300');
  await tabTo(page, page.getByRole('spinbutton', { name: 'Sessions' }));
  await page.keyboard.press('Control+A');
  await page.keyboard.type('1');
  const announcement = page.getByTestId('run-announcement');
  await expect(announcement).toHaveAttribute('aria-live', 'polite');
  // every text the polite region takes while the run goes on
  await announcement.evaluate((node) => {
    const region = node as unknown as { textContent: string | null };
    const said: string[] = [];
    (globalThis as unknown as { said: string[] }).said = said;
    // the spec is type-checked without DOM types: the observer as far as this needs it
    type Observer = new (callback: () => void) => { observe(node: never, options: object): void };
    const MutationObserver = (globalThis as unknown as { MutationObserver: Observer }).MutationObserver;
    new MutationObserver(() => {
      const text = (region.textContent ?? '').trim();
      if (text && text !== said.at(-1)) said.push(text);
    }).observe(node as never, { childList: true, characterData: true, subtree: true });
  });
  const train = page.getByRole('button', { name: 'Train', exact: true });
  await tabTo(page, train);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('run-state')).toHaveText('Done', { timeout: 120_000 });
  await expect(page.getByTestId('run-stored')).toBeVisible();
  // focus stayed on Train (it was dropped to the page while the run started: the button was disabled)
  await expect(train).toBeFocused();
  const bestError = (await page.getByTestId('best-error').textContent())!.trim();
  await expect(announcement).toHaveText(`Training done: best error ${bestError} (with g = 1: 4.18).`);
  const said = await page.evaluate(() => (globalThis as unknown as { said: string[] }).said);
  expect(said).toEqual(['Training started.', `Training done: best error ${bestError} (with g = 1: 4.18).`]);
  // the progress bars of the run (train panel and jobs list) are named
  expect(await unnamedElements(page)).toEqual([]);
  // the rates card's switch answers the arrow keys too (src-renderer/lib/arrowSelect.ts)
  const rates = page.getByRole('radio', { name: 'rates' });
  await tabTo(page, rates, { back: true });
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('radio', { name: 'gains' })).toBeChecked();
  await expect(page.getByRole('heading', { name: 'Gains over training' })).toBeVisible();
  await page.keyboard.press('ArrowLeft');
  await expect(rates).toBeChecked();

  // the analyses: focus on their heading, back to the workspace on the button that opened them
  const openAnalyses = page.getByRole('button', { name: 'Analyses…' });
  await tabTo(page, openAnalyses, { back: true });
  // every text the analyses' polite region takes (it comes with the view: watched from the page)
  await page.evaluate(() => {
    type Found = { textContent: string | null } | null;
    const doc = (globalThis as unknown as { document: { body: never; querySelector(selector: string): Found } }).document;
    const said: string[] = [];
    (globalThis as unknown as { analysesSaid: string[] }).analysesSaid = said;
    type Observer = new (callback: () => void) => { observe(node: never, options: object): void };
    const MutationObserver = (globalThis as unknown as { MutationObserver: Observer }).MutationObserver;
    new MutationObserver(() => {
      const text = (doc.querySelector('[data-testid="analyses-announcement"]')?.textContent ?? '').trim();
      if (text && text !== said.at(-1)) said.push(text);
    }).observe(doc.body, { childList: true, characterData: true, subtree: true });
  });
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('analysis-plot').first()).toBeVisible();
  // told politely once when they started and once when they were done, not per stage
  const plotCount = await page.getByTestId('analysis-plot').count();
  const analysesAnnouncement = page.getByTestId('analyses-announcement');
  await expect(analysesAnnouncement).toHaveAttribute('aria-live', 'polite');
  await expect(analysesAnnouncement).toHaveText(`Analyses done: ${plotCount} plots.`);
  expect(await page.evaluate(() => (globalThis as unknown as { analysesSaid: string[] }).analysesSaid)).toEqual(['Analyses started.', `Analyses done: ${plotCount} plots.`]);
  await expect(focused(page)).toHaveText('Analyses');
  const bestOutput = page.getByTestId('analysis-plot').filter({ hasText: 'Best output vs target' });
  await expect(bestOutput.getByRole('img', { name: 'Best output vs target' })).toBeVisible();
  await expect(bestOutput.getByRole('button', { name: 'Save Best output vs target as SVG' })).toBeVisible();
  expect(await unnamedElements(page)).toEqual([]);
  await tabTo(page, page.getByRole('button', { name: 'Back to the workspace' }));
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('analyses')).toBeHidden();
  await expect(openAnalyses).toBeFocused();

  // Runs…: the table is named, says how it is sorted, and a row opens its details with Enter
  // (a row was a mouse-only target)
  const openRuns = page.getByRole('button', { name: 'Runs (1)…' });
  await tabTo(page, openRuns, { back: true });
  await page.keyboard.press('Enter');
  const runs = page.getByTestId('runs-browser');
  await expect(focused(page)).toContainText('Runs of');
  const table = runs.getByRole('table', { name: /^Runs, libraries, networks and targets/ });
  await expect(table.getByRole('columnheader', { name: 'Finished' })).toHaveAttribute('aria-sort', 'descending');
  await expect(table.getByRole('button', { name: 'Finished', exact: true })).toBeVisible();
  const row = table.getByTestId('run-row').first();
  await tabTo(page, row);
  await page.keyboard.press('Enter');
  await expect(runs.getByTestId('run-name')).toHaveValue(/Reward rule/);
  await expect(row).toHaveAttribute('aria-current', 'true');
  expect(await unnamedElements(page)).toEqual([]);
  // a new name typed, then Escape: the view closes as its Back button does, and the name is kept as
  // a click on Back keeps it (the field's blur saves it)
  await tabTo(page, runs.getByTestId('run-name'));
  await page.keyboard.press('Control+A');
  await page.keyboard.type('Keyboard run');
  await page.keyboard.press('Escape');
  await expect(runs).toBeHidden();
  await expect(openRuns).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(table.getByTestId('run-row').first()).toContainText('Keyboard run');
  await tabTo(page, runs.getByRole('button', { name: 'Back to the workspace' }));
  await page.keyboard.press('Enter');
  await expect(runs).toBeHidden();
  await expect(openRuns).toBeFocused();

  // Save As…: Tab stays in the dialog, Escape closes it and focus comes back to where it was
  await page.keyboard.press('Control+Shift+S');
  const dialog = page.getByTestId('save-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel('File')).toBeFocused();
  for (let press = 0; press < 6; press++) {
    await page.keyboard.press('Tab');
    expect(await dialog.evaluate((node) => node.contains((node.ownerDocument as unknown as { activeElement: never }).activeElement))).toBe(true);
  }
  await page.keyboard.press('Shift+Tab');
  expect(await dialog.evaluate((node) => node.contains((node.ownerDocument as unknown as { activeElement: never }).activeElement))).toBe(true);
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(openRuns).toBeFocused();
  // and saved for real from the keyboard
  const saved = path.join(test.info().outputPath(), 'keyboard.gainlab');
  await page.keyboard.press('Control+Shift+S');
  await expect(dialog.getByLabel('File')).toBeFocused();
  await page.keyboard.press('Control+A');
  await page.keyboard.type(saved);
  await page.keyboard.press('Enter');
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('project-path')).toHaveAttribute('data-path', saved);
  // focus was visible at every Tab stop on the way (ring against its background, 3:1 at least)
  expect([...new Set(faintRings)]).toEqual([]);
  expect(pageErrors, pageErrors.join('\n')).toEqual([]);
});

/** Whether focus is inside `container`. */
async function holdsFocus(container: Locator): Promise<boolean> {
  return container.evaluate((node) => node.contains((node.ownerDocument as unknown as { activeElement: never }).activeElement));
}

/** Tab and Shift+Tab `presses` times each: focus stays in the dialog (the page behind is out of reach). */
async function expectTabStaysIn(page: Page, dialog: Locator, presses: number): Promise<void> {
  for (const key of ['Tab', 'Shift+Tab']) {
    for (let press = 0; press < presses; press++) {
      await page.keyboard.press(key);
      expect(await holdsFocus(dialog), `${key} ${press + 1} left the dialog`).toBe(true);
    }
  }
}

test('the Open, Help and unsaved-changes dialogs keep Tab inside, close with Escape and give focus back', async ({ page }) => {
  await gotoWelcome(page);
  // Open… (src-renderer/components/OpenDialog.vue)
  const open = page.getByRole('button', { name: 'Open…', exact: true });
  await tabTo(page, open);
  await page.keyboard.press('Enter');
  const openDialog = page.getByTestId('open-dialog');
  await expect(openDialog.getByLabel('File')).toBeFocused();
  await expectTabStaysIn(page, openDialog, 6);
  await page.keyboard.press('Escape');
  await expect(openDialog).toBeHidden();
  await expect(open).toBeFocused();

  // Help (src-renderer/components/help/HelpView.vue)
  const help = page.getByRole('button', { name: 'Help' });
  await tabTo(page, help, { back: true });
  await page.keyboard.press('Enter');
  const helpView = page.getByTestId('help-view');
  await expect(helpView).toBeVisible();
  await expectTabStaysIn(page, helpView, 12);
  await page.keyboard.press('Escape');
  await expect(helpView).toBeHidden();
  await expect(help).toBeFocused();

  // Save changes? before New (src-renderer/components/UnsavedDialog.vue): a renamed new project
  await tabTo(page, page.getByRole('button', { name: 'New project' }));
  await page.keyboard.press('Enter');
  await tabTo(page, page.getByRole('button', { name: 'Rename' }));
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('project-name-input')).toBeFocused();
  await page.keyboard.type('Keyboard only');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('project-name')).toContainText('Keyboard only •');
  const newProject = page.getByRole('button', { name: 'New', exact: true });
  await tabTo(page, newProject);
  await page.keyboard.press('Enter');
  const unsaved = page.getByTestId('unsaved-dialog');
  await expect(unsaved.getByRole('button', { name: 'Save', exact: true })).toBeFocused();
  await expectTabStaysIn(page, unsaved, 4);
  await page.keyboard.press('Escape');
  await expect(unsaved).toBeHidden();
  await expect(newProject).toBeFocused();
  await expect(page.getByTestId('project-name')).toContainText('Keyboard only');
});

test('radio groups and tabs answer the arrow keys', async ({ page }) => {
  // src-renderer/lib/arrowSelect.ts on the side tabs and the learning rule
  // (src-renderer/views/WorkspaceView.vue, src-renderer/components/TrainPanel.vue) and Help's tabs
  await gotoWelcome(page);
  await tabTo(page, page.getByRole('button', { name: 'New project' }));
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('workspace')).toBeVisible();

  const trainTab = page.getByRole('tab', { name: 'Train gains' });
  const buildTab = page.getByRole('tab', { name: 'Build network' });
  await tabTo(page, trainTab);
  await page.keyboard.press('ArrowRight');
  await expect(buildTab).toBeFocused();
  await expect(buildTab).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('heading', { name: 'Build an SOC network' })).toBeVisible();
  // wraps around at the end, and Home goes to the first
  await page.keyboard.press('ArrowRight');
  await expect(trainTab).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('End');
  await expect(buildTab).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Home');
  await expect(trainTab).toBeFocused();
  await expect(trainTab).toHaveAttribute('aria-selected', 'true');

  const reward = page.getByRole('radio', { name: 'Reward-based' });
  const gradient = page.getByRole('radio', { name: 'Gradient (Adam)' });
  await tabTo(page, reward);
  await page.keyboard.press('ArrowDown');
  await expect(gradient).toBeFocused();
  await expect(gradient).toBeChecked();
  await expect(page.getByRole('spinbutton', { name: 'Iterations' })).toBeVisible();
  await page.keyboard.press('ArrowUp');
  await expect(reward).toBeFocused();
  await expect(reward).toBeChecked();
  await expect(page.getByRole('spinbutton', { name: 'Trials' })).toBeVisible();

  await page.getByRole('button', { name: 'Help' }).focus();
  await page.keyboard.press('Enter');
  const guide = page.getByRole('tab', { name: 'Guide' });
  await tabTo(page, guide);
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('tab', { name: 'Keyboard shortcuts' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('help-view')).toHaveAttribute('data-section', 'shortcuts');
  // focus stays on the chosen tab (the dialog took it back on every change of section)
  await expect(page.getByRole('tab', { name: 'Keyboard shortcuts' })).toBeFocused();
  await page.keyboard.press('Escape');
});

test('Cancel by keyboard: when the run stops and Cancel goes, focus is on Train, not lost to the page', async ({ page }) => {
  // src-renderer/components/TrainPanel.vue: Cancel is removed when the run ends; it had focus
  const pageErrors = collectPageErrors(page);
  await newProjectWithSmallNetwork(page);
  await page.getByRole('spinbutton', { name: 'Trials' }).fill('200000');
  await page.getByRole('spinbutton', { name: 'Sessions' }).fill('1');
  const train = page.getByRole('button', { name: 'Train', exact: true });
  await train.click();
  const cancel = page.getByRole('button', { name: 'Cancel', exact: true });
  await expect(cancel).toBeVisible();
  await cancel.focus();
  await page.keyboard.press('Enter');
  await expect(cancel).toHaveCount(0);
  await expect(page.getByTestId('run-state')).toHaveText('Cancelled');
  await expect(train).toBeFocused();
  expect(pageErrors, pageErrors.join('\n')).toEqual([]);
});

/** A new, empty project's workspace (no network, no target). */
async function newEmptyProject(page: Page): Promise<void> {
  await gotoWelcome(page);
  await page.getByRole('button', { name: 'New project' }).click();
  await expect(page.getByTestId('workspace')).toBeVisible();
}

/** Open a view from its opener with Enter: the view shows and its heading has focus. */
async function openWithEnter(page: Page, opener: Locator, view: Locator): Promise<void> {
  await opener.focus();
  await page.keyboard.press('Enter');
  await expect(view).toBeVisible();
  await expect(focused(page)).toHaveAttribute('tabindex', '-1'); // its heading
}

/** Escape closes the view and gives focus back to its opener. */
async function escapeBackTo(page: Page, view: Locator, opener: Locator): Promise<void> {
  await page.keyboard.press('Escape');
  await expect(view).toBeHidden();
  await expect(opener).toBeFocused();
}

test('Escape closes a full view as its Back button does and focus goes back to its opener, unless it was meant for something in it', async ({ page }) => {
  // src-renderer/lib/focusReturn.ts (v-view-focus: escapeClosesView), on the views of
  // src-renderer/views/WorkspaceView.vue; Escape did nothing in them
  const pageErrors = collectPageErrors(page);
  await newEmptyProject(page);
  const views: Array<[Locator, string]> = [
    [page.getByRole('button', { name: 'Draw target…' }), 'target-editor'],
    [page.getByTestId('open-primitives'), 'primitives-view'],
    [page.getByTestId('open-speed'), 'speed-view'],
    [page.getByTestId('open-experiments'), 'experiments'],
    [page.getByTestId('open-sweeps'), 'sweeps'],
    [page.getByTestId('open-runs'), 'runs-browser'],
  ];
  for (const [opener, id] of views) {
    const view = page.getByTestId(id);
    await openWithEnter(page, opener, view);
    await escapeBackTo(page, view, opener);
  }

  // with focus on nothing (a click on the view's background drops it to the page), Escape still closes
  const drawTarget = page.getByRole('button', { name: 'Draw target…' });
  const editor = page.getByTestId('target-editor');
  await drawTarget.focus();
  await page.keyboard.press('Enter');
  await expect(editor).toBeVisible();
  await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { blur(): void } } }).document.activeElement.blur());
  await page.keyboard.press('Escape');
  await expect(editor).toBeHidden();

  // not when Escape was meant for something inside: in the editor, each of these keeps it open
  await drawTarget.focus();
  await page.keyboard.press('Enter');
  await expect(editor).toBeVisible();
  // a <select> (an open list closes with Escape)
  await editor.getByTestId('editor-channel-select').focus();
  await page.keyboard.press('Escape');
  await expect(editor).toBeVisible();
  // a field in the middle of an IME composition (Escape cancels the composition)
  const name = editor.getByLabel('Name');
  await name.focus();
  await name.dispatchEvent('keydown', { key: 'Escape', code: 'Escape', isComposing: true, bubbles: true, cancelable: true });
  await expect(editor).toBeVisible();
  // the project's rename field in the sidebar (Escape cancels the rename)
  await page.getByRole('button', { name: 'Rename' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('project-name-input')).toBeFocused();
  await page.keyboard.type('Not this name');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('project-name-input')).toHaveCount(0);
  await expect(page.getByTestId('project-name')).not.toContainText('Not this name');
  await expect(editor).toBeVisible();
  // a dialog opened over the view (Save As…): Escape closes the dialog, the next one the view
  await name.focus();
  await page.keyboard.press('Control+Shift+S');
  const dialog = page.getByTestId('save-dialog');
  await expect(dialog).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(editor).toBeVisible();
  await expect(name).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(editor).toBeHidden();
  await expect(drawTarget).toBeFocused();
  expect(pageErrors, pageErrors.join('\n')).toEqual([]);
});

test('the editor opened inside the primitives view: Escape closes the editor first, then the view, and focus goes back each time', async ({ page }) => {
  // src-renderer/lib/focusReturn.ts (the innermost of nested views takes Escape; an opener that was
  // re-rendered is found again), src-renderer/components/primitives/PrimitivesView.vue. Escape in
  // this editor closed the whole primitives view, and its opener's focus was lost to the page.
  const pageErrors = collectPageErrors(page);
  await openExample(page);
  const openPrimitives = page.getByTestId('open-primitives');
  const primitivesView = page.getByTestId('primitives-view');
  await openWithEnter(page, openPrimitives, primitivesView);
  const drawTarget = page.getByTestId('primitives-draw-target');
  const editor = primitivesView.getByTestId('target-editor');
  await openWithEnter(page, drawTarget, editor);
  await escapeBackTo(page, editor, drawTarget);
  await expect(primitivesView).toBeVisible();
  await escapeBackTo(page, primitivesView, openPrimitives);
  expect(pageErrors, pageErrors.join('\n')).toEqual([]);
});

test("the movement editor's control points move from the keyboard, each move an edit like a drag, said politely", async ({ page }) => {
  // src-renderer/editor/MovementEditor.vue with src-renderer/editor/keyboardPoints.ts: the plot was
  // mouse, pen or touch only (Generate and the imports were the keyboard's way to a target)
  const pageErrors = collectPageErrors(page);
  await newEmptyProject(page);
  const drawTarget = page.getByRole('button', { name: 'Draw target…' });
  await drawTarget.focus();
  await page.keyboard.press('Enter');
  const editor = page.getByTestId('target-editor');
  const name = editor.getByLabel('Name');
  await tabTo(page, editor.getByRole('button', { name: 'Generate' }));
  await page.keyboard.press('Enter');
  await expect(name).toHaveValue('Generated movement (seed 1)');

  // Escape in the middle of a stroke drops the stroke, and the view stays
  const box = (await editor.getByTestId('editor-canvas').boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.3, { steps: 8 });
  await page.keyboard.press('Escape');
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.2, { steps: 4 });
  await page.mouse.up();
  await expect(editor).toBeVisible();
  await expect(name).toHaveValue('Generated movement (seed 1)');
  await editor.getByRole('button', { name: 'Generate' }).focus();

  const plot = editor.getByRole('application', { name: /^Target movement plot: 1 channel over 500 ms$/ });
  await expect(plot).toHaveAccessibleDescription(/Left and Right arrows \(Home, End\) choose a control point; Up and Down move it/);
  await tabTo(page, plot);
  const said = page.getByTestId('editor-point-announcement');
  await expect(said).toHaveAttribute('aria-live', 'polite');
  // Home: the first point, in the Edit points mode, nothing moved yet
  await page.keyboard.press('Home');
  await expect(editor.getByTestId('editor-mode-points')).toHaveAttribute('aria-pressed', 'true');
  await expect(said).toHaveText(/^point 1 of \d+: 0 ms, -?[\d.]+/);
  await expect(name).toHaveValue('Generated movement (seed 1)');
  const count = Number(/of (\d+)/.exec((await said.textContent())!)![1]);
  expect(count).toBeGreaterThanOrEqual(3);
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(said).toHaveText(new RegExp(`^point 3 of ${count}: [\\d.]+ ms, -?[\\d.]+$`));
  const valueSaid = async () => Number(/ms, (-?[\d.]+)/.exec((await said.textContent())!)![1]);
  const timeSaid = async () => /: ([\d.]+) ms/.exec((await said.textContent())!)![1];
  const time = await timeSaid();
  const start = await valueSaid();

  // Up twice: onto the small step's grid (said alike when the value was read rounded), then one
  // small step; the point keeps its time. Each move is an edit of the draft, as a drag: no longer
  // the generated movement
  await page.keyboard.press('ArrowUp');
  await expect(name).toHaveValue('Drawn movement 1');
  const once = await valueSaid();
  await page.keyboard.press('ArrowUp');
  await expect(said).not.toHaveText(new RegExp(`ms, ${once}$`));
  const twice = await valueSaid();
  const small = Number((twice - once).toPrecision(6));
  expect(small).toBeGreaterThan(0);
  // the first move went up, by at most one step (what was said was rounded to the step)
  expect(once).toBeGreaterThanOrEqual(start);
  expect(once - start).toBeLessThanOrEqual(small + 1e-9);
  expect(await timeSaid()).toBe(time);
  // Shift+Down: down onto the large step's grid, at most ten small steps
  await page.keyboard.press('Shift+ArrowDown');
  await expect(said).not.toHaveText(new RegExp(`ms, ${twice}$`));
  const large = await valueSaid();
  expect(twice - large).toBeGreaterThan(0);
  expect(twice - large).toBeLessThanOrEqual(10 * small + 1e-9);
  expect(Math.abs(large / (10 * small) - Math.round(large / (10 * small)))).toBeLessThan(1e-6);
  // undone step by step, one step per key
  await expect(editor.getByTestId('editor-undo')).toBeEnabled();
  await page.keyboard.press('Control+Z');
  await page.keyboard.press('Control+Z');
  await expect(name).toHaveValue('Drawn movement 1');
  await page.keyboard.press('Control+Z');
  await expect(name).toHaveValue('Generated movement (seed 1)');
  await expect(editor.getByTestId('editor-redo')).toBeEnabled();
  await page.keyboard.press('Control+Shift+Z');
  await expect(name).toHaveValue('Drawn movement 1');

  // values stay on the plot: Shift+Up on the last point until the top holds it
  await page.keyboard.press('End');
  await expect(said).toHaveText(new RegExp(`^point ${count} of ${count}: 500 ms, `));
  for (let press = 0; press < 30; press++) await page.keyboard.press('Shift+ArrowUp');
  await expect(said).toHaveText(/\(top of the plot\)$/);
  const top = await valueSaid();
  await page.keyboard.press('PageUp');
  await expect(said).toHaveText(new RegExp(`ms, ${top} \\(top of the plot\\)$`));

  // Escape lets go of the point (the view stays); the next Escape closes the view
  await page.keyboard.press('Escape');
  await expect(said).toHaveText('No control point chosen.');
  await expect(editor).toBeVisible();
  await expect(plot).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(editor).toBeHidden();
  await expect(drawTarget).toBeFocused();
  expect([...new Set(faintRings)]).toEqual([]);
  expect(pageErrors, pageErrors.join('\n')).toEqual([]);
});
