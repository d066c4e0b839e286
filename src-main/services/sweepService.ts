/**
 * Parameter sweeps of the open project (the Sweeps view): plan, run here, export for a cluster,
 * list, and import results. Plain Node, dependencies passed in.
 *
 * Where a sweep lives (next to the project file x.gainlab, S = x with anything but letters,
 * digits, ".", "_" and "-" made "_", so SLURM's #SBATCH lines can carry the paths):
 *   S.sweeps/NAME.sweep.json   the sweep file; its source names the project as "../x.gainlab"
 *   S.sweeps/NAME/             its folder, exactly as `gainlab sweep run S.sweeps/NAME.sweep.json
 *                              --out S.sweeps/NAME` writes it (sweepDir.ts): the CLI and the app
 *                              read each other's folders, and the task ids agree.
 * The cluster export is a zip of that same layout (the project as it is now, the sweep file, the
 * folder's plan.json and sweep.sbatch) with the single-file CLI and a README: the sweep file's text
 * and so its task ids are the same there, so a cluster's results match the ones run here.
 *
 * The heavy parts never run on main's event loop: expanding a sweep into its tasks, checking them
 * against their inputs and timing the cost probes (the 'sweep-plan' task), running tasks (the
 * 'sweep' job, whose worker writes each finished task), reading a collected archive
 * ('sweep-results'), zipping (fflate's async zip, on its own threads). Expanding 100 000 tasks
 * takes 2.6–2.9 s here, so even a Run here's task count comes from a plan's worker.
 *
 * A sweep's results are stored once: every sweep record carries the key of its content
 * (sweepContentKey), and importing results the project holds already — from the Run here job that
 * wrote the folder, or an earlier import of the folder or its archive — opens that record instead
 * of adding one. Results that differ (more tasks finished since) are a new state: they are added
 * as a new record named with their count ("k of N done") and the earlier ones are left as they
 * were (the user deletes what they no longer want; nothing is replaced behind their back).
 */
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { zip, type AsyncZippable } from 'fflate';
import { GainLabError, type JobDetail, type ParsedRequestOf, type ResponseOf, type SweepFolderInfo, type SweepRequest } from '../../src-shared/ipc/contract.js';
import type { ExperimentResultRecord, Project } from '../../src-shared/project/schema.js';
import { storedContentKey } from '../../src-shared/project/edits.js';
import { median } from '../../src-shared/analysis/statistics.js';
import { addJobOverhead } from '../../src-shared/sweeps/plan.js';
import { sbatchScript } from '../../src-shared/sweeps/sbatch.js';
import { parseSweepFile, SWEEP_LIMITS, SweepError, type SweepFile } from '../../src-shared/sweeps/schema.js';
import { sweepRow } from '../../src-shared/sweeps/record.js';
import { sweepResultRecord, type SweepResults } from '../../src-shared/sweeps/results.js';
import { taskStatus } from '../../src-shared/sweeps/status.js';
import type { SweepProjectData } from '../../src-shared/sweeps/inputs.js';
import type { SweepJobResult } from '../../src-shared/tasks/sweep.js';
import type { JobManager, JobOwner } from './jobManager.js';
import { describeIoError } from './ioErrors.js';
import { checkPathText, readRegularFile, shownPath } from './pathSafety.js';
import type { ProjectsApi } from './projectsApi.js';
import { SweepDir, writeFileAtomic } from './sweepDir.js';

/**
 * Resident memory of a `node gainlab.mjs` process before its first task, the baseline of the
 * memory estimate per task: 76 MB measured here (Node 20, AMD EPYC; `node out/cli/gainlab.mjs
 * sweep plan` of a 100-task, 40-neuron sweep reports baselineMB 75.6–75.9). The bundle's start-up
 * (0.2–0.3 s there) is left out of the times: SLURM's request adds 2 minutes anyway.
 */
export const CLI_BASELINE_MB = 76;
/** Largest collected archive read (its .npy files are skipped, but the zip is read whole). */
const MAX_ARCHIVE_BYTES = 1024 * 1024 * 1024;

export interface SweepServiceDeps {
  jobs: JobManager;
  projects: ProjectsApi;
  owner: () => JobOwner;
  version: string;
  /** The single-file CLI cluster exports carry (out/cli/gainlab.mjs); null: exports are refused. */
  cliBundleFile: string | null;
  hostname?: string;
  /** Cores the model threads share (the app's core budget; default 1): with more than one, a sweep run here has one to spare. */
  cores?: number;
}

