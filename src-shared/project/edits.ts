/**
 * Edits of a project as operations: what the renderer asks for (rename a run, delete a target),
 * what a finished job delivers (a run, a speed manifold, an experiment result), applied to the
 * in-memory project that main owns. Pure functions over immutable projects (a new Project object
 * per edit; unchanged items are shared), so main keeps an undo history cheaply and the same code
 * runs in tests.
 *
 * Every collection is a list of items with an id. An edit is a `ProjectChanges` (upserts and
 * removals per collection); `applyEdit` returns the next project and the `ItemChange`s it made,
 * from which undo and redo are built (`revertChanges` / `reapplyChanges`): undo puts back exactly
 * the items an edit touched, at their positions, and leaves everything else alone — a run a job
 * added after a deletion survives the deletion's undo.
 */
import type { ExperimentResultRecord, PrimitiveLibrary, Project, ProjectNetwork, SpeedManifold, TargetMovement, TrainingRun } from './schema.js';

export interface ProjectChanges {
  name?: string;
  notes?: string;
  upsertNetworks?: ProjectNetwork[];
  upsertTargets?: TargetMovement[];
  removeNetworkIds?: string[];
  removeTargetIds?: string[];
  addRuns?: TrainingRun[];
  removeRunIds?: string[];
  /** Motor primitive libraries (model-spec §9) to add or replace, and to remove by id. */
  upsertPrimitiveLibraries?: PrimitiveLibrary[];
  removePrimitiveLibraryIds?: string[];
  /** Speed manifolds (model-spec §10) to add or replace, and to remove by id. */
  upsertSpeedManifolds?: SpeedManifold[];
  removeSpeedManifoldIds?: string[];
  /** Results of paper experiments, reproduction reports and sweeps. */
  upsertExperimentResults?: ExperimentResultRecord[];
  removeExperimentResultIds?: string[];
}

/** The collections of a project that hold items with ids. */
export const COLLECTIONS = ['networks', 'targets', 'runs', 'primitiveLibraries', 'speedManifolds', 'experimentResults'] as const;
export type Collection = (typeof COLLECTIONS)[number];

export type CollectionItem<C extends Collection> = Project[C][number];

/** One item an edit added, replaced or removed: enough to undo (before) and redo (after) it. */
export interface ItemChange {
  collection: Collection;
  id: string;
  /** The item before the edit (null: it was added) and its index then. */
  before: { item: { id: string }; index: number } | null;
  /** The item after the edit (null: it was removed) and its index then. */
  after: { item: { id: string }; index: number } | null;
}

/** A project-level field an edit changed (name, notes). */
export interface FieldChange {
  field: 'name' | 'notes';
  before: string;
  after: string;
}

export interface AppliedEdit {
  project: Project;
  items: ItemChange[];
  fields: FieldChange[];
}

/** How to name one item in messages: "target “Reach”". */
export const ITEM_NOUNS: Record<Collection, string> = {
  networks: 'network',
  targets: 'target',
  runs: 'run',
  primitiveLibraries: 'primitive library',
  speedManifolds: 'speed manifold',
  experimentResults: 'experiment result',
};

export interface ItemRef {
  collection: Collection;
  id: string;
}

/**
 * What depends on the items to remove, over the whole project: runs that use a target or a
 * network, libraries and manifolds of a network, libraries built from a run, experiment results
 * on a network. Returned without the items themselves; removing them together with their
 * dependents keeps the project valid (every reference resolves).
 */
export function dependentsOf(project: Project, refs: readonly ItemRef[]): ItemRef[] {
  const removed = new Set(refs.map((r) => `${r.collection}:${r.id}`));
  const has = (collection: Collection, id: string) => removed.has(`${collection}:${id}`);
  const out: ItemRef[] = [];
  const add = (collection: Collection, id: string) => {
    if (has(collection, id)) return;
    removed.add(`${collection}:${id}`);
    out.push({ collection, id });
  };
  // networks first: a removed network takes its runs, libraries, manifolds and results
  for (const run of project.runs) {
    if (has('networks', run.networkId) || run.targetIds.some((t) => has('targets', t))) add('runs', run.id);
  }
  // a slow variant names its source target: it goes with it (listed, so the user can keep both)
  for (const target of project.targets) {
    if (target.source.kind === 'slow' && has('targets', target.source.sourceId)) add('targets', target.id);
  }
  for (const library of project.primitiveLibraries) {
    if (has('networks', library.networkId)) add('primitiveLibraries', library.id);
  }
  for (const manifold of project.speedManifolds) {
    if (has('networks', manifold.networkId)) add('speedManifolds', manifold.id);
  }
  for (const result of project.experimentResults) {
    if (result.networkId !== null && has('networks', result.networkId)) add('experimentResults', result.id);
  }
  return out;
}

