/**
 * Mounts a renderer component (a .vue file, compiled by @vitejs/plugin-vue in vitest.config.ts) in
 * Node without a browser: Vue's own runtime over a minimal element tree, so setup, the template's
 * refs and bindings, watchers and lifecycle hooks run as in the app. Nothing is laid out or
 * painted; components that need a real DOM (ECharts' canvas) are replaced with vi.mock in the test.
 * Every write the renderer makes to the tree is logged (`Mounted.writes`), as a MutationObserver
 * would see it in the browser, and every re-render of a component is counted (`Mounted.renders`).
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
  /** A <select>'s options (v-model reads them; none unless a test sets them). */
  options: FakeNode[];
  /** An option chosen (v-model on a select reads it from `options` on a change event). */
  selected?: boolean;
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

/**
 * A write to the tree: an attribute or property set (patchProp), a text changed, a node inserted or
 * removed. Vue calls patchProp only for bindings whose value changed, except `value`, which it
 * writes at every patch of the element (and runtime-dom then sets the attribute, even to the same
 * text: one MutationObserver record each time in Chromium); so is it logged here.
 */
export interface TreeWrite {
  kind: 'attribute' | 'text' | 'children';
  /** The element written (for 'children', the parent). */
  target: FakeNode;
  /** The attribute or property ('attribute' writes). */
  name?: string;
}

/** Writes of the tree currently being rendered into (the mounted component's `writes`). */
let writes: TreeWrite[] = [];

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
    writes.push({ kind: 'text', target });
    target.text = text;
  },
  setElementText: (element, text) => {
    writes.push({ kind: 'children', target: element });
    for (const child of element.children) child.parent = null;
    element.children = text ? [Object.assign(node('#text', text), { parent: element })] : [];
  },
  insert: (child, parent, anchor) => {
    writes.push({ kind: 'children', target: parent });
    detach(child);
    const at = anchor ? parent.children.indexOf(anchor) : -1;
    if (at < 0) parent.children.push(child);
    else parent.children.splice(at, 0, child);
    child.parent = parent;
  },
  remove: (child) => {
    if (child.parent) writes.push({ kind: 'children', target: child.parent });
    detach(child);
  },
  parentNode: (child) => child.parent,
  nextSibling: (child) => {
    const siblings = child.parent?.children ?? [];
    return siblings[siblings.indexOf(child) + 1] ?? null;
  },
  patchProp: (element, key, _previous, next) => {
    writes.push({ kind: 'attribute', target: element, name: key });
    if (key === 'value') element.value = next;
    else element.attributes[key] = next;
  },
});

/** A mounted component: its props (change them to re-render), its exposed state, and unmount. */
export interface Mounted<P extends object> {
  props: P;
  root: FakeNode;
  /** Every write to the tree since the mount (clear it to count from a point on). */
  writes: TreeWrite[];
  /** Re-renders (updates after the first render) of each component, by its name (`__name`). */
  renders: Map<string, number>;
  unmount(): void;
}

/** Whether `node` is `ancestor` or lies under it. */
export function isWithin(node: FakeNode, ancestor: FakeNode): boolean {
  for (let n: FakeNode | null = node; n; n = n.parent) if (n === ancestor) return true;
  return false;
}

/** Mount `component` with reactive `props` (assigning to them updates the component as a parent would). */
export function mountComponent<P extends object>(component: Component, props: P): Mounted<P> {
  const state = reactive({ ...props }) as P;
  const root = node('root');
  // a parent that renders the component with the props, so changing one updates it as in the app
  const parent = defineComponent({ setup: () => () => h(component, state as Record<string, unknown>) });
  // stores come from the active Pinia the test created (setActivePinia), as they do outside components
  const app = renderer.createApp(parent);
  const renders = new Map<string, number>();
  app.mixin({
    updated(this: { $options: { __name?: string; name?: string } }) {
      const name = this.$options.__name ?? this.$options.name ?? '?';
      renders.set(name, (renders.get(name) ?? 0) + 1);
    },
  });
  // one log per mounted tree (tests mount one component at a time)
  const log: TreeWrite[] = (writes = []);
  app.mount(root);
  return { props: state, root, writes: log, renders, unmount: () => app.unmount() };
}