type SweepChannel = 'sweeps:plan' | 'sweeps:run' | 'sweeps:list' | 'sweeps:export' | 'sweeps:import';
export type SweepHandlers = { [C in SweepChannel]: (request: ParsedRequestOf<C>) => Promise<ResponseOf<C>> };

/** "My project.gainlab" → "My_project": the stem the sweeps folder is named after. */
export function safeStem(projectFile: string): string {
  const stem = path.basename(projectFile).replace(/\.gainlab$/i, '');
  return stem.replace(/[^A-Za-z0-9._-]/g, '_') || 'project';
}

/** Where a project's sweeps live, and one sweep's file and folder (see the header). */
export function sweepPaths(projectFile: string, name: string): { root: string; file: string; dir: string; relativeRoot: string } {
  const relativeRoot = `${safeStem(projectFile)}.sweeps`;
  const root = path.join(path.dirname(projectFile), relativeRoot);
  return { root, file: path.join(root, `${name}.sweep.json`), dir: path.join(root, name), relativeRoot };
}

function invalid(error: unknown): never {
  if (error instanceof SweepError) throw new GainLabError('invalid-payload', error.message);
  throw error;
}

/**
 * The sweep of a request with its source set to the open project (as "../x.gainlab", the sweep
 * file's place in S.sweeps/), checked, and its text as it is written.
 */
export function sweepForProject(json: Record<string, unknown>, projectFile: string): { sweep: SweepFile; json: Record<string, unknown>; text: string } {
  const base = json.base as { source?: Record<string, unknown> } | undefined;
  const source = base?.source;
  if (!source || typeof source !== 'object' || typeof source.networkId !== 'string') {
    throw new GainLabError('invalid-payload', 'A sweep in the app runs on a network of the open project: base.source needs networkId and targetIds.');
  }
  const fixed = { ...json, base: { ...base, source: { ...source, project: `../${path.basename(projectFile)}` } } };
  let sweep: SweepFile;
  try {
    sweep = parseSweepFile(fixed);
  } catch (error) {
    invalid(error);
  }
  return { sweep, json: fixed, text: `${JSON.stringify(fixed, null, 2)}\n` };
}

/** Every string naming a project target in a sweep (base, factors, list tasks, specialising targets). */
function targetIdsOf(sweep: SweepFile): Set<string> {
  const ids = new Set<string>();
  const add = (value: unknown) => {
    if (typeof value === 'string') ids.add(value);
    else if (Array.isArray(value)) value.forEach(add);
  };
  const source = sweep.base.source as { targetIds?: unknown[] };
  add(source.targetIds);
  add(sweep.base.specialise?.targets);
  for (const value of sweep.factors?.targets ?? []) add(value);
  for (const task of sweep.tasks ?? []) add(task.targets);
  return ids;
}

/** The networks and targets of the project a sweep reads (the others stay in main). */
export function sweepProjectData(project: Project, sweep: SweepFile): SweepProjectData {
  const networkId = (sweep.base.source as { networkId: string }).networkId;
  const ids = targetIdsOf(sweep);
  return { networks: project.networks.filter((n) => n.id === networkId), targets: project.targets.filter((t) => ids.has(t.id)) };
}

/** A sweep folder's plan, finished and failed tasks (directory listings: cheap for large sweeps). */
async function folderInfo(name: string, dir: string, jobId: string | null): Promise<SweepFolderInfo | null> {
  const plan = new SweepDir(dir, (message) => new GainLabError('bad-file', message)).readPlan();
  if (!plan) return null;
  const list = async (sub: string) => new Set(await fsp.readdir(path.join(dir, sub)).catch(() => [] as string[]));
  const finished = await list('tasks');
  const failedNotes = await list('failed');
  let done = 0;
  let failed = 0;
  for (const task of plan.tasks) {
    if (finished.has(task.id)) done++;
    else if (failedNotes.has(`${task.id}.json`)) failed++;
  }
  return { name, dir, tasks: plan.tasks.length, done, failed, jobId };
}

