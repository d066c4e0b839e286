/**
 * The runs browser (src-renderer/components/runs/RunsBrowser.vue) while main pushes project
 * summaries that change nothing it shows (an autosave, another item renamed): the name and notes
 * being typed for the focused run stay, and the ticked runs' curves are not drawn again. Each
 * summary brings new row objects, and watching the row object put the stored name back.
 * Mounted with tests/renderer/mountComponent.ts; ECharts is a stub that records each option.
 * Also: the comparison names every ticked run whole, in its curve's colour. The chart's own scroll
 * legend showed one name of two in the card at 1280 × 800 (the other behind its arrows).
 */
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h, watch } from 'vue';
import { CHANNELS, EVENTS } from '../../src-shared/ipc/contract.js';
import { createEmptyProject, type Project } from '../../src-shared/project/schema.js';
import { installTransport } from '../../src-renderer/stores/api.js';
import { useProjectStore } from '../../src-renderer/stores/project.js';
import RunsBrowser from '../../src-renderer/components/runs/RunsBrowser.vue';
import { FakeTransport, flushPromises, summaryOf, tinyNetwork, tinyTarget } from './fakes.js';
import { findByTestId, mountComponent, typeInto, type FakeNode } from './mountComponent.js';
import { storedRun } from './storedRunFixture.js';

/** Every option the charts were given (a new one is drawn again). */
const optionsGiven = vi.hoisted(() => [] as unknown[]);
vi.mock('vue-echarts', () => ({
  default: defineComponent({
    props: { option: { type: Object, default: null } },
    setup(props) {
      watch(
        () => props.option,
        (option) => optionsGiven.push(option),
        { immediate: true },
      );
      return () => h('div');
    },
  }),
}));

let transport: FakeTransport;
let project: Project;
let revision = 1;
/** Main pushes the project again, as the socket delivers it (every row's item a new object). */
function pushSummary(change: (p: Project) => Project): void {
  project = change(project);
  transport.emit(EVENTS.projectChanged, structuredClone(summaryOf(project, { revision: ++revision })));
}
/** Every text under `element`, in order. */
function textOf(element: FakeNode): string {
  return element.text + element.children.map(textOf).join('');
}
/** Tick the table row `index` (its checkbox, as the browser's change event does). */
function tickRow(root: FakeNode, index: number, key: string): void {
  const rows: FakeNode[] = [];
  const collect = (n: FakeNode) => {
    if (n.attributes['data-testid'] === 'run-row') rows.push(n);
    n.children.forEach(collect);
  };
  collect(root);
  const tick = rows[index].children[0].children[0];
  tick.value = key;
  Object.assign(tick, { checked: true });
  for (const listener of tick.listeners.change ?? []) listener({ target: tick });
}
function click(element: FakeNode | null): void {
  (element?.attributes.onClick as (event: unknown) => void)({ stopPropagation() {} });
}

beforeEach(async () => {
  setActivePinia(createPinia());
  transport = new FakeTransport();
  installTransport(transport);
  optionsGiven.length = 0;
  project = createEmptyProject('Study', new Date(0), 'p1');
  project.networks = [tinyNetwork('net-a')];
  project.targets = [tinyTarget('t1', 'Target 1')];
  project.runs = [storedRun('run-1', 'Run 1', [0.3]), storedRun('run-2', 'Run 2', [0.3])];
  transport.answer(CHANNELS.projectCurrent, () => structuredClone(summaryOf(project, { revision })));
  transport.answer(CHANNELS.projectRun, ({ runId }) => project.runs.find((r) => r.id === runId)!);
  await useProjectStore().init();
});

