/**
 * Wires GainLab's main-side services once per process (Electron main or web server):
 * event hub → job manager on worker pools → projects → handler table.
 * Carriers (Electron IPC, WebSocket) subscribe to the hub to forward events to their renderers.
 */
import os from 'node:os';
import path from 'node:path';
import type { EventChannel, EventPayloadOf } from '../../src-shared/ipc/contract.js';
import { createCoreBudget, type CoreBudget } from '../../src-shared/model/kernels/threads.js';
import { loadExampleProject } from './example.js';
import { createHandlers, type AppServices, type Dialogs, type HandlerTable } from './handlers.js';
import { createJobManager, type JobManager } from './jobManager.js';
import { createResultRouter } from './jobResults.js';
import { resolveSource } from './modelSources.js';
import { cleanStaleTemps } from './pathSafety.js';
import { PendingResults } from './pendingResults.js';
import { inlineProjectCodec, workerProjectCodec, type ProjectCodec } from './projectCodec.js';
import { createFileProjects, defaultConfigDir, type FileProjects } from './projectSession.js';
import { ProjectService } from './projects.js';
import type { ProjectsApi } from './projectsApi.js';
import { createWorkerPool, defaultJobThreads } from './workerPool.js';
import { machineCores } from '../worker/kernelThread.js';

export type EventListener = (channel: EventChannel, payload: unknown) => void;

export interface EventHub {
  emit<E extends EventChannel>(channel: E, payload: EventPayloadOf<E>): void;
  subscribe(listener: EventListener): () => void;
}

export function createEventHub(): EventHub {
  const listeners = new Set<EventListener>();
  return {
    emit(channel, payload) {
      for (const listener of listeners) {
        try {
          listener(channel, payload);
        } catch {
          // one broken carrier (a closed socket, a destroyed window) must not stop the others
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export interface AppContextOptions {
  mode: 'electron' | 'web';
  version: string;
  /** The worker module (built out/main/modelWorker.js, or the .ts source with execArgv for tsx). */
  workerFile: string;
  workerExecArgv?: string[];
  /**
   * The project-file worker (out/main/projectIoWorker.js or its .ts source): .gainlab files are
   * encoded and decoded there, off main's event loop. Without it they are done inline (tests).
   */
  projectIoWorkerFile?: string;
  jobThreads?: number;
  dialogs?: Dialogs;
  /**
   * Where recent-projects.json and autosave recovery copies live (Electron: userData; web mode:
   * defaultConfigDir(), i.e. $GAINLAB_CONFIG_DIR or the platform config folder).
   */
  configDir?: string;
  /** Projects service; default the file-backed session (projectSession.ts). */
  createProjects?: (hub: EventHub) => ProjectsApi;
  /** Autosave interval of the default session (ms; default 60 s). */
  autosaveIntervalMs?: number;
  /**
   * The single-file CLI sweep exports carry; default out/cli/gainlab.mjs beside the built worker
   * (out/main/modelWorker.js → out/cli/gainlab.mjs; `npm run build` makes it).
   */
  cliBundleFile?: string | null;
  /**
   * Cores the job threads and the interactive thread share (CoreBudget: a run's helper threads use
   * only free cores); default this machine's. 0 turns the budget off (every run may use every
   * core's helpers at once; bench comparison).
   */
  cores?: number;
}

export interface AppContext {
  hub: EventHub;
  services: AppServices;
  handlers: HandlerTable;
  jobs: JobManager;
  /** The cores the worker threads share (null when turned off). */
  coreBudget: CoreBudget | null;
  dispose(options?: { discardRecovery?: boolean }): Promise<void>;
}

export function createAppContext(options: AppContextOptions): AppContext {
  const hub = createEventHub();
  const jobThreads = options.jobThreads ?? defaultJobThreads();
  const configDir = options.configDir ?? defaultConfigDir();
  const codec: ProjectCodec = options.projectIoWorkerFile
    ? workerProjectCodec(createWorkerPool({ filename: options.projectIoWorkerFile, execArgv: options.workerExecArgv, maxThreads: 1 }) as never)
    : inlineProjectCodec();
  let fileProjects: FileProjects | null = null;
  const projects =
    options.createProjects?.(hub) ??
    (fileProjects = createFileProjects({
      service: new ProjectService({ configDir, appVersion: options.version, codec }),
      pendingResults: new PendingResults(configDir),
      onChange: (summary) => hub.emit('project:changed', summary),
      autosaveIntervalMs: options.autosaveIntervalMs,
      // resources/example/example.gainlab normally; the published data or a synthetic stand-in otherwise
      fallbackExample: loadExampleProject,
    }));
  // one budget of cores for every model thread: runs are scheduled by cores, not by jobs
  const cores = options.cores ?? machineCores();
  const shared = cores > 0 ? createCoreBudget(cores) : null;
  const pool = createWorkerPool({ filename: options.workerFile, execArgv: options.workerExecArgv, maxThreads: jobThreads, coreBudget: shared?.memory });
  // one extra thread for interactive simulations, so plots answer while every job thread is busy
  const interactivePool = createWorkerPool({ filename: options.workerFile, execArgv: options.workerExecArgv, maxThreads: 1, coreBudget: shared?.memory });
  const jobs = createJobManager({
    pool,
    interactivePool,
    emit: hub.emit,
    resolveSource: (source) => resolveSource(projects.project(), source),
  });
  // temp files of saves interrupted in an earlier run (a crash, a kill) next to the recent projects
  void projects
    .recent()
    .then((recent) => cleanStaleTemps(recent.map((r) => r.path)))
    .catch(() => undefined);
  // every finished job's result goes to the project it belongs to, whatever a window shows
  const router = createResultRouter({ jobs, projects });
  hub.subscribe((channel, payload) => {
    if (channel === 'jobs:finished') void router.onFinished((payload as { jobId: string }).jobId);
  });
  const services: AppServices = {
    mode: options.mode,
    version: options.version,
    platform: `${os.platform()}-${os.arch()}`,
    workerThreads: jobThreads,
    cores,
    jobs,
    projects,
    dialogs: options.dialogs,
    cliBundleFile: options.cliBundleFile !== undefined ? options.cliBundleFile : path.join(path.dirname(options.workerFile), '..', 'cli', 'gainlab.mjs'),
  };
  return {
    hub,
    services,
    handlers: createHandlers(services),
    jobs,
    coreBudget: shared?.budget ?? null,
    dispose: async (disposeOptions = {}) => {
      // unsaved work the user has not decided about is kept as a recovery copy; after an explicit
      // Save / Don't Save (Electron's close prompt) the copy is dropped
      const discard = disposeOptions.discardRecovery === true;
      await Promise.allSettled([jobs.dispose(), discard ? undefined : fileProjects?.flushRecovery()]);
      await fileProjects?.dispose({ discardRecovery: discard });
      await codec.dispose();
    },
  };
}
