/**
 * Cut text gets a title (src-renderer/lib/overflowTitles.ts). While a job runs, its numbers change
 * several times a second; each change rescanned the whole page (every element's scrollWidth, a
 * layout read), 20–80 ms of every 8 s of a 10-session run. A change of text or inline style now
 * rescans only around it: its element's parent and what is in it, and the ancestors. Elements
 * added or removed, or a class changed, still rescan the page. Here in Node, over a minimal element tree (widths set by the test, so an
 * element is "cut" when its text is wider than its box), with the page's MutationObserver fed the
 * records a browser would give.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

class FakeElement {
  parentElement: FakeElement | null = null;
  children: FakeElement[] = [];
  attributes = new Map<string, string>();
  clientWidth = 100;
  scrollWidth = 100;
  readonly nodeType = 1;
  constructor(public textContent = '') {}
  get isConnected(): boolean {
    return true;
  }
  append(...children: FakeElement[]): this {
    for (const child of children) {
      child.parentElement = this;
      this.children.push(child);
    }
    return this;
  }
  /** Every element below (a stand-in for the selectors the module uses: selects, or all shown elements). */
  querySelectorAll(selector: string): FakeElement[] {
    scannedFrom.push(this);
    const all: FakeElement[] = [];
    const walk = (element: FakeElement) => {
      for (const child of element.children) {
        all.push(child);
        walk(child);
      }
    };
    walk(this);
    return selector === 'select' ? all.filter((e) => e instanceof FakeSelect) : all;
  }
  hasAttribute(name: string): boolean {
    return this.attributes.has(name);
  }
  getAttribute(name: string): string | null {
    return this.attributes.get(name) ?? null;
  }
  setAttribute(name: string, value: string): void {
    this.attributes.set(name, value);
  }
  removeAttribute(name: string): void {
    this.attributes.delete(name);
  }
}
class FakeSelect extends FakeElement {}

/** The elements whose descendants were listed, in order (the page's body for a page scan). */
let scannedFrom: FakeElement[] = [];
let observed: ((records: unknown[]) => void) | null = null;
let body: FakeElement;

beforeEach(() => {
  vi.useFakeTimers();
  scannedFrom = [];
  body = new FakeElement();
  vi.stubGlobal('HTMLElement', FakeElement);
  vi.stubGlobal('HTMLSelectElement', FakeSelect);
  vi.stubGlobal('getComputedStyle', () => ({ overflowX: 'hidden', textOverflow: 'ellipsis' }));
  vi.stubGlobal('document', {
    body,
    querySelectorAll: (selector: string) => body.querySelectorAll(selector),
    addEventListener: () => {},
    removeEventListener: () => {},
  });
  vi.stubGlobal('window', { addEventListener: () => {}, removeEventListener: () => {} });
  vi.stubGlobal(
    'MutationObserver',
    class {
      constructor(callback: (records: unknown[]) => void) {
        observed = callback;
      }
      observe(): void {}
      disconnect(): void {}
    },
  );
});

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

/** A card: a row with a job's label (cut when long) and its progress text, and a far-away heading. */
function page() {
  const label = new FakeElement('reward run of the example network');
  const progress = new FakeElement('12 %');
  const row = new FakeElement().append(label, progress);
  const card = new FakeElement().append(row);
  const heading = new FakeElement('Error over trials');
  const other = new FakeElement().append(heading);
  body.append(card, other);
  return { label, progress, row, card, heading };
}

/**
 * The module, loaded by a path the type checker does not follow: it is DOM code, and the tests'
 * type check (tsconfig.node.json) has no DOM types; the web one checks it.
 */
async function loadOverflowTitles(): Promise<{ installOverflowTitles(): () => void }> {
  const modulePath = new URL('../../src-renderer/lib/overflowTitles.ts', import.meta.url).pathname;
  return (await import(modulePath)) as { installOverflowTitles(): () => void };
}

/** A browser's record of a text node's new value inside `element`. */
const textChanged = (element: FakeElement) => ({ type: 'characterData', target: { nodeType: 3, parentElement: element } });

describe('titles of cut text', () => {
  it('rescans around a changed text or style, not the page; an added element or a class change rescans the page', async () => {
    const { installOverflowTitles } = await loadOverflowTitles();
    const { label, progress, row, heading } = page();
    const uninstall = installOverflowTitles();
    vi.advanceTimersByTime(1000);
    expect(scannedFrom.filter((e) => e === body).length).toBeGreaterThan(0); // the first pass: the page
    expect(label.getAttribute('title')).toBeNull();

    // the progress text grows; the label beside it is cut now (and a heading elsewhere too, which
    // only a page scan would see)
    scannedFrom = [];
    progress.textContent = '100 % (finishing)';
    label.scrollWidth = 180;
    heading.scrollWidth = 180;
    for (let event = 0; event < 5; event++) {
      observed!([textChanged(progress)]);
      vi.advanceTimersByTime(100);
    }
    vi.advanceTimersByTime(1000);
    expect(scannedFrom.includes(body), 'body scanned').toBe(false);
    expect(scannedFrom.includes(row), 'row scanned').toBe(true);
    expect(label.getAttribute('title')).toBe('reward run of the example network');
    expect(heading.getAttribute('title')).toBeNull();

    // a text swapped as a node (Vue's textContent write) is a text change too
    scannedFrom = [];
    label.scrollWidth = 100;
    observed!([{ type: 'childList', target: progress, addedNodes: [{ nodeType: 3 }], removedNodes: [{ nodeType: 3 }] }]);
    vi.advanceTimersByTime(1000);
    expect(scannedFrom.includes(body), 'body scanned').toBe(false);
    expect(label.getAttribute('title')).toBeNull();

    // a progress bar's inline style (its fill's transform): around it too; a class changed: the page
    scannedFrom = [];
    observed!([{ type: 'attributes', attributeName: 'style', target: progress }]);
    vi.advanceTimersByTime(1000);
    expect(scannedFrom.includes(body), 'body scanned').toBe(false);
    expect(scannedFrom.includes(row), 'row scanned').toBe(true);
    scannedFrom = [];
    observed!([{ type: 'attributes', attributeName: 'class', target: progress }]);
    vi.advanceTimersByTime(1000);
    expect(scannedFrom.includes(body), 'body scanned').toBe(true);

    // an element added: the page
    scannedFrom = [];
    observed!([{ type: 'childList', target: row, addedNodes: [new FakeElement('new')], removedNodes: [] }]);
    vi.advanceTimersByTime(1000);
    expect(scannedFrom.includes(body), 'body scanned').toBe(true);
    expect(heading.getAttribute('title')).toBe('Error over trials');
    uninstall();
  });
});
