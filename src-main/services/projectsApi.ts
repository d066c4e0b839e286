/**
 * What the IPC handlers and the other services need from the open project. Main owns the
 * project: the renderer sees its summary (view + path + dirty + history) and changes it only by
 * operations; finished jobs deliver their results to the project they belong to (`deliver`),
 * whether it is open or not. projectSession.ts is the implementation.
 */
import type { ProjectSummary, ResponseOf } from '../../src-shared/ipc/contract.js';
import type { ItemRef, ProjectChanges } from '../../src-shared/project/edits.js';
import type { Project } from '../../src-shared/project/schema.js';

export type { ProjectChanges } from '../../src-shared/project/edits.js';

/** Where a job's result went: into the open project, or waiting for its (closed) project. */
export type Delivery = 'applied' | 'pending';

export interface DeliveredResult {
  projectId: string;
  /** The job's label (what the user sees in the pending list). */
  label: string;
  jobId: string;
  changes: ProjectChanges;
}

export interface ProjectsApi {
  /** The summary of the open project (the same object until it changes). */
  current(): ProjectSummary;
  /** The open project itself (full arrays), for services in main. */
  project(): Project;
  newProject(): Promise<ProjectSummary>;
  open(filePath: string): Promise<ProjectSummary>;
  /** Save to the current path; throws GainLabError('not-found') when the project has none yet. */
  save(): Promise<{ path: string }>;
  saveAs(filePath: string): Promise<{ path: string }>;
  recent(): Promise<ResponseOf<'project:recent'>>;
  recover(restore: boolean, key?: string): Promise<ResponseOf<'project:recover'>>;
  discardRecovery(key?: string): Promise<{ discarded: boolean }>;
  /**
   * A user's edit: validated (a project in memory is always saveable), marks the project dirty,
   * and goes on the undo history under `label` ("Rename run “A”").
   */
  update(changes: ProjectChanges, label: string): Promise<ProjectSummary>;
  /** Remove items and, with `withDependents`, what depends on them (refused otherwise). Undoable. */
  removeItems(items: readonly ItemRef[], withDependents: boolean): Promise<ProjectSummary>;
  undo(): Promise<ProjectSummary>;
  redo(): Promise<ProjectSummary>;
  /**
   * A finished job's result for the project it belongs to: applied to the open project when it
   * is that one, else kept for it (pendingResults.ts) until it is opened again. Not an undoable
   * edit: undoing a later edit never takes a result away.
   */
  deliver(result: DeliveredResult): Promise<Delivery>;
  /** Add or discard the results waiting for the open project. */
  pending(action: 'add' | 'discard'): Promise<ProjectSummary>;
  importBytes(fileName: string, bytes: Uint8Array): Promise<ProjectSummary>;
  exportBytes(): Promise<{ fileName: string; bytes: Uint8Array }>;
  /** Replace the open project by a fresh copy of the example (unsaved, a new identity). */
  loadExample(): Promise<ProjectSummary>;
}
