/**
 * What the IPC handlers need from the projects service. projects.ts (project-files helper) is the
 * real implementation; `createMemoryProjects` below is a complete-enough stand-in (in-memory
 * project, open/save through the shared archive codec, no recent list or autosave) used until
 * projects.ts is wired in, and by tests.
 */
import { readFile, writeFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { GainLabError, type ProjectSummary, type ResponseOf } from '../../src-shared/ipc/contract.js';
import { decodeProjectFile, encodeProject } from '../../src-shared/project/archive.js';
import { createEmptyProject, PROJECT_FILE_EXTENSION, type Project, type ProjectNetwork, type TargetMovement, type TrainingRun } from '../../src-shared/project/schema.js';
import type { PrimitiveLibrary } from '../../src-shared/project/schema.js';
import type { SpeedManifold } from '../../src-shared/project/schema.js';

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
}

export interface ProjectsApi {
  current(): ProjectSummary;
  newProject(): Promise<ProjectSummary>;
  open(filePath: string): Promise<ProjectSummary>;
  /** Save to the current path; throws GainLabError('not-found') when the project has none yet. */
  save(): Promise<{ path: string }>;
  saveAs(filePath: string): Promise<{ path: string }>;
  recent(): Promise<ResponseOf<'project:recent'>>;
  recover(restore: boolean): Promise<ResponseOf<'project:recover'>>;
  update(changes: ProjectChanges): Promise<ProjectSummary>;
  importBytes(fileName: string, bytes: Uint8Array): Promise<ProjectSummary>;
  exportBytes(): Promise<{ fileName: string; bytes: Uint8Array }>;
  /** Replace the open project by the example (unsaved). */
  loadExample(): Promise<ProjectSummary>;
  /** The project the jobs resolve ids against. */
  project(): Project;
}

function upsert<T extends { id: string }>(list: T[], items: T[] | undefined): void {
  for (const item of items ?? []) {
    const index = list.findIndex((x) => x.id === item.id);
    if (index >= 0) list[index] = item;
    else list.push(item);
  }
}

export function applyProjectChanges(project: Project, changes: ProjectChanges, now = new Date()): Project {
  const next: Project = {
    ...project,
    networks: [...project.networks],
    targets: [...project.targets],
    runs: [...project.runs],
  };
  if (changes.name !== undefined) next.name = changes.name;
  if (changes.notes !== undefined) next.notes = changes.notes;
  upsert(next.networks, changes.upsertNetworks);
  upsert(next.targets, changes.upsertTargets);
  upsert(next.runs, changes.addRuns);
  const dropNetworks = new Set(changes.removeNetworkIds ?? []);
  const dropTargets = new Set(changes.removeTargetIds ?? []);
  const dropRuns = new Set(changes.removeRunIds ?? []);
  next.networks = next.networks.filter((n) => !dropNetworks.has(n.id));
  next.targets = next.targets.filter((t) => !dropTargets.has(t.id));
  next.runs = next.runs.filter((r) => !dropRuns.has(r.id));
  // motor primitive libraries: added/removed here; a removed network takes its libraries with it and
  // a removed run is dropped from the runIds of libraries naming it (their gains stay), so the
  // project stays valid (validate.ts checks both references)
  if (changes.upsertPrimitiveLibraries || changes.removePrimitiveLibraryIds || dropNetworks.size > 0 || dropRuns.size > 0) {
    const libraries = [...(project.primitiveLibraries ?? [])];
    upsert(libraries, changes.upsertPrimitiveLibraries);
    const dropLibraries = new Set(changes.removePrimitiveLibraryIds ?? []);
    next.primitiveLibraries = libraries
      .filter((library) => !dropLibraries.has(library.id) && !dropNetworks.has(library.networkId))
      .map((library) => (library.runIds.some((id) => dropRuns.has(id)) ? { ...library, runIds: library.runIds.filter((id) => !dropRuns.has(id)) } : library));
  }
  // speed manifolds: added/removed here; a removed network takes its manifolds with it
  if (changes.upsertSpeedManifolds || changes.removeSpeedManifoldIds || dropNetworks.size > 0) {
    const manifolds = [...(project.speedManifolds ?? [])];
    upsert(manifolds, changes.upsertSpeedManifolds);
    const dropManifolds = new Set(changes.removeSpeedManifoldIds ?? []);
    next.speedManifolds = manifolds.filter((m) => !dropManifolds.has(m.id) && !dropNetworks.has(m.networkId));
  }
  next.modifiedAt = now.toISOString();
  return next;
}

export interface MemoryProjectsOptions {
  appVersion: string;
  loadExample: () => Project;
  onChange?: (summary: ProjectSummary) => void;
}

export function createMemoryProjects(options: MemoryProjectsOptions): ProjectsApi {
  let project = createEmptyProject('Untitled');
  let filePath: string | null = null;
  let dirty = false;

  const summary = (): ProjectSummary => ({ path: filePath, name: project.name, dirty, project });
  const changed = (): ProjectSummary => {
    const s = summary();
    options.onChange?.(s);
    return s;
  };
  const decode = (bytes: Uint8Array, fileName: string): Project => {
    try {
      return decodeProjectFile(bytes, { fileName }).project;
    } catch (error) {
      const category = (error as { category?: string }).category;
      throw new GainLabError(category === 'io' ? 'io' : category === 'not-found' ? 'not-found' : 'bad-file', (error as Error).message);
    }
  };
  const writeTo = async (target: string): Promise<{ path: string }> => {
    const absolute = path.resolve(target.endsWith(PROJECT_FILE_EXTENSION) ? target : target + PROJECT_FILE_EXTENSION);
    const bytes = encodeProject(project, { appVersion: options.appVersion });
    const temporary = `${absolute}.${process.pid}.tmp`;
    try {
      await writeFile(temporary, bytes);
      await rename(temporary, absolute);
    } catch (error) {
      throw new GainLabError('io', `Could not write ${absolute}: ${(error as Error).message}`);
    }
    filePath = absolute;
    dirty = false;
    changed();
    return { path: absolute };
  };

  return {
    current: summary,
    project: () => project,
    async newProject() {
      project = createEmptyProject('Untitled');
      filePath = null;
      dirty = false;
      return changed();
    },
    async open(target) {
      const absolute = path.resolve(target);
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(await readFile(absolute));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not-found' : 'io';
        throw new GainLabError(code, `Could not read ${absolute}: ${(error as Error).message}`);
      }
      project = decode(bytes, path.basename(absolute));
      filePath = absolute;
      dirty = false;
      return changed();
    },
    async save() {
      if (!filePath) throw new GainLabError('not-found', 'The project has not been saved yet; choose a file name.');
      return writeTo(filePath);
    },
    saveAs: writeTo,
    async recent() {
      return [];
    },
    async recover() {
      return { available: false, savedAt: null, project: null };
    },
    async update(changes) {
      project = applyProjectChanges(project, changes);
      dirty = true;
      return changed();
    },
    async importBytes(fileName, bytes) {
      project = decode(bytes, fileName);
      filePath = null;
      dirty = true;
      return changed();
    },
    async exportBytes() {
      const base = project.name.replace(/[^A-Za-z0-9 ._-]+/g, '').trim() || 'project';
      return { fileName: base + PROJECT_FILE_EXTENSION, bytes: encodeProject(project, { appVersion: options.appVersion }) };
    },
    async loadExample() {
      project = options.loadExample();
      filePath = null;
      dirty = false;
      return changed();
    },
  };
}