const REMOVE_KEY: Record<Collection, keyof ProjectChanges> = {
  networks: 'removeNetworkIds',
  targets: 'removeTargetIds',
  runs: 'removeRunIds',
  primitiveLibraries: 'removePrimitiveLibraryIds',
  speedManifolds: 'removeSpeedManifoldIds',
  experimentResults: 'removeExperimentResultIds',
};

const UPSERT_KEY: Record<Collection, keyof ProjectChanges> = {
  networks: 'upsertNetworks',
  targets: 'upsertTargets',
  runs: 'addRuns',
  primitiveLibraries: 'upsertPrimitiveLibraries',
  speedManifolds: 'upsertSpeedManifolds',
  experimentResults: 'upsertExperimentResults',
};

/** The changes that remove these items (ids grouped per collection). */
export function removalOf(refs: readonly ItemRef[]): ProjectChanges {
  const changes: Record<string, string[]> = {};
  for (const ref of refs) (changes[REMOVE_KEY[ref.collection]] ??= []).push(ref.id);
  return changes as ProjectChanges;
}

/** Upserts of `changes` for one collection (typed loosely: every item has an id). */
function upsertsOf(changes: ProjectChanges, collection: Collection): { id: string }[] {
  return (changes[UPSERT_KEY[collection]] as { id: string }[] | undefined) ?? [];
}

function removalsOf(changes: ProjectChanges, collection: Collection): string[] {
  return (changes[REMOVE_KEY[collection]] as string[] | undefined) ?? [];
}

/**
 * Apply an edit. Upserts replace an item with the same id in place or append it; removals drop
 * items by id (unknown ids are ignored). The caller validates the result (validateProject) and
 * refuses the edit when it is not a valid project. Libraries naming a removed run keep their
 * gains and drop the run id (their patterns are stored, not recomputed).
 */
export function applyEdit(project: Project, changes: ProjectChanges, now: Date): AppliedEdit {
  const next: Project = { ...project };
  const items: ItemChange[] = [];
  const fields: FieldChange[] = [];
  if (changes.name !== undefined && changes.name !== project.name) {
    fields.push({ field: 'name', before: project.name, after: changes.name });
    next.name = changes.name;
  }
  if (changes.notes !== undefined && changes.notes !== project.notes) {
    fields.push({ field: 'notes', before: project.notes, after: changes.notes });
    next.notes = changes.notes;
  }
  for (const collection of COLLECTIONS) {
    const upserts = upsertsOf(changes, collection);
    const removals = new Set(removalsOf(changes, collection));
    if (upserts.length === 0 && removals.size === 0) continue;
    const list = [...(project[collection] as { id: string }[])];
    for (const item of upserts) {
      const index = list.findIndex((x) => x.id === item.id);
      if (index >= 0) {
        items.push({ collection, id: item.id, before: { item: list[index], index }, after: { item, index } });
        list[index] = item;
      } else {
        items.push({ collection, id: item.id, before: null, after: { item, index: list.length } });
        list.push(item);
      }
    }
    for (let index = list.length - 1; index >= 0; index--) {
      if (!removals.has(list[index].id)) continue;
      items.push({ collection, id: list[index].id, before: { item: list[index], index }, after: null });
      list.splice(index, 1);
    }
    (next as unknown as Record<Collection, { id: string }[]>)[collection] = list;
  }
  // a readout keeps its weights when the target it was fitted to goes; only that record is cleared
  const removedTargets = new Set(removalsOf(changes, 'targets'));
  if (removedTargets.size > 0) {
    next.networks = next.networks.map((network, index) => {
      if (!network.readout?.fittedTo || !removedTargets.has(network.readout.fittedTo)) return network;
      const updated = { ...network, readout: { ...network.readout, fittedTo: null } };
      items.push({ collection: 'networks', id: network.id, before: { item: network, index }, after: { item: updated, index } });
      return updated;
    });
  }
  // libraries keep their patterns when a run they were built from goes
  const removedRuns = new Set(removalsOf(changes, 'runs'));
  if (removedRuns.size > 0) {
    next.primitiveLibraries = next.primitiveLibraries.map((library, index) => {
      if (!library.runIds.some((id) => removedRuns.has(id))) return library;
      const updated = { ...library, runIds: library.runIds.filter((id) => !removedRuns.has(id)) };
      items.push({ collection: 'primitiveLibraries', id: library.id, before: { item: library, index }, after: { item: updated, index } });
      return updated;
    });
  }
  if (items.length > 0 || fields.length > 0) next.modifiedAt = now.toISOString();
  return { project: next, items, fields };
}

