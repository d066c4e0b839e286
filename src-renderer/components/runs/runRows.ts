/**
 * The rows of the runs browser: every result a project holds — training runs (reward or gradient,
 * grouped or not, refinements, library patterns), speed manifolds, primitive libraries and
 * experiment results — as one sortable, filterable list. Pure functions over the project's view
 * (src-shared/project/view.ts), unit-tested without the DOM.
 */
import type { Collection } from '../../../src-shared/project/edits.js';
import type { ProjectView } from '../../../src-shared/project/view.js';
import { countOf } from '../../../src-shared/plots/format.js';

export type RunRowKind = 'training' | 'refine' | 'library-pattern' | 'speed' | 'library' | 'experiment' | 'reproduction' | 'sweep';

export interface RunRow {
  collection: Collection;
  id: string;
  kind: RunRowKind;
  name: string;
  notes: string;
  /** 'reward', 'gradient', 'gradient · x0', … ('' for libraries and experiments). */
  rule: string;
  /** 'G = N', 'G = 10 random', 'G = 10 specialised', ''. */
  groups: string;
  seed: number | null;
  networkId: string | null;
  networkName: string;
  targetIds: string[];
  targetNames: string;
  sessions: number | null;
  trials: number | null;
  bestError: number | null;
  durationMs: number | null;
  /** ISO date the result was made (finished, or created). */
  date: string;
  status: string;
  /** Settings as recorded (JSON values), for the detail pane. */
  settings: Record<string, unknown>;
}

export const KIND_LABELS: Record<RunRowKind, string> = {
  training: 'training',
  refine: 'refine',
  'library-pattern': 'library pattern',
  speed: 'speed manifold',
  library: 'primitive library',
  experiment: 'experiment',
  reproduction: 'reproduction report',
  sweep: 'sweep',
};

/** finishedAt − startedAt in ms, when both are recorded. */
function spanMs(startedAt: string | null | undefined, finishedAt: string | null | undefined): number | null {
  const started = startedAt ? Date.parse(startedAt) : NaN;
  const finished = finishedAt ? Date.parse(finishedAt) : NaN;
  return Number.isFinite(started) && Number.isFinite(finished) ? Math.max(0, finished - started) : null;
}

function groupsText(settings: Record<string, unknown>, labels: number[] | null): string {
  if (!labels) return 'G = N';
  const groups = settings.groups as { kind?: string } | undefined;
  const count = new Set(labels).size;
  const kind = groups?.kind === 'random' ? 'random' : groups?.kind === 'specialised' ? 'specialised' : groups?.kind === 'explicit' ? 'given' : '';
  return `G = ${count}${kind ? ` ${kind}` : ''}`;
}

/** How many rows projectRows gives (the "Runs (N)…" button), without building them. */
export function projectRowCount(project: ProjectView): number {
  return project.runs.length + project.speedManifolds.length + project.primitiveLibraries.length + project.experimentResults.length;
}