describe('runs browser: project summaries that change nothing shown', () => {
  it('the name and notes being typed for the focused run stay; an undo or a rename of the run itself still shows', async () => {
    const mounted = mountComponent(RunsBrowser, {});
    await flushPromises();
    click(findByTestId(mounted.root, 'run-row'));
    await flushPromises();
    const name = () => findByTestId(mounted.root, 'run-name')!;
    const notes = () => findByTestId(mounted.root, 'run-notes')!;
    expect(name().value).toBe('Run 1');
    typeInto(name(), 'Run 1, σ = 0.003');
    typeInto(notes(), 'the noisier one');

    pushSummary((p) => ({ ...p, name: 'Study renamed' }));
    await flushPromises();
    pushSummary((p) => ({ ...p, runs: p.runs.map((r) => (r.id === 'run-2' ? { ...r, name: 'Run 2 renamed' } : r)) }));
    await flushPromises();
    expect({ name: name().value, notes: notes().value }).toEqual({ name: 'Run 1, σ = 0.003', notes: 'the noisier one' });

    // the focused run's own name changed (an undo, another window): the field shows it
    pushSummary((p) => ({ ...p, runs: p.runs.map((r) => (r.id === 'run-1' ? { ...r, name: 'Run 1 (undone)' } : r)) }));
    await flushPromises();
    expect(name().value).toBe('Run 1 (undone)');
    mounted.unmount();
  });

  it('the ticked runs’ curves are drawn once, not again with each summary; a rename of one still shows', async () => {
    const mounted = mountComponent(RunsBrowser, {});
    await flushPromises();
    const tick = findByTestId(mounted.root, 'run-row')!.children[0].children[0];
    tick.value = 'runs:run-1';
    Object.assign(tick, { checked: true });
    for (const listener of tick.listeners.change ?? []) listener({ target: tick });
    await flushPromises();
    expect(findByTestId(mounted.root, 'runs-curves')?.attributes['data-series']).toBe(1);
    const drawn = optionsGiven.length;

    pushSummary((p) => ({ ...p, name: 'Study renamed' }));
    await flushPromises();
    pushSummary((p) => ({ ...p, notes: 'autosaved' }));
    await flushPromises();
    expect({ fetched: transport.callsTo(CHANNELS.projectRun).length, drawnAgain: optionsGiven.length - drawn }).toEqual({ fetched: 1, drawnAgain: 0 });

    // a rename of a ticked run shows in the legend
    pushSummary((p) => ({ ...p, runs: p.runs.map((r) => (r.id === 'run-1' ? { ...r, name: 'Run 1 renamed' } : r)) }));
    await flushPromises();
    expect(findByTestId(mounted.root, 'runs-curves')?.attributes['data-names']).toBe('Run 1 renamed');
    expect(optionsGiven.length - drawn).toBe(1);
    mounted.unmount();
  });

  it('the comparison names every ticked run whole, each in the colour of its curve', async () => {
    const long = ['Reward rule · G = N · novel_target · seed 1 · 2 sessions', 'Gradient (Adam) · G = N · novel_target · seed 1'];
    pushSummary((p) => ({ ...p, runs: [storedRun('run-1', long[0], [0.3]), storedRun('run-2', long[1], [0.2])] }));
    await flushPromises();
    const mounted = mountComponent(RunsBrowser, {});
    await flushPromises();
    tickRow(mounted.root, 0, 'runs:run-1');
    await flushPromises();
    tickRow(mounted.root, 1, 'runs:run-2');
    await flushPromises();
    expect(findByTestId(mounted.root, 'runs-curves')?.attributes['data-series']).toBe(2);

    const option = optionsGiven[optionsGiven.length - 1] as { legend?: { show?: boolean }; series: Array<{ id: string; lineStyle: { color: string } }> };
    const shown: Array<{ name: string; color: unknown }> = [];
    const collect = (n: FakeNode) => {
      if (n.attributes['data-testid'] === 'runs-curve-name') {
        const swatch = n.children.find((c) => c.tag === 'span');
        shown.push({ name: textOf(n).trim(), color: (swatch?.attributes.style as { background?: string } | undefined)?.background });
      }
      n.children.forEach(collect);
    };
    collect(mounted.root);
    // in the series' order, by their whole names, in their lines' colours
    const byId = new Map([['run-1', long[0]], ['run-2', long[1]]]);
    expect(shown).toEqual(option.series.map((series) => ({ name: byId.get(series.id), color: series.lineStyle.color })));
    expect(new Set(shown.map((s) => s.color)).size).toBe(2);
    // and the chart draws no legend of its own that cuts them (a scroll legend paged them)
    expect(option.legend?.show).toBe(false);
    mounted.unmount();
  });
});