/** Put items back: `which` = 'before' undoes an edit, 'after' redoes it (in the right order). */
function restore(project: Project, applied: Pick<AppliedEdit, 'items' | 'fields'>, which: 'before' | 'after', now: Date): Project {
  const next: Project = { ...project, modifiedAt: now.toISOString() };
  for (const change of applied.fields) next[change.field] = change[which];
  // undo walks the edit backwards, redo forwards, so indices are those of the moment
  const ordered = which === 'before' ? [...applied.items].reverse() : applied.items;
  const lists = new Map<Collection, { id: string }[]>();
  const listOf = (collection: Collection) => {
    let list = lists.get(collection);
    if (!list) lists.set(collection, (list = [...(next[collection] as { id: string }[])]));
    return list;
  };
  for (const change of ordered) {
    const list = listOf(change.collection);
    const target = change[which];
    const current = list.findIndex((x) => x.id === change.id);
    if (target === null) {
      if (current >= 0) list.splice(current, 1);
    } else if (current >= 0) {
      list[current] = target.item;
    } else {
      list.splice(Math.min(target.index, list.length), 0, target.item);
    }
  }
  for (const [collection, list] of lists) (next as unknown as Record<Collection, { id: string }[]>)[collection] = list;
  return next;
}

export function revertEdit(project: Project, applied: Pick<AppliedEdit, 'items' | 'fields'>, now: Date): Project {
  return restore(project, applied, 'before', now);
}

export function reapplyEdit(project: Project, applied: Pick<AppliedEdit, 'items' | 'fields'>, now: Date): Project {
  return restore(project, applied, 'after', now);
}

/** Find one item of a collection. */
export function findItem<C extends Collection>(project: Project, collection: C, id: string): CollectionItem<C> | undefined {
  return (project[collection] as { id: string }[]).find((x) => x.id === id) as CollectionItem<C> | undefined;
}

/** Display name of an item ("Reach", or its id). */
export function itemName(project: Project, ref: ItemRef): string {
  const item = findItem(project, ref.collection, ref.id) as { name?: string } | undefined;
  return item?.name || ref.id;
}

/** The content key an experiment result carries in its settings (sweep results), or null. */
export function storedContentKey(record: ExperimentResultRecord): string | null {
  const key = (record.settings as { contentKey?: unknown } | null | undefined)?.contentKey;
  return typeof key === 'string' ? key : null;
}

/**
 * A delivered job's changes without the experiment results the project holds already under another
 * id: a record that carries a content key (`settings.contentKey`: sweep results, whose key is the
 * same however they came) is not stored a second time. The case: a sweep's job finished after its
 * project was closed, so its result waited (pendingResults.ts); the researcher reopened the project
 * and imported the sweep's folder; then "Add" on the waiting results must not add the same sweep
 * again under the job's id.
 */
export function withoutHeldResults(project: Project, changes: ProjectChanges): ProjectChanges {
  const incoming = changes.upsertExperimentResults;
  if (!incoming || incoming.length === 0) return changes;
  const keyOf = storedContentKey;
  const held = new Map<string, string>();
  for (const record of project.experimentResults) {
    const key = keyOf(record);
    if (key !== null) held.set(key, record.id);
  }
  const kept = incoming.filter((record) => {
    const key = keyOf(record);
    const heldId = key === null ? undefined : held.get(key);
    return heldId === undefined || heldId === record.id;
  });
  return kept.length === incoming.length ? changes : { ...changes, upsertExperimentResults: kept };
}