export function projectRows(project: ProjectView): RunRow[] {
  const networks = new Map(project.networks.map((n) => [n.id, n.name]));
  const targets = new Map(project.targets.map((t) => [t.id, t.name]));
  const rows: RunRow[] = [];
  for (const run of project.runs) {
    const trainable = (run.settings as { trainable?: string }).trainable ?? 'gains';
    rows.push({
      collection: 'runs',
      id: run.id,
      kind: run.purpose === 'refine' ? 'refine' : run.purpose === 'library' ? 'library-pattern' : 'training',
      name: run.name,
      notes: run.notes,
      rule: run.rule === 'gradient' && trainable !== 'gains' ? `gradient · ${trainable}` : run.rule,
      groups: groupsText(run.settings, run.groupLabels),
      seed: run.seed,
      networkId: run.networkId,
      networkName: networks.get(run.networkId) ?? run.networkId,
      targetIds: [...run.targetIds],
      targetNames: run.targetIds.map((id) => targets.get(id) ?? id).join(', '),
      sessions: run.sessions.length,
      trials: run.trials,
      bestError: run.bestError,
      durationMs: run.durationMs,
      date: run.finishedAt ?? run.startedAt ?? '',
      status: run.status,
      settings: run.settings,
    });
  }
  for (const manifold of project.speedManifolds) {
    const errors = manifold.errors ?? [];
    rows.push({
      collection: 'speedManifolds',
      id: manifold.id,
      kind: 'speed',
      name: manifold.name,
      notes: manifold.notes ?? '',
      rule: manifold.rule ?? '',
      groups: manifold.groupLabels ? groupsText(manifold.settings ?? {}, manifold.groupLabels) : '',
      seed: manifold.seed ?? null,
      networkId: manifold.networkId,
      networkName: networks.get(manifold.networkId) ?? manifold.networkId,
      targetIds: [],
      targetNames: `${manifold.durations.length} speeds`,
      sessions: null,
      trials: (manifold.settings as { trials?: number } | undefined)?.trials ?? null,
      // the joint error at the slowest speed learned (the fastest is the network's own output)
      bestError: errors.length > 0 ? errors[errors.length - 1] : null,
      // manifolds kept before their times were recorded have none (the table shows – and says why)
      durationMs: spanMs(manifold.startedAt, manifold.finishedAt),
      date: manifold.finishedAt ?? '',
      status: manifold.status ?? 'done',
      settings: manifold.settings ?? {},
    });
  }
  for (const library of project.primitiveLibraries) {
    rows.push({
      collection: 'primitiveLibraries',
      id: library.id,
      kind: 'library',
      name: library.name,
      notes: library.notes ?? '',
      rule: '',
      groups: '',
      seed: null,
      networkId: library.networkId,
      networkName: networks.get(library.networkId) ?? library.networkId,
      targetIds: [],
      targetNames: countOf(library.size, 'pattern'),
      sessions: null,
      trials: null,
      bestError: null,
      durationMs: null,
      date: '',
      status: 'done',
      settings: { runIds: library.runIds },
    });
  }
  for (const result of project.experimentResults) {
    rows.push({
      collection: 'experimentResults',
      id: result.id,
      // experiment results hold paper experiments, reproduction reports and sweeps: named as they are
      kind: result.kind,
      name: result.name,
      notes: result.notes,
      rule: '',
      groups: '',
      seed: result.seed,
      networkId: result.networkId,
      networkName: result.networkId ? (networks.get(result.networkId) ?? result.networkName) : result.networkName,
      targetIds: [],
      targetNames: result.definition,
      sessions: null,
      trials: null,
      bestError: null,
      durationMs: result.elapsedMs,
      date: result.finishedAt ?? '',
      status: result.status,
      settings: result.settings,
    });
  }
  return rows;
}

export type SortKey = 'name' | 'kind' | 'rule' | 'seed' | 'target' | 'network' | 'bestError' | 'trials' | 'duration' | 'date';

export interface RowFilter {
  text: string;
  networkId: string | null;
  targetId: string | null;
  kind: RunRowKind | null;
}

export function filterRows(rows: readonly RunRow[], filter: RowFilter): RunRow[] {
  const text = filter.text.trim().toLowerCase();
  return rows.filter(
    (row) =>
      (!filter.networkId || row.networkId === filter.networkId) &&
      (!filter.targetId || row.targetIds.includes(filter.targetId)) &&
      (!filter.kind || row.kind === filter.kind) &&
      (!text || `${row.name} ${row.notes} ${row.targetNames} ${row.networkName} ${row.rule} ${row.groups}`.toLowerCase().includes(text)),
  );
}

/** Sorted copy; rows without a value (null) go last whatever the direction. */
export function sortRows(rows: readonly RunRow[], key: SortKey, ascending: boolean): RunRow[] {
  const value = (row: RunRow): string | number | null => {
    switch (key) {
      case 'name':
        return row.name.toLowerCase();
      case 'kind':
        return KIND_LABELS[row.kind];
      case 'rule':
        return row.rule || null;
      case 'seed':
        return row.seed;
      case 'target':
        return row.targetNames.toLowerCase() || null;
      case 'network':
        return row.networkName.toLowerCase();
      case 'bestError':
        return row.bestError;
      case 'trials':
        return row.trials;
      case 'duration':
        return row.durationMs;
      case 'date':
        return row.date || null;
    }
  };
  return [...rows].sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    if (va === null && vb === null) return 0;
    if (va === null) return 1;
    if (vb === null) return -1;
    const order = va < vb ? -1 : va > vb ? 1 : 0;
    return ascending ? order : -order;
  });
}