/** A sweep file next to its folder, as JSON (null: missing, too large or not JSON). */
async function readSweepJson(file: string): Promise<Record<string, unknown> | null> {
  try {
    const text = new TextDecoder().decode(await readRegularFile(file, SWEEP_LIMITS.fileBytes));
    const value = JSON.parse(text) as unknown;
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Yield to the event loop (long folder reads stay responsive). */
const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The results in a sweep folder, finished or not (every planned task: done, failed, stale or missing). */
export async function readSweepFolder(dir: string): Promise<SweepResults> {
  const folder = new SweepDir(dir, (message) => new GainLabError('bad-file', message));
  const plan = folder.readPlan();
  if (!plan) throw new GainLabError('not-found', `${shownPath(dir, 120)} is not a sweep folder (it has no plan.json; gainlab sweep run or the app's Run here writes one).`);
  let sweepText: string | null = null;
  try {
    sweepText = await fsp.readFile(folder.sweepCopy, 'utf8');
  } catch {
    sweepText = null;
  }
  const rows = [];
  for (const task of plan.tasks) {
    if (rows.length % 200 === 199) await breathe();
    const evidence = folder.evidence(task.id);
    const status = taskStatus({ ...evidence, slurm: null }, task.inputsHash);
    const record = status.state === 'done' && evidence.result && 'record' in evidence.result ? evidence.result.record : null;
    rows.push(sweepRow({ task, state: status.state, record }, status.reason));
  }
  return { name: plan.name, factorNames: plan.factorNames, rows, sweepText };
}

/** The project network a sweep's base runs on (from its text), for the stored record. */
function baseNetwork(project: Project, sweepText: string | null): { id: string | null; name: string } {
  try {
    const json = sweepText ? (JSON.parse(sweepText) as { base?: { source?: { networkId?: unknown } } }) : null;
    const id = json?.base?.source?.networkId;
    const network = typeof id === 'string' ? project.networks.find((n) => n.id === id) : undefined;
    if (network) return { id: network.id, name: network.name };
    return { id: null, name: typeof id === 'string' ? id : 'sweep networks' };
  } catch {
    return { id: null, name: 'sweep networks' };
  }
}

const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * The key of what a sweep result holds: its sweep's name, summary and table of tasks (results.csv:
 * every task's factors, state and numbers, host and times). The same results give the same key
 * whichever way they came (a Run here job, a sweep folder, a collected archive).
 */
export function sweepContentKey(record: ExperimentResultRecord): string {
  const csv = record.texts.find((text) => text.name === 'results')?.text ?? '';
  return createHash('sha256').update(`${record.definition}\n${JSON.stringify(record.summary)}\n`).update(csv).digest('hex');
}

/** The record with its content key in its settings (records stored before it had none: computed). */
function withContentKey(record: ExperimentResultRecord): ExperimentResultRecord {
  return { ...record, settings: { ...record.settings, contentKey: sweepContentKey(record) } };
}

function contentKeyOf(record: ExperimentResultRecord): string {
  return storedContentKey(record) ?? sweepContentKey(record);
}

/** A finished sweep job's results as the project's record (changesFromJob stores it). */
export function sweepRecordFromJob(detail: JobDetail, project: Project | null, now = new Date()): ExperimentResultRecord {
  const result = detail.result as SweepJobResult | null;
  if (detail.kind !== 'sweep' || !result || result.kind !== 'sweep') throw new GainLabError('invalid-payload', 'Only a finished sweep job can be stored as a sweep result.');
  const sweepText = JSON.stringify((detail.request as SweepRequest).sweep);
  const network = result.network ?? (project ? baseNetwork(project, sweepText) : { id: null, name: 'sweep networks' });
  const record = sweepResultRecord(
    { name: result.name, factorNames: result.factorNames, rows: result.rows, sweepText },
    {
      id: detail.jobId,
      name: detail.label,
      networkId: network.id,
      networkName: network.name,
      location: result.dir ?? '',
      status: result.partial ? 'cancelled' : 'done',
      startedAt: detail.startedAt === null ? null : new Date(detail.startedAt).toISOString(),
      finishedAt: new Date(detail.finishedAt ?? now.getTime()).toISOString(),
    },
  );
  return withContentKey(record);
}

function readme(name: string, projectFile: string, relativeRoot: string, tasks: number, time: string, mem: string, arrayTasks: number | null): string {
  const file = `${relativeRoot}/${name}.sweep.json`;
  const dir = `${relativeRoot}/${name}`;
  const together = arrayTasks !== null ? ' --together' : '';
  return [
    `GainLab sweep "${name}": ${tasks} task(s) on ${projectFile}, for a SLURM cluster.`,
    '',
    'Copy this folder to a file system the compute nodes see, then on a login node (Node >= 20;',
    'add --setup "module load nodejs" to the first command if node comes from a module):',
    '',
    `  cd ${name}`,
    `  node gainlab.mjs sweep slurm ${file} --out ${dir}${together} --submit     # plan here, write ${dir}/sweep.sbatch, submit the array`,
    `  node gainlab.mjs sweep status ${dir}                             # done / pending / running / failed; "sweep resubmit ${dir}" reruns failed ones`,
    `  node gainlab.mjs sweep collect ${dir}                            # then open ${dir}/results.gainlab-sweep in GainLab (Sweeps → Import results)`,
    '',
    ...(arrayTasks !== null
      ? [
          `--together: ${arrayTasks} array task(s), each training a group of tasks that differ only in seed and groups`,
          'together (up to ten; fewer, longer array tasks; less CPU time in all; each task gets the results it gets alone).',
        ]
      : [
          'Add --together to the first command to train the tasks that differ only in seed and groups',
          'together, up to ten per array task (fewer, longer array tasks; less CPU time in all; the same results).',
        ]),
    '',
    `${dir}/sweep.sbatch is ready as written by GainLab (one array task per ${arrayTasks !== null ? 'group' : 'sweep task'}, ${time} and ${mem}`,
    'each, estimated on the machine that exported it): `sbatch ' + `${dir}/sweep.sbatch` + '` from this folder runs it',
    'without re-planning. Finished tasks land in ' + `${dir}/tasks/ID/` + '; a resubmitted or rerun array skips them.',
    'The tasks are those GainLab runs on this project (same sweep file, same task ids): copying',
    `${dir}/tasks/ next to the project's own ${dir}/ merges the two.`,
    '',
  ].join('\n');
}

function zipAsync(files: AsyncZippable): Promise<Uint8Array> {
  return new Promise((resolve, reject) => zip(files, { level: 6 }, (error, data) => (error ? reject(error) : resolve(data))));
}

export function createSweepHandlers(deps: SweepServiceDeps): SweepHandlers {
  const { jobs, projects } = deps;
  const hostname = deps.hostname ?? os.hostname();
  /** The running job of each sweep folder. */
  const running = new Map<string, string>();
  /**
   * The task count (duplicates merged) of the sweeps planned lately, by the hash of their text:
   * the view plans a sweep before it is run, so Run here labels its job without expanding the
   * sweep on main's event loop.
   */
  const plannedTasks = new Map<string, number>();
  const PLANNED_KEPT = 32;
  function rememberTasks(text: string, tasks: number): void {
    const key = sha256Hex(text);
    plannedTasks.delete(key);
    plannedTasks.set(key, tasks);
    if (plannedTasks.size > PLANNED_KEPT) plannedTasks.delete(plannedTasks.keys().next().value!);
  }

  /** The latest sweep jobs started here (each finished one says what a job costs on main). */
  const recentJobs: string[] = [];
  const RECENT_KEPT = 5;
  /**
   * ms a sweep job costs on main besides its worker's run (the run's own elapsedMs): its start, the
   * hand-off to the worker, its result back — the median of the latest finished jobs (0 before one).
   */
  function mainSideMs(): number {
    const frames: number[] = [];
    for (const jobId of recentJobs) {
      try {
        const detail = jobs.get(jobId);
        const result = detail.result as SweepJobResult | null;
        if (detail.status === 'done' && result?.kind === 'sweep' && detail.finishedAt !== null) frames.push(Math.max(0, detail.finishedAt - detail.createdAt - result.elapsedMs));
      } catch {
        // forgotten by the job manager
      }
    }
    return frames.length > 0 ? median(frames) : 0;
  }

  function projectFile(what: string): string {
    const file = projects.current().path;
    if (!file) throw new GainLabError('invalid-payload', `Save the project first: ${what} next to its file (NAME.sweeps/).`);
    return file;
  }

  function runningJob(dir: string): string | null {
    const jobId = running.get(dir);
    if (!jobId) return null;
    try {
      const status = jobs.get(jobId).status;
      if (status === 'queued' || status === 'running') return jobId;
    } catch {
      // forgotten by the job manager
    }
    running.delete(dir);
    return null;
  }

  async function plan(json: Record<string, unknown>, file: string, includePlan: boolean, arrayTogether = false) {
    const { sweep, text } = sweepForProject(json, file);
    const paths = sweepPaths(file, sweep.name);
    const planned = await jobs.planSweep({
      sweepText: text,
      sweepFile: paths.file,
      project: sweepProjectData(projects.project(), sweep),
      // the app runs a sweep as one job: its tasks one after another
      threadsHere: 1,
      spareCore: (deps.cores ?? 1) > 1,
      startupMs: 0,
      // one job: its checks, plan.json and folder look-ups once (timed on the worker)…
      jobOverhead: true,
      baselineMB: CLI_BASELINE_MB,
      includePlan,
      arrayTogether,
    });
    // …and its hand-off to the worker and back, and its record, as the latest sweep jobs took them
    const result = { ...planned, estimate: addJobOverhead(planned.estimate, mainSideMs()) };
    rememberTasks(text, result.tasks);
    return { sweep, text, paths, result };
  }

  return {
    'sweeps:plan': async ({ sweep }) => {
      // an unsaved project can be planned (the folder comes with its file)
      const saved = projects.current().path;
      const { paths, result } = await plan(sweep, saved ?? path.join(os.tmpdir(), 'project.gainlab'), false);
      const folder = saved ? await folderInfo(result.name, paths.dir, runningJob(paths.dir)) : null;
      return { name: result.name, tasks: result.tasks, duplicatesMerged: result.duplicatesMerged, factors: result.factors, estimate: result.estimate, array: result.array, togetherTasks: result.togetherTasks, folder };
    },

    'sweeps:run': async (request) => {
      const file = projectFile('a sweep’s results are written');
      const { sweep, json, text } = sweepForProject(request.sweep, file);
      const paths = sweepPaths(file, sweep.name);
      // the tasks that will run, duplicates merged (the label and the job's total count those):
      // from the plan the view asked for, else from a plan now (on a worker; it also refuses a
      // sweep the project's inputs cannot run before anything is written)
      const tasks = plannedTasks.get(sha256Hex(text)) ?? (await plan(request.sweep, file, false)).result.tasks;
      const busy = runningJob(paths.dir);
      if (busy) throw new GainLabError('forbidden', `Sweep “${sweep.name}” is running already (job ${busy}); pause or cancel it first.`);
      const project = sweepProjectData(projects.project(), sweep);
      // the sweep file next to its folder: `gainlab sweep run` of it continues what the app started
      try {
        writeFileAtomic(paths.file, text);
      } catch (error) {
        throw new GainLabError('io', `Could not write the sweep file ${shownPath(paths.file, 120)}: ${describeIoError(error)}.`);
      }
      const { jobId } = await jobs.startSweep(
        { sweep: json },
        { sweepText: text, sweepFile: paths.file, project, dir: paths.dir, hostname, gainlabVersion: deps.version },
        `Sweep “${sweep.name}” (${tasks} task${tasks === 1 ? '' : 's'})`,
        deps.owner(),
        tasks,
      );
      running.set(paths.dir, jobId);
      recentJobs.push(jobId);
      if (recentJobs.length > RECENT_KEPT) recentJobs.shift();
      return { jobId, dir: paths.dir };
    },

    'sweeps:list': async () => {
      const file = projects.current().path;
      if (!file) return { root: null, sweeps: [] };
      const { root } = sweepPaths(file, 'x');
      const entries = await fsp.readdir(root, { withFileTypes: true }).catch(() => []);
      const sweeps: SweepFolderInfo[] = [];
      for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name)).slice(0, 500)) {
        const dir = path.join(root, entry.name);
        const info = await folderInfo(entry.name, dir, runningJob(dir)).catch(() => null);
        if (!info) continue;
        sweeps.push({ ...info, sweep: await readSweepJson(path.join(root, `${entry.name}.sweep.json`)) });
      }
      return { root, sweeps };
    },

    'sweeps:export': async (request) => {
      const file = projectFile('an export carries the project file');
      const bundle = deps.cliBundleFile;
      const bundleBytes = bundle ? await fsp.readFile(bundle).catch(() => null) : null;
      if (!bundleBytes) {
        throw new GainLabError('not-found', `The single-file CLI is missing${bundle ? ` (${bundle})` : ''}; build it with npm run bundle-cli (npm run build makes it too), then export again.`);
      }
      const { sweep, text, paths, result } = await plan(request.sweep, file, true, request.together === true);
      const name = sweep.name;
      const rel = `${paths.relativeRoot}/${name}`;
      const n = result.tasks;
      const requests = result.arrayRequest ?? result.estimate.slurmRequest;
      const script = sbatchScript({
        jobName: `gainlab-${name}`.slice(0, 64),
        array: result.array,
        // relative to the folder sbatch is run from (the export's top folder; see README.txt)
        logsDir: `${rel}/logs`,
        time: requests.time,
        memory: requests.mem,
        cpusPerTask: 1,
        command: ['node', 'gainlab.mjs', 'sweep', 'run', `${paths.relativeRoot}/${name}.sweep.json`, '--out', rel, '--jobs', '1'],
        indexOption: result.arrayTasks ? '--group' : '--task',
      });
      const planText = `${JSON.stringify({ ...result.plan!, sweepFile: `${paths.relativeRoot}/${name}.sweep.json` }, null, 1)}\n`;
      const projectBytes = (await projects.exportBytes()).bytes;
      const enc = new TextEncoder();
      const projectName = path.basename(file);
      const entries: Record<string, Uint8Array> = {
        'README.txt': enc.encode(readme(name, projectName, paths.relativeRoot, n, requests.time, requests.mem, result.arrayTasks?.length ?? null)),
        'gainlab.mjs': new Uint8Array(bundleBytes),
        [projectName]: projectBytes,
        [`${paths.relativeRoot}/${name}.sweep.json`]: enc.encode(text),
        [`${rel}/sweep.json`]: enc.encode(text),
        [`${rel}/plan.json`]: enc.encode(planText),
        [`${rel}/sweep.sbatch`]: enc.encode(script),
        [`${rel}/logs/README.txt`]: enc.encode('SLURM writes the output of each array task here (%A_%a.out).\n'),
      };
      const files: AsyncZippable = {};
      for (const [entry, bytes] of Object.entries(entries)) {
        // the project file is a zip already: stored, not deflated again
        files[`${name}/${entry}`] = entry === projectName ? [bytes, { level: 0 }] : bytes;
      }
      const bytes = await zipAsync(files);
      return { fileName: `${name}-cluster.zip`, bytes, files: Object.keys(files) };
    },

    'sweeps:import': async (request) => {
      let results: SweepResults;
      let location: string;
      if ('path' in request) {
        checkPathText(request.path, 'open');
        location = path.resolve(request.path);
        const stats = await fsp.stat(location);
        if (stats.isDirectory()) results = await readSweepFolder(location);
        else results = await jobs.decodeSweepResults({ archive: await readRegularFile(location, MAX_ARCHIVE_BYTES) });
      } else {
        location = request.fileName;
        results = await jobs.decodeSweepResults({ archive: request.bytes });
      }
      const project = projects.project();
      const done = results.rows.filter((row) => row.state === 'done').length;
      const tasks = results.rows.length;
      const network = baseNetwork(project, results.sweepText);
      const candidate = withContentKey(
        sweepResultRecord(results, {
          id: '',
          name: `Sweep “${results.name}” (${done} of ${tasks} done)`,
          networkId: network.id,
          networkName: network.name,
          location,
          status: done === tasks ? 'done' : 'cancelled',
          startedAt: null,
          finishedAt: new Date().toISOString(),
          notes: `Imported from ${location}.`,
        }),
      );
      // the same results stored already (by the job that ran them here, or an earlier import):
      // that record is the answer, untouched (its name and notes may be the user's by now)
      const key = contentKeyOf(candidate);
      const sweepRecords = project.experimentResults.filter((r) => r.kind === 'sweep');
      const same = sweepRecords.find((r) => contentKeyOf(r) === key);
      if (same) return { resultId: same.id, resultName: same.name, stored: 'existing', earlierResults: 0, name: results.name, tasks, done };
      // a new state of the sweep (or another sweep): a record of its own beside the earlier ones
      const earlierResults = sweepRecords.filter((r) => r.definition === results.name).length;
      let id = `sweep-${key.slice(0, 16)}`;
      if (project.experimentResults.some((r) => r.id === id)) id = `${id}-${Date.now().toString(36)}`;
      const record = { ...candidate, id };
      await projects.update({ upsertExperimentResults: [record] }, `Import sweep “${results.name}”`);
      return { resultId: id, resultName: record.name, stored: 'added', earlierResults, name: results.name, tasks, done };
    },
  };
}
