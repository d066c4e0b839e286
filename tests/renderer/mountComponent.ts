/**
 * Mounts a renderer component (a .vue file, compiled by @vitejs/plugin-vue in vitest.config.ts) in
 * Node without a browser: Vue's own runtime over a minimal element tree, so setup, the template's
 * refs and bindings, watchers and lifecycle hooks run as in the app. Nothing is laid out or
 * painted; components that need a real DOM (ECharts' canvas) are replaced with vi.mock in the test.
 * Used by tests/renderer/summaryWatchers.mount.test.ts.
 */
import { createRenderer, defineComponent, h, reactive, type Component } from 'vue';

/** An element, text or comment of the tree the component renders into. */
export interface FakeNode {
  tag: string;
  text: string;
  parent: FakeNode | null;
  children: FakeNode[];
  attributes: Record<string, unknown>;
  style: Record<string, string>;
  value: unknown;
  /** A <select>'s options (v-model reads them; none here). */
  options: FakeNode[];
  listeners: Record<string, ((event: unknown) => void)[]>;
  addEventListener(type: string, listener: (event: unknown) => void): void;
  removeEventListener(type: string, listener: (event: unknown) => void): void;
  /** v-model asks it which element has the focus (none: nothing is focused here). */
  getRootNode(): { activeElement: FakeNode | null };
}

function node(tag: string, text = ''): FakeNode {
  const created: FakeNode = {
    tag,
    text,
    parent: null,
    children: [],
    attributes: {},
    style: {},
    value: '',
    options: [],
    listeners: {},
    addEventListener: (type, listener) => (created.listeners[type] ??= []).push(listener),
    removeEventListener: (type, listener) => {
      created.listeners[type] = (created.listeners[type] ?? []).filter((l) => l !== listener);
    },
    getRootNode: () => ({ activeElement: null }),
  };
  return created;
}

/** The first element under `root` (itself included) whose id is `id`. */
export function findById(root: FakeNode, id: string): FakeNode | null {
  if (root.attributes.id === id) return root;
  for (const child of root.children) {
    const found = findById(child, id);
    if (found) return found;
  }
  return null;
}

/** The first element under `root` (itself included) with this data-testid. */
export function findByTestId(root: FakeNode, testId: string): FakeNode | null {
  if (root.attributes['data-testid'] === testId) return root;
  for (const child of root.children) {
    const found = findByTestId(child, testId);
    if (found) return found;
  }
  return null;
}

/** Type `text` into a text field as the browser would: its value, then an input event (v-model listens to it). */
export function typeInto(field: FakeNode, text: string): void {
  field.value = text;
  for (const listener of field.listeners.input ?? []) listener({ target: field });
}

function detach(child: FakeNode): void {
  const parent = child.parent;
  if (!parent) return;
  parent.children.splice(parent.children.indexOf(child), 1);
  child.parent = null;
}

const renderer = createRenderer<FakeNode, FakeNode>({
  createElement: (tag) => node(tag),
  createText: (text) => node('#text', text),
  createComment: (text) => node('#comment', text),
  setText: (target, text) => {
    target.text = text;
  },
  setElementText: (element, text) => {
    for (const child of element.children) child.parent = null;
    element.children = text ? [Object.assign(node('#text', text), { parent: element })] : [];
  },
  insert: (child, parent, anchor) => {
    detach(child);
    const at = anchor ? parent.children.indexOf(anchor) : -1;
    if (at < 0) parent.children.push(child);
    else parent.children.splice(at, 0, child);
    child.parent = parent;
  },
  remove: detach,
  parentNode: (child) => child.parent,
  nextSibling: (child) => {
    const siblings = child.parent?.children ?? [];
    return siblings[siblings.indexOf(child) + 1] ?? null;
  },
  patchProp: (element, key, _previous, next) => {
    if (key === 'value') element.value = next;
    else element.attributes[key] = next;
  },
});

/** A mounted component: its props (change them to re-render), its exposed state, and unmount. */
export interface Mounted<P extends object> {
  props: P;
  root: FakeNode;
  unmount(): void;
}

/** Mount `component` with reactive `props` (assigning to them updates the component as a parent would). */
export function mountComponent<P extends object>(component: Component, props: P): Mounted<P> {
  const state = reactive({ ...props }) as P;
  const root = node('root');
  // a parent that renders the component with the props, so changing one updates it as in the app
  const parent = defineComponent({ setup: () => () => h(component, state as Record<string, unknown>) });
  // stores come from the active Pinia the test created (setActivePinia), as they do outside components
  const app = renderer.createApp(parent);
  app.mount(root);
  return { props: state, root, unmount: () => app.unmount() };
}
