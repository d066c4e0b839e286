/**
 * Where keyboard focus goes when part of the page opens or closes (two Vue directives):
 * - v-modal-focus on a dialog: Tab and Shift+Tab cycle through the dialog's controls (the page
 *   behind a modal is out of reach), and when the dialog closes focus goes back to the element that
 *   had it when the dialog opened (the button or the field where a shortcut was pressed).
 * - v-view-focus on a view that takes the place of the workspace (the target editor, the analyses):
 *   focus moves to the view's first heading, so a screen reader says where one is, and goes back to
 *   the button that opened the view when it closes.
 *   Escape closes the view as its close button does (closeViewOnEscape); of views open one inside
 *   another, the innermost.
 * Without them, focus was left on the page's body: the next Tab started again from the top.
 */
import type { Directive } from 'vue';

const TABBABLE = 'button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), a[href], summary, [tabindex]:not([tabindex="-1"])';

/** The element that had focus before a dialog or view opened, per opened element. */
const openers = new WeakMap<HTMLElement, HTMLElement>();

/**
 * The element that last took focus. A view that replaces its own opener (v-if / v-else) removes the
 * opener before the view mounts, and focus has fallen to the body by then: the removed element is
 * the opener.
 */
let lastFocused: HTMLElement | null = null;
let followingFocus = false;
function followFocus(): void {
  if (followingFocus) return;
  followingFocus = true;
  document.addEventListener('focusin', (event) => {
    if (event.target instanceof HTMLElement) lastFocused = event.target;
  }, true);
}

function rememberOpener(element: HTMLElement): void {
  followFocus();
  const active = document.activeElement;
  if (active instanceof HTMLElement && active !== document.body && !element.contains(active)) openers.set(element, active);
  else if (active === document.body && lastFocused && !lastFocused.isConnected) openers.set(element, lastFocused);
}

/**
 * The opener, or the element that took its place: a view that replaces its own opener (the
 * primitives view's 'Draw new target…' makes way for the editor) renders a new button when it
 * comes back, found by the old one's data-testid.
 */
function openerNow(opener: HTMLElement): HTMLElement | null {
  if (opener.isConnected) return opener;
  const testId = opener.getAttribute('data-testid');
  if (!testId) return null;
  const matches = opener.ownerDocument.querySelectorAll<HTMLElement>(`[data-testid="${CSS.escape(testId)}"]`);
  return matches.length === 1 ? matches[0] : null;
}

/**
 * Focus back where it was, unless something else took it meanwhile or the opener is gone or hidden.
 * After the update that closed the element: the workspace shown again (v-show) is still hidden
 * while the closed view's hooks run.
 */
function returnFocus(element: HTMLElement): void {
  const opener = openers.get(element);
  openers.delete(element);
  if (!opener) return;
  void Promise.resolve().then(() => {
    const active = document.activeElement;
    const focusIsLost = !active || active === document.body || !active.isConnected;
    const target = openerNow(opener);
    if (focusIsLost && target && target.getClientRects().length > 0) target.focus();
  });
}

function tabbables(container: HTMLElement): HTMLElement[] {
  return Array.from(container.querySelectorAll<HTMLElement>(TABBABLE)).filter((node) => node.getClientRects().length > 0);
}

function trapTab(this: HTMLElement, event: KeyboardEvent): void {
  if (event.key !== 'Tab') return;
  const inside = tabbables(this);
  if (inside.length === 0) return;
  const first = inside[0];
  const last = inside[inside.length - 1];
  const active = document.activeElement;
  if (event.shiftKey && (active === first || active === this)) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && active === last) {
    event.preventDefault();
    first.focus();
  }
}

export const vModalFocus: Directive<HTMLElement> = {
  // before mount: the opener still has focus (the dialog's own code moves it inside afterwards)
  beforeMount(element) {
    rememberOpener(element);
    element.addEventListener('keydown', trapTab);
  },
  unmounted(element) {
    element.removeEventListener('keydown', trapTab);
    returnFocus(element);
  },
};

