/**
 * No text is cut without a tooltip. Card titles, job labels, names in lists and selects shorten
 * with an ellipsis when their column is narrow ("Eigenvalues of the linearisati…", a select
 * showing "paper (η ="); this gives every such element a `title` with its full text while it is
 * cut, and takes it away when it fits again. One observer for the whole page rather than a
 * directive on each element, so a new view or form is covered without remembering to.
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

/** One pass over the page: selects, and every element whose text overflows its box. */
export function updateOverflowTitles(root: ParentNode = document): void {
  for (const select of root.querySelectorAll<HTMLSelectElement>('select')) update(select);
  for (const element of root.querySelectorAll<HTMLElement>(`body *:not(select):not(svg *):not(canvas), [${AUTO}]`)) {
    if (element instanceof HTMLSelectElement) continue;
    // cheap test first: only boxes whose content is wider than they are, or that we titled before
    if (element.scrollWidth > element.clientWidth + 1 || element.hasAttribute(AUTO)) update(element);
  }
}

/** Keep titles current as the page changes (mutations, resizes, select changes). */
export function installOverflowTitles(): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const schedule = () => {
    if (timer !== null) return;
    timer = setTimeout(() => {
      timer = null;
      updateOverflowTitles();
    }, SCAN_DELAY_MS);
  };
  const observer = new MutationObserver((records) => {
    // our own title changes are mutations too: ignore those
    if (records.every((r) => r.type === 'attributes' && (r.attributeName === 'title' || r.attributeName === AUTO || r.attributeName === AUTHORED))) return;
    schedule();
  });
  observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['class', 'style', 'title'] });
  window.addEventListener('resize', schedule);
  document.addEventListener('change', schedule, true);
  schedule();
  return () => {
    observer.disconnect();
    window.removeEventListener('resize', schedule);
    document.removeEventListener('change', schedule, true);
  };
}
