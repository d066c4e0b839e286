/**
 * No text is cut without a tooltip. Card titles, job labels, names in lists and selects shorten
 * with an ellipsis when their column is narrow ("Eigenvalues of the linearisati…", a select
 * showing "paper (η ="); this gives every such element a `title` with its full text while it is
 * cut, and takes it away when it fits again. One observer for the whole page rather than a
 * directive on each element, so a new view or form is covered without remembering to. A change of
 * text or inline style alone (a running job's numbers and bars, several a second) rescans only
 * around it (rescanFor).
 * A title written by a component (an explanation) is kept: the full text goes in front of it.
 */

const AUTO = 'data-auto-title';
const AUTHORED = 'data-authored-title';
/** Rescan at most this often while the page changes (live runs update text many times a second). */
const SCAN_DELAY_MS = 300;

let measureContext: CanvasRenderingContext2D | null = null;

/** The width of a select's shown text against the room its box gives it (arrow and padding off). */
export function selectIsCut(select: HTMLSelectElement): boolean {
  const text = select.selectedOptions[0]?.text ?? '';
  if (!text) return false;
  const style = getComputedStyle(select);
  measureContext ??= document.createElement('canvas').getContext('2d');
  if (!measureContext) return false;
  measureContext.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 20;
  return measureContext.measureText(text).width > room + 0.5;
}

/** Whether an element's own text is cut by its box (overflow hidden or ellipsis). */
export function textIsCut(element: HTMLElement): boolean {
  if (element instanceof HTMLSelectElement) return selectIsCut(element);
  if (element.scrollWidth <= element.clientWidth + 1 || element.clientWidth === 0) return false;
  const style = getComputedStyle(element);
  return style.overflowX !== 'visible' && style.textOverflow === 'ellipsis';
}

function fullText(element: HTMLElement): string {
  if (element instanceof HTMLSelectElement) return element.selectedOptions[0]?.text ?? '';
  return (element.textContent ?? '').replace(/\s+/g, ' ').trim();
}

function update(element: HTMLElement): void {
  const cut = textIsCut(element);
  const auto = element.hasAttribute(AUTO);
  if (cut) {
    if (!auto) {
      const authored = element.getAttribute('title');
      if (authored) element.setAttribute(AUTHORED, authored);
      element.setAttribute(AUTO, '');
    }
    const authored = element.getAttribute(AUTHORED);
    const text = fullText(element);
    const title = authored && authored !== text ? `${text}\n${authored}` : text;
    if (element.getAttribute('title') !== title) element.setAttribute('title', title);
  } else if (auto) {
    const authored = element.getAttribute(AUTHORED);
    if (authored) element.setAttribute('title', authored);
    else element.removeAttribute('title');
    element.removeAttribute(AUTO);
    element.removeAttribute(AUTHORED);
  }
}

/** Elements worth a look: shown text (no select's options, SVG or canvas), or titled by us before. */
const CANDIDATES = `*:not(select):not(svg *):not(canvas), [${AUTO}]`;

function check(element: HTMLElement): void {
  // cheap test first: only boxes whose content is wider than they are, or that we titled before
  if (element.scrollWidth > element.clientWidth + 1 || element.hasAttribute(AUTO)) update(element);
}

/** One pass over the page: selects, and every element whose text overflows its box. */
export function updateOverflowTitles(root: ParentNode = document): void {
  for (const select of root.querySelectorAll<HTMLSelectElement>('select')) update(select);
  for (const element of root.querySelectorAll<HTMLElement>(`body ${CANDIDATES}`)) {
    if (element instanceof HTMLSelectElement) continue;
    check(element);
  }
}

/**
 * The pass after a text or inline style changed inside `element`: the element's parent and everything in it (a
 * longer text can squeeze its siblings in a row), and the parent's ancestors (a longer text can
 * make a box around it overflow). Layout further away can change only with a structural change,
 * which rescans the page.
 */
export function updateOverflowTitlesAround(element: Element): void {
  const region = element.parentElement ?? element;
  for (const select of region.querySelectorAll<HTMLSelectElement>('select')) update(select);
  for (const inside of region.querySelectorAll<HTMLElement>(CANDIDATES)) {
    if (!(inside instanceof HTMLSelectElement)) check(inside);
  }
  for (let around: Element | null = region; around && around !== document.body; around = around.parentElement) {
    if (around instanceof HTMLSelectElement) update(around);
    else if (around instanceof HTMLElement) check(around);
  }
}

const ELEMENT_NODE = 1;
const OWN_ATTRIBUTES = new Set(['title', AUTO, AUTHORED]);

/**
 * What a batch of mutations asks to rescan: nothing (our own title changes), the elements whose
 * text or inline style changed (a progress event rewrites a few numbers and a progress bar's
 * transform, several times a second while a job runs), or the whole page (elements added or
 * removed, a class changed). An inline style that moves boxes far from its element (rare: a
 * dragged splitter) is caught up by the next page scan.
 */
export function rescanFor(records: readonly MutationRecord[]): 'page' | Set<Element> {
  const changed = new Set<Element>();
  for (const record of records) {
    if (record.type === 'attributes') {
      if (OWN_ATTRIBUTES.has(record.attributeName ?? '')) continue;
      if (record.attributeName !== 'style') return 'page';
      changed.add(record.target as Element);
      continue;
    }
    if (record.type === 'characterData') {
      const holder = record.target.parentElement;
      if (holder) changed.add(holder);
      continue;
    }
    // childList: only texts (and comments) swapped keep the elements as they were
    const nodes = [...Array.from(record.addedNodes), ...Array.from(record.removedNodes)];
    if (record.target.nodeType !== ELEMENT_NODE || nodes.some((node) => node.nodeType === ELEMENT_NODE)) return 'page';
    changed.add(record.target as Element);
  }
  return changed;
}

/** Keep titles current as the page changes (mutations, resizes, select changes). */
export function installOverflowTitles(): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  /** What the next pass covers: the page, or the elements whose text changed. */
  let pending: 'page' | Set<Element> = new Set();
  const run = () => {
    timer = null;
    const scope = pending;
    pending = new Set();
    if (scope === 'page') updateOverflowTitles();
    else for (const element of scope) if (element.isConnected) updateOverflowTitlesAround(element);
  };
  const schedule = (scope: 'page' | Set<Element>) => {
    if (scope === 'page') pending = 'page';
    else if (pending !== 'page') for (const element of scope) pending.add(element);
    if (timer === null) timer = setTimeout(run, SCAN_DELAY_MS);
  };
  const schedulePage = () => schedule('page');
  const observer = new MutationObserver((records) => {
    const scope = rescanFor(records);
    if (scope === 'page' || scope.size > 0) schedule(scope);
  });
  observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['class', 'style', 'title'] });
  window.addEventListener('resize', schedulePage);
  document.addEventListener('change', schedulePage, true);
  schedulePage();
  return () => {
    observer.disconnect();
    if (timer !== null) clearTimeout(timer);
    window.removeEventListener('resize', schedulePage);
    document.removeEventListener('change', schedulePage, true);
  };
}