/** Marks a view's own close or back button: Escape presses it (closeViewOnEscape). */
export const VIEW_CLOSE_ATTRIBUTE = 'data-view-close';

/** Marks an element with v-view-focus: a view can open inside another (the editor in the primitives view). */
const VIEW_ATTRIBUTE = 'data-full-view';

/** The outermost view that `view` is part of (itself when it is not inside another). */
function outermostView(view: HTMLElement): HTMLElement {
  let outer = view;
  for (let up = view.parentElement?.closest<HTMLElement>(`[${VIEW_ATTRIBUTE}]`); up; up = up.parentElement?.closest<HTMLElement>(`[${VIEW_ATTRIBUTE}]`)) outer = up;
  return outer;
}

/**
 * Whether an Escape is the researcher's "close this view". Not when it was meant for something else:
 * whatever used it said so (preventDefault: a field's own cancel such as the project's rename, the
 * movement editor's point selection), a modal dialog is open (it closes first), an IME composition
 * is going on (Escape cancels the composition), focus is on a <select> (an open list closes with
 * Escape, and whether it is open cannot be told) or inside an open menu or list box. Only keys
 * pressed in the view, or with focus on nothing (the page's body): not the sidebar's.
 */
export function escapeClosesView(event: KeyboardEvent, view: HTMLElement): boolean {
  if (event.key !== 'Escape' || event.defaultPrevented || event.isComposing || event.keyCode === 229) return false;
  if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return false;
  // a view open inside this one closes first (Escape in the primitives view's editor closed the
  // whole primitives view); keys anywhere in the views around it count for the innermost
  if (view.querySelector(`[${VIEW_ATTRIBUTE}]`)) return false;
  const doc = view.ownerDocument;
  const target = event.target;
  const onNothing = target === doc || target === doc.body || target === doc.documentElement;
  if (!onNothing && !(target instanceof Node && outermostView(view).contains(target))) return false;
  if (doc.querySelector('[aria-modal="true"], dialog[open]')) return false;
  return !(target instanceof Element && target.closest('select, [aria-expanded="true"], [role="menu"], [role="listbox"]'));
}

/**
 * Escape on a view: its close button pressed as a pointer would. Focus goes to the button first, so a
 * field being typed in gets its blur and change (a run's new name is saved, as a click on Back
 * saves it), then the button's own click runs: the same store action, nothing else lost.
 */
function closeViewOnEscape(view: HTMLElement, event: KeyboardEvent): void {
  if (!escapeClosesView(event, view)) return;
  const close = view.querySelector<HTMLElement>(`[${VIEW_CLOSE_ATTRIBUTE}]`);
  if (!close || (close instanceof HTMLButtonElement && close.disabled)) return;
  event.preventDefault();
  close.focus({ preventScroll: true });
  close.click();
}

/** Each mounted view's Escape listener (on the document: a key pressed with focus on nothing counts too). */
const escapeListeners = new WeakMap<HTMLElement, (event: KeyboardEvent) => void>();

export const vViewFocus: Directive<HTMLElement> = {
  beforeMount(element) {
    rememberOpener(element);
    element.setAttribute(VIEW_ATTRIBUTE, '');
  },
  mounted(element) {
    const listener = (event: KeyboardEvent) => closeViewOnEscape(element, event);
    escapeListeners.set(element, listener);
    element.ownerDocument.addEventListener('keydown', listener);
    const heading = element.querySelector<HTMLElement>('h1, h2, h3, h4');
    if (!heading) return;
    // reachable by script only: a heading is not a Tab stop
    if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
    heading.focus({ preventScroll: true });
  },
  unmounted(element) {
    const listener = escapeListeners.get(element);
    if (listener) element.ownerDocument.removeEventListener('keydown', listener);
    escapeListeners.delete(element);
    returnFocus(element);
  },
};
