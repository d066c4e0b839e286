/**
 * `gainlab sweep`: parameter sweeps (src-shared/sweeps) run here on a pool of worker threads or on
 * a SLURM cluster as a job array.
 *
 *   gainlab sweep plan FILE [--out DIR] [--jobs K]  tasks, CPU time and memory per task (measured here)
 *   gainlab sweep run FILE --out DIR [--task I | --group G | --shard I/N] [--jobs K]
 *   gainlab sweep slurm FILE --out DIR [--together] [--submit] [--wait] [--max-parallel K] [--poll-seconds S]
 *                      [--partition P] [--account A] [--time T] [--mem M] [--cpus-per-task C] [--setup "…"]
 *                      [--bundle FILE]
 *   gainlab sweep status DIR
 *   gainlab sweep resubmit DIR [--wait] [--max-parallel K] [--poll-seconds S]
 *   gainlab sweep collect DIR                      DIR/results.csv and DIR/results.gainlab-sweep
 *
 * Every subcommand prints one JSON summary on stdout and its progress on stderr; bad input is one
 * line on stderr and exit code 2. Results go to DIR/tasks/ID/ (sweepDir.ts), each written
 * atomically, so a run that is killed resumes where it stopped and finished tasks are never redone.
 */
import { closeSync, copyFileSync, existsSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Zip, ZipDeflate, ZipPassThrough } from 'fflate';
import { NpyError, parseNpy } from '../../src-shared/formats/npy.js';
import { sha256OfFloat64 } from '../../src-shared/runs/sha256.js';
import { describeTask, sweepFingerprint, type SweepTask } from '../../src-shared/sweeps/expand.js';
import type { NetworkShape } from '../../src-shared/sweeps/inputs.js';
import { arrayRequests, estimateArrayGroup, estimateSummary as sharedEstimateSummary, estimateTask, groupsSeconds, measureSweepCosts, measureTaskOverheads, type CostTable, type TaskEstimate } from '../../src-shared/sweeps/plan.js';
import { arrayIndexOfTasks, arrayTasksOf, planDocument as sharedPlanDocument } from '../../src-shared/sweeps/folder.js';
import { resultsCsv, resultsDocument, sweepRow, type ResultRow, type TaskRecord } from '../../src-shared/sweeps/record.js';
import { runGroups, tasksTrainingTogether, togetherGroups } from '../../src-shared/sweeps/runTask.js';
import { formatSlurmTime, isSlurmMemory, isSlurmTime, sbatchScript } from '../../src-shared/sweeps/sbatch.js';
import { countStates, formatArraySpec, parseArraySpec, taskStatus, type SlurmTaskState, type TaskState, type TaskStatus } from '../../src-shared/sweeps/status.js';
import { CliError, optionsLine, optionsSynopsis, parseOptions, progressReporter, resolvePath, usageText, type CliIo, type CommandSpec, type ParsedOptions } from '../cliSupport.js';
import { executeTasks, type TaskRunResult } from '../sweep/executeTask.js';
import { checkTasks, loadSweep, sweepInputs, taskError, type LoadedSweep } from '../sweep/loadSweep.js';
import { getCliEntry } from '../sweep/entry.js';
import { runPool } from '../sweep/pool.js';
import { machineCores } from '../../src-main/worker/kernelThread.js';
import { runCores } from '../../src-shared/model/kernels/threads.js';
import { activeTasks, arrayStates, maxArraySize, submitArray } from '../sweep/slurmClient.js';
import { SLURM_RECORD_FORMAT, SweepDir as FolderDir, writeFileAtomic, type SlurmRecord, type SweepPlan } from '../../src-main/services/sweepDir.js';
import { makeFoldersSync } from '../../src-main/services/makeFolders.js';

/** A sweep directory whose problems are CliErrors (one line, exit 2). */
class SweepDir extends FolderDir {
  constructor(root: string) {
    super(root, (message) => new CliError(message));
  }
}

declare const __GAINLAB_BUNDLE__: boolean | undefined;

/** Milliseconds from process start to loading this command (the start-up a task pays). */
const startupMs = Math.min(performance.now(), 10_000);

/** Longest silence on stderr while pool threads work on long tasks. */
const PROGRESS_LINE_MS = 15_000;

const SUBCOMMANDS = ['plan', 'run', 'slurm', 'status', 'resubmit', 'collect'] as const;
type Subcommand = (typeof SUBCOMMANDS)[number];

const cores = machineCores;

const waitOptions = {
  wait: { type: 'flag', description: 'wait for the array to finish (polling squeue) and report failed tasks' },
  'max-parallel': { type: 'integer', value: 'K', description: 'array tasks running at once (%K)' },
  'poll-seconds': { type: 'number', value: 'S', description: 'longest interval between polls while waiting (0.2–300)', default: 30 },
} as const;

const SPECS: Record<Subcommand, CommandSpec> = {
  plan: {
    name: 'sweep plan',
    summary: 'Tasks of a sweep with the CPU time and memory each takes (per-trial cost measured here); --out writes DIR/plan.json.',
    options: {
      out: { type: 'string', value: 'DIR', description: 'sweep directory to write plan.json (and sweep.json) to' },
      jobs: { type: 'integer', value: 'K', description: 'threads for the "wall time here" estimate', default: cores() },
    },
  },
  run: {
    name: 'sweep run',
    summary: 'Run the tasks of a sweep here on worker threads; finished tasks are skipped, so a killed run resumes.',
    options: {
      out: { type: 'string', value: 'DIR', description: 'sweep directory (results in DIR/tasks/ID/)', required: true },
      task: { type: 'integer', value: 'I', description: 'run only task I (0-based; what a SLURM array task runs)' },
      group: { type: 'integer', value: 'G', description: 'run the tasks of array task G of a plan written by sweep slurm --together, together' },
      shard: { type: 'string', value: 'I/N', description: 'run only the tasks with index % N = I' },
      jobs: { type: 'integer', value: 'K', description: 'worker threads', default: cores() },
    },
  },
  slurm: {
    name: 'sweep slurm',
    summary: 'Write DIR/sweep.sbatch (a job array, one task per sweep task, or per group with --together) and optionally submit it.',
    options: {
      out: { type: 'string', value: 'DIR', description: 'sweep directory (shared with the compute nodes)', required: true },
      together: {
        type: 'flag',
        description: 'one array task per group of tasks that differ only in seed and groups (up to ten, trained together in lockstep, each with the bits it gets alone): fewer array tasks, less CPU time in all',
      },
      submit: { type: 'flag', description: 'submit the array with sbatch and record the job id in DIR/slurm.json' },
      ...waitOptions,
      partition: { type: 'string', value: 'P', description: 'SLURM partition' },
      account: { type: 'string', value: 'A', description: 'SLURM account' },
      time: { type: 'string', value: 'T', description: 'time per array task (default: the plan’s largest estimate × 2 + 2 min)' },
      mem: { type: 'string', value: 'M', description: 'memory per array task, e.g. 2G (default: the plan’s estimate × 1.5)' },
      'cpus-per-task': { type: 'integer', value: 'C', description: 'CPUs per array task', default: 1 },
      setup: { type: 'string', value: 'LINES', description: 'shell lines before each task, e.g. "module load nodejs"' },
      bundle: { type: 'string', value: 'FILE', description: 'the single-file CLI (npm run bundle-cli) to copy next to the script' },
    },
  },
  status: { name: 'sweep status', summary: 'done / pending / running / failed / missing per task (result files, squeue, sacct).', options: {} },
  resubmit: {
    name: 'sweep resubmit',
    summary: 'Submit the failed, missing and stale tasks of a SLURM sweep again (nothing else).',
    options: { ...waitOptions },
  },
  collect: { name: 'sweep collect', summary: 'Write DIR/results.csv and DIR/results.gainlab-sweep (table and per-task arrays).', options: {} },
};

/** What a subcommand takes before its options: the sweep file, or the sweep directory. */
const positionalOf = (sub: Subcommand): 'FILE' | 'DIR' => (sub === 'plan' || sub === 'run' || sub === 'slurm' ? 'FILE' : 'DIR');

/** A subcommand's usage line, from its options (SPECS), so the overview lists what it accepts. */
const synopsisLine = (sub: Subcommand): string => `gainlab sweep ${sub} ${positionalOf(sub)}${Object.keys(SPECS[sub].options).length > 0 ? ` ${optionsSynopsis(SPECS[sub])}` : ''}`;

export const USAGE = [
  `usage: gainlab sweep ${SUBCOMMANDS.join('|')} …`,
  '',
  'Parameter sweeps: a NAME.sweep.json file (a base run and factors to vary) run here or on SLURM.',
  '',
  ...SUBCOMMANDS.map((sub) => `  ${synopsisLine(sub)}`),
  '',
  'sweep run takes at most one of --task, --group and --shard.',
  "Run 'gainlab sweep <subcommand> --help' for its options.",
  '',
].join('\n');

function write(io: CliIo, summary: unknown): void {
  io.stdout.write(`${JSON.stringify(summary)}\n`);
}

/** `sub FILE-or-DIR --opts` → the positional argument and the options. */
function parseSub(sub: Subcommand, argv: string[], positional: 'FILE' | 'DIR'): { target: string; options: ParsedOptions } | null {
  const spec = SPECS[sub];
  const args = [...argv];
  let target: string | undefined;
  if (args.length > 0 && !args[0].startsWith('-')) target = args.shift();
  const options = parseOptions(spec, args);
  if (!options) return null;
  if (!target) throw new CliError(`gainlab sweep ${sub}: give the ${positional === 'FILE' ? 'sweep file' : 'sweep directory'} (gainlab sweep ${sub} ${positional})`, optionsLine(spec));
  return { target, options };
}

export async function run(argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    (sub === undefined ? io.stderr : io.stdout).write(USAGE);
    return sub === undefined ? 2 : 0;
  }
  if (!(SUBCOMMANDS as readonly string[]).includes(sub)) {
    throw new CliError(`gainlab sweep: unknown subcommand '${sub}' (subcommands: ${SUBCOMMANDS.join(', ')})`);
  }
  const subcommand = sub as Subcommand;
  const parsed = parseSub(subcommand, rest, positionalOf(subcommand));
  if (!parsed) {
    io.stdout.write(usageText(SPECS[subcommand]).replace(`usage: gainlab sweep ${subcommand}`, `usage: gainlab sweep ${subcommand} ${positionalOf(subcommand)}`));
    return 0;
  }
  const target = resolvePath(io, parsed.target);
  const o = parsed.options;
  switch (subcommand) {
    case 'plan':
      return planCommand(target, o, io);
    case 'run':
      return runCommand(target, o, io);
    case 'slurm':
      return slurmCommand(target, o, io);
    case 'status':
      return statusCommand(target, io);
    case 'resubmit':
      return resubmitCommand(target, o, io);
    case 'collect':
      return collectCommand(target, io);
  }
}

// ---------------------------------------------------------------------------------------------
// plan
// ---------------------------------------------------------------------------------------------

interface PlannedSweep {
  loaded: LoadedSweep;
  hashes: Map<string, string>;
  shapes: Map<string, NetworkShape>;
}

function planTasks(file: string): PlannedSweep {
  const loaded = loadSweep(file);
  const inputs = sweepInputs(loaded);
  const hashes = checkTasks(loaded, inputs);
  const shapes = new Map<string, NetworkShape>();
  for (const task of loaded.expanded.tasks) shapes.set(task.id, inputs.shape(task.settings.network));
  return { loaded, hashes, shapes };
}

/**
 * The sweep directory --out names, for the sweep `loaded`. A directory whose plan.json is another
 * sweep's (another name) is refused: writing this sweep's plan there would make the other sweep's
 * finished tasks disappear from status and collect. The same sweep with factors added or changed
 * keeps its directory (tasks are kept by id).
 */
function sweepDirFor(io: CliIo, out: string, loaded: LoadedSweep, sub: string): SweepDir {
  const dir = new SweepDir(resolvePath(io, out));
  const existing = existsSync(dir.planFile) ? dir.readPlan() : null;
  if (existing && existing.name !== loaded.sweep.name) {
    throw new CliError(`gainlab sweep ${sub}: ${dir.root} holds the sweep "${existing.name}" (its plan.json), not "${loaded.sweep.name}"; give this sweep its own --out directory`);
  }
  return dir;
}

function planDocument(loaded: LoadedSweep, hashes: Map<string, string>, estimates?: Map<string, TaskEstimate>): SweepPlan {
  return sharedPlanDocument({ name: loaded.sweep.name, file: loaded.file, expanded: loaded.expanded }, hashes, new Date().toISOString(), estimates);
}

interface Estimates {
  perTask: Map<string, TaskEstimate>;
  costs: CostTable;
  /** The time here of runGroups (tasks training together as groups), one thread's worth. */
  hereSeconds: number;
}

/**
 * groups: how the tasks run (runGroups here; one task each in a SLURM array), for the time here;
 * hereGroups: the same groups when the run here has a core to spare (timed with concurrent trials).
 */
function measureCosts(planned: PlannedSweep, io: CliIo, groups: SweepTask[][], hereGroups: SweepTask[][] = []): Estimates {
  const tasks = planned.loaded.expanded.tasks;
  const shapeOf = (task: SweepTask) => planned.shapes.get(task.id)!;
  const options = { now: () => performance.now(), onProbe: (line: string) => io.stderr.write(`sweep plan: ${line}\n`) };
  const measured = measureSweepCosts(tasks, shapeOf, options, groups, hereGroups);
  // each task's set-up, output and files (plan.ts measureTaskOverheadMs), written to a scratch folder
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'gainlab-sweep-plan-'));
  let taskOverheadMs: Map<string, number>;
  try {
    taskOverheadMs = measureTaskOverheads(tasks, shapeOf, measured.trialMs, new FolderDir(scratch), options);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const costs: CostTable = { ...measured, taskOverheadMs, startupMs, baselineMB: process.memoryUsage().rss / 2 ** 20 };
  const perTask = new Map<string, TaskEstimate>();
  for (const task of tasks) perTask.set(task.id, estimateTask(task.settings, shapeOf(task), costs));
  return { perTask, costs, hereSeconds: groupsSeconds(groups, shapeOf, costs) };
}

function estimateSummary(estimates: Estimates, threads: number) {
  // ms per task besides its trials (set-up, output, files), by the probe of its shape
  return { ...sharedEstimateSummary(estimates.perTask, estimates.costs, threads, estimates.hereSeconds), machine: { cpu: os.cpus()[0]?.model ?? 'unknown', cores: cores() } };
}

async function planCommand(file: string, o: ParsedOptions, io: CliIo): Promise<number> {
  const threads = o.jobs as number;
  if (threads < 1) throw new CliError(`gainlab sweep plan: --jobs must be ≥ 1, got ${threads}`, optionsLine(SPECS.plan));
  const planned = planTasks(file);
  // a directory of another sweep is refused before the timing
  const dir = o.out ? sweepDirFor(io, o.out as string, planned.loaded, 'plan') : null;
  const groups = runGroups(planned.loaded.expanded.tasks, threads);
  // fewer jobs than cores: each run here has a core to spare for its concurrent trials
  const estimates = measureCosts(planned, io, groups, threads < cores() ? groups : []);
  const { loaded } = planned;
  let planFile: string | null = null;
  if (dir) {
    dir.ensure();
    dir.writePlan(planDocument(loaded, planned.hashes, estimates.perTask), loaded.text);
    planFile = dir.planFile;
  }
  write(io, {
    command: 'sweep plan',
    sweep: loaded.sweep.name,
    file: loaded.file,
    tasks: loaded.expanded.tasks.length,
    duplicatesMerged: loaded.expanded.duplicatesMerged,
    factors: Object.fromEntries(loaded.expanded.factorNames.map((name) => [name, new Set(loaded.expanded.tasks.map((t) => t.factors[name])).size])),
    ...estimateSummary(estimates, threads),
    // tasks that `sweep run` trains in groups (seeds together; the time here counts each group's lockstep trials)
    togetherTasks: tasksTrainingTogether(groups),
    planFile,
  });
  return 0;
}

// ---------------------------------------------------------------------------------------------
// run
// ---------------------------------------------------------------------------------------------

function parseShard(text: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || !(count >= 1) || !(index < count)) throw new CliError(`gainlab sweep run: --shard must be I/N with 0 ≤ I < N, got '${text}'`, optionsLine(SPECS.run));
  return { index, count };
}

async function runCommand(file: string, o: ParsedOptions, io: CliIo): Promise<number> {
  const threads = o.jobs as number;
  if (threads < 1) throw new CliError(`gainlab sweep run: --jobs must be ≥ 1, got ${threads}`, optionsLine(SPECS.run));
  if ([o.task, o.group, o.shard].filter((value) => value !== undefined).length > 1) throw new CliError('gainlab sweep run: give one of --task, --group and --shard', optionsLine(SPECS.run));
  // one array task's selection (--task, --group) leaves plan.json alone; so does a shard
  const part = o.task !== undefined || o.group !== undefined || o.shard !== undefined;
  const shard = o.shard !== undefined ? parseShard(o.shard as string) : null;
  const started = Date.now();
  const loaded = loadSweep(file);
  const { tasks } = loaded.expanded;
  const dir = sweepDirFor(io, o.out as string, loaded, 'run');
  dir.ensure();
  const inputs = sweepInputs(loaded, io.shouldStop);

  // the index ↔ task mapping is DIR/plan.json's: an array task must run what was submitted
  const fingerprint = sweepFingerprint(tasks);
  const existing = dir.readPlan();
  let selected: SweepTask[];
  if (o.task !== undefined) {
    const index = o.task as number;
    if (index < 0 || index >= tasks.length) throw new CliError(`gainlab sweep run: --task must be in [0, ${tasks.length - 1}], got ${index}`, optionsLine(SPECS.run));
    selected = [tasks[index]];
  } else if (o.group !== undefined) {
    const groups = existing && existing.fingerprint === fingerprint ? existing.arrayTasks : undefined;
    if (!groups) throw new CliError(`gainlab sweep run: --group needs ${dir.planFile} as gainlab sweep slurm --together writes it for this sweep`);
    const index = o.group as number;
    if (index < 0 || index >= groups.length) throw new CliError(`gainlab sweep run: --group must be in [0, ${groups.length - 1}], got ${index}`, optionsLine(SPECS.run));
    selected = groups[index].map((task) => tasks[task]);
  } else selected = shard ? tasks.filter((task) => task.index % shard.count === shard.index) : [...tasks];
  const hashes = new Map<string, string>();
  if (existing && existing.fingerprint === fingerprint) {
    for (const task of selected) {
      try {
        hashes.set(task.id, inputs.check(task.settings).inputsHash);
      } catch (error) {
        throw taskError(loaded, task, error);
      }
    }
    // a whole-sweep run here brings the plan's inputs hashes up to date (array tasks leave the plan alone)
    const changed = existing.tasks.some((task) => hashes.has(task.id) && hashes.get(task.id) !== task.inputsHash);
    if (changed && !part) {
      dir.writePlan({ ...existing, tasks: existing.tasks.map((task) => ({ ...task, inputsHash: hashes.get(task.id) ?? task.inputsHash })) }, loaded.text);
    }
  } else {
    if (existing && part) {
      throw new CliError(`gainlab sweep run: ${path.basename(file)} has changed since ${dir.planFile} was written (its tasks differ); plan it again (gainlab sweep slurm or gainlab sweep plan --out) before running single tasks`);
    }
    for (const [id, hash] of checkTasks(loaded, inputs)) hashes.set(id, hash);
    dir.writePlan(planDocument(loaded, hashes), loaded.text);
  }

  const toRun: SweepTask[] = [];
  let alreadyDone = 0;
  for (const task of selected) {
    const status = taskStatus({ ...dir.evidence(task.id), slurm: null }, hashes.get(task.id)!);
    if (status.state === 'done') alreadyDone++;
    else toRun.push(task);
  }
  io.stderr.write(`sweep run: ${selected.length} task(s) selected, ${alreadyDone} already done, ${toRun.length} to run${toRun.length > 1 ? ` on ${Math.min(threads, toRun.length)} thread(s)` : ''}${toRun.length === 1 || (toRun.length > 1 && threads === 1) ? `, ${runCores()} core(s) per run` : ''}\n`);

  const results = new Map<string, TaskRunResult>();
  let finished = 0;
  const report = (task: SweepTask, result: TaskRunResult) => {
    finished++;
    const what = `task ${task.index} ${task.id} (${describeTask(task)})`;
    if (result.kind === 'done') {
      io.stderr.write(`sweep run: ${finished}/${toRun.length} ${what}: best error ${result.bestError === null ? 'non-finite' : result.bestError.toPrecision(4)} in ${((result.elapsedMs + result.setupMs) / 1000).toFixed(1)} s\n`);
    } else if (result.kind === 'failed') io.stderr.write(`sweep run: ${finished}/${toRun.length} ${what} FAILED: ${result.error}\n`);
    else io.stderr.write(`sweep run: ${what} stopped; it runs again next time\n`);
  };
  if (toRun.length === 1 || (toRun.length > 1 && threads === 1)) {
    const gainChanges = new Map<string, Float64Array[]>();
    // tasks that differ only in seed and groups train together (each gets the bits it gets alone)
    for (const group of togetherGroups(toRun)) {
      if (io.shouldStop?.()) break;
      const first = group[0];
      const bar = toRun.length === 1 ? progressReporter(io.stderr, `task ${first.index}`, first.settings.trials) : null;
      const groupResults = executeTasks(group, {
        sweepName: loaded.sweep.name,
        dir,
        inputs,
        gainChanges,
        shouldStop: io.shouldStop,
        onProgress: bar ? (p) => bar.update(p.trial, `best ${p.bestError.toPrecision(4)}`) : undefined,
      });
      group.forEach((task, k) => {
        results.set(task.id, groupResults[k]);
        report(task, groupResults[k]);
      });
    }
  } else if (toRun.length > 1) {
    // long tasks: where the running ones are, at most every PROGRESS_LINE_MS
    const running = new Map<string, { task: SweepTask; trial: number }>();
    let lastLine = Date.now();
    const pooled = await runPool({
      sweepFile: loaded.file,
      sweepText: loaded.text,
      outDir: dir.root,
      tasks: toRun,
      threads,
      shouldStop: io.shouldStop,
      onStart: (task) => running.set(task.id, { task, trial: 0 }),
      onProgress: (task, progress) => {
        running.set(task.id, { task, trial: progress.trial });
        if (Date.now() - lastLine < PROGRESS_LINE_MS) return;
        lastLine = Date.now();
        const where = [...running.values()].map((r) => `task ${r.task.index} at trial ${r.trial}/${r.task.settings.trials}`).join(', ');
        io.stderr.write(`sweep run: ${finished}/${toRun.length} done; ${where}\n`);
      },
      onResult: (task, result) => {
        running.delete(task.id);
        report(task, result);
      },
    });
    for (const [id, result] of pooled) results.set(id, result);
  }

  const failures = toRun.filter((task) => results.get(task.id)?.kind === 'failed');
  const done = toRun.filter((task) => results.get(task.id)?.kind === 'done').length;
  const stopped = toRun.length - done - failures.length;
  write(io, {
    command: 'sweep run',
    sweep: loaded.sweep.name,
    file: loaded.file,
    out: dir.root,
    tasks: tasks.length,
    selected: selected.length,
    alreadyDone,
    ran: done + failures.length,
    done,
    failed: failures.length,
    stopped,
    elapsedMs: Date.now() - started,
    failures: failures.slice(0, 50).map((task) => ({ index: task.index, id: task.id, error: (results.get(task.id) as { error: string }).error })),
  });
  return failures.length > 0 ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------
// status (shared by slurm --wait, resubmit and collect)
// ---------------------------------------------------------------------------------------------

interface SweepStatus {
  dir: SweepDir;
  plan: SweepPlan;
  slurm: SlurmRecord | null;
  slurmReachable: boolean;
  statuses: TaskStatus[];
  records: Array<TaskRecord | null>;
}

function requirePlan(dir: SweepDir, sub: string): SweepPlan {
  const plan = dir.readPlan();
  if (!plan) throw new CliError(`gainlab sweep ${sub}: ${dir.root} is not a sweep directory (no plan.json; gainlab sweep run or slurm writes one)`);
  return plan;
}

/** The array indices (sorted, once each) that run the given task indices (plan.arrayTasks). */
function arrayIndices(status: SweepStatus, taskIndices: readonly number[]): number[] {
  const of = arrayIndexOfTasks(status.plan);
  return [...new Set(taskIndices.map((index) => of[index]))].sort((a, b) => a - b);
}

/** SLURM's word on array index `index`: the newest submission whose array covers it. */
function slurmStateOf(index: number, record: SlurmRecord, states: Map<string, SlurmTaskState>, covered: Map<string, Set<number>>): SlurmTaskState | null {
  for (let s = record.submissions.length - 1; s >= 0; s--) {
    const submission = record.submissions[s];
    const local = index - submission.offset;
    if (!covered.get(`${s}`)?.has(local)) continue;
    return states.get(`${submission.jobId}_${local}`) ?? { jobId: submission.jobId, state: 'UNKNOWN' };
  }
  return null;
}

/**
 * The inputs hash of every planned task from the inputs as they are now (so a changed network or
 * target file shows its tasks stale); where the sweep or its inputs cannot be read from here (a
 * directory copied off the cluster), the hashes the plan recorded.
 */
function currentInputHashes(dir: SweepDir, plan: SweepPlan): Map<string, string> {
  const recorded = new Map(plan.tasks.map((task) => [task.id, task.inputsHash]));
  try {
    const loaded = loadSweep(plan.sweepFile, readFileSync(dir.sweepCopy, 'utf8'));
    const inputs = sweepInputs(loaded);
    const current = new Map<string, string>();
    for (const task of loaded.expanded.tasks) if (recorded.has(task.id)) current.set(task.id, inputs.check(task.settings).inputsHash);
    return current.size === recorded.size ? current : recorded;
  } catch {
    return recorded;
  }
}

function sweepStatus(root: string, sub: string): SweepStatus {
  const dir = new SweepDir(root);
  const plan = requirePlan(dir, sub);
  const hashes = currentInputHashes(dir, plan);
  const slurm = dir.readSlurm();
  let slurmReachable = false;
  let states = new Map<string, SlurmTaskState>();
  const covered = new Map<string, Set<number>>();
  if (slurm && slurm.submissions.length > 0) {
    const answer = arrayStates([...new Set(slurm.submissions.map((s) => s.jobId))]);
    slurmReachable = answer.reachable;
    states = answer.states;
    slurm.submissions.forEach((submission, s) => covered.set(`${s}`, new Set(parseArraySpec(submission.array) ?? [])));
  }
  const statuses: TaskStatus[] = [];
  const records: Array<TaskRecord | null> = [];
  // a task's SLURM state is its array task's (with --together, its group's)
  const arrayIndex = arrayIndexOfTasks(plan);
  for (const task of plan.tasks) {
    const evidence = dir.evidence(task.id);
    const slurmState = slurm && slurmReachable ? slurmStateOf(arrayIndex[task.index], slurm, states, covered) : null;
    const status = taskStatus({ ...evidence, slurm: slurmState }, hashes.get(task.id) ?? task.inputsHash);
    statuses.push(status);
    records.push(status.state === 'done' && evidence.result && 'record' in evidence.result ? evidence.result.record : null);
  }
  return { dir, plan, slurm, slurmReachable, statuses, records };
}

function statusSummary(status: SweepStatus) {
  const byState = new Map<TaskState, number[]>();
  status.statuses.forEach((s, index) => {
    const list = byState.get(s.state) ?? [];
    list.push(index);
    byState.set(s.state, list);
  });
  const failed = status.plan.tasks
    .map((task, index) => ({ task, status: status.statuses[index] }))
    .filter(({ status: s }) => s.state === 'failed')
    .slice(0, 100)
    .map(({ task, status: s }) => ({ index: task.index, id: task.id, factors: task.factors, reason: s.reason }));
  return {
    sweep: status.plan.name,
    dir: status.dir.root,
    tasks: status.plan.tasks.length,
    counts: countStates(status.statuses),
    indices: Object.fromEntries([...byState].map(([state, list]) => [state, formatArraySpec(list)])),
    failed,
    slurm: status.slurm ? { jobs: status.slurm.submissions.map((s) => ({ jobId: s.jobId, array: s.array, offset: s.offset, kind: s.kind })), reachable: status.slurmReachable } : null,
  };
}

async function statusCommand(root: string, io: CliIo): Promise<number> {
  write(io, { command: 'sweep status', ...statusSummary(sweepStatus(root, 'status')) });
  return 0;
}

// ---------------------------------------------------------------------------------------------
// slurm and resubmit
// ---------------------------------------------------------------------------------------------

function parseWaitOptions(o: ParsedOptions, spec: CommandSpec): { maxParallel: number | undefined; pollSeconds: number } {
  const maxParallel = o['max-parallel'] as number | undefined;
  if (maxParallel !== undefined && maxParallel < 1) throw new CliError(`gainlab ${spec.name}: --max-parallel must be ≥ 1, got ${maxParallel}`, optionsLine(spec));
  const pollSeconds = o['poll-seconds'] as number;
  if (!(pollSeconds >= 0.2 && pollSeconds <= 300)) throw new CliError(`gainlab ${spec.name}: --poll-seconds must be in [0.2, 300], got ${pollSeconds}`, optionsLine(spec));
  return { maxParallel, pollSeconds };
}

/**
 * What the compute nodes run: the single-file bundle (this CLI when it is the bundle, or --bundle),
 * to be copied next to the script; else the built CLI (out/main/cli.js, with its chunks and
 * node_modules) in place, usable where this checkout is mounted.
 */
function cliForNodes(o: ParsedOptions, io: CliIo): { bundle: string | null; entry: string } {
  const entryUrl = getCliEntry();
  const entry = entryUrl ? fileURLToPath(entryUrl) : fileURLToPath(import.meta.url);
  const bundle = o.bundle ? resolvePath(io, o.bundle as string) : typeof __GAINLAB_BUNDLE__ === 'boolean' && __GAINLAB_BUNDLE__ ? entry : null;
  if (bundle) {
    if (!existsSync(bundle)) throw new CliError(`gainlab sweep slurm: --bundle ${bundle} not found (npm run bundle-cli makes it)`);
    return { bundle, entry: bundle };
  }
  if (entry.endsWith('.ts')) {
    throw new CliError('gainlab sweep slurm: the compute nodes need the single-file CLI: run npm run bundle-cli and pass --bundle out/cli/gainlab.mjs');
  }
  return { bundle: null, entry };
}

/** Copy the bundle to DIR/gainlab.mjs (atomically); the command nodes run. */
function placeBundle(nodes: { bundle: string | null; entry: string }, dir: SweepDir): { command: string[]; copied: string | null } {
  if (!nodes.bundle) return { command: ['node', nodes.entry], copied: null };
  const target = path.join(dir.root, 'gainlab.mjs');
  if (path.resolve(nodes.bundle) !== path.resolve(target)) {
    const temp = `${target}.tmp-${process.pid}`;
    copyFileSync(nodes.bundle, temp);
    renameSync(temp, target);
  }
  return { command: ['node', target], copied: target };
}

/** Submit indices (chunked below the cluster's MaxArraySize); the submissions made. */
function submitIndices(dir: SweepDir, indices: number[], maxParallel: number | undefined, kind: 'submit' | 'resubmit', io: CliIo): SlurmRecord['submissions'] {
  const limit = maxArraySize();
  const byBlock = new Map<number, number[]>();
  for (const index of indices) {
    const block = Math.floor(index / limit) * limit;
    const list = byBlock.get(block) ?? [];
    list.push(index - block);
    byBlock.set(block, list);
  }
  const made: SlurmRecord['submissions'] = [];
  for (const [offset, local] of [...byBlock].sort((a, b) => a[0] - b[0])) {
    const array = formatArraySpec(local);
    const spec = maxParallel !== undefined ? `${array}%${maxParallel}` : array;
    const jobId = submitArray(dir.scriptFile, dir.root, spec, offset);
    io.stderr.write(`sweep ${kind}: submitted array job ${jobId} (${local.length} task(s)${offset ? `, offset ${offset}` : ''})\n`);
    made.push({ jobId, array, offset, submittedAt: new Date().toISOString(), kind });
  }
  return made;
}

async function waitForJobs(jobIds: string[], pollSeconds: number, io: CliIo): Promise<boolean> {
  let interval = 0.5;
  let last = '';
  for (;;) {
    if (io.shouldStop?.()) return false;
    const active = activeTasks(jobIds);
    if (!active) throw new CliError('gainlab sweep: squeue did not answer while waiting for the array');
    const line = `${active.running} running, ${active.pending} pending`;
    if (line !== last) {
      io.stderr.write(`sweep slurm: jobs ${jobIds.join(', ')}: ${line}\n`);
      last = line;
    }
    if (active.running + active.pending === 0) return true;
    await new Promise((resolve) => setTimeout(resolve, interval * 1000));
    interval = Math.min(pollSeconds, interval * 1.5);
  }
}

async function slurmCommand(file: string, o: ParsedOptions, io: CliIo): Promise<number> {
  const spec = SPECS.slurm;
  const { maxParallel, pollSeconds } = parseWaitOptions(o, spec);
  if (o.wait && !o.submit) throw new CliError('gainlab sweep slurm: --wait needs --submit', optionsLine(spec));
  if (o.time !== undefined && !isSlurmTime(o.time as string)) throw new CliError(`gainlab sweep slurm: --time must be a SLURM time (MM, HH:MM:SS or D-HH:MM:SS), got '${o.time}'`, optionsLine(spec));
  if (o.mem !== undefined && !isSlurmMemory(o.mem as string)) throw new CliError(`gainlab sweep slurm: --mem must be a number with an optional K/M/G/T unit, got '${o.mem}'`, optionsLine(spec));
  const cpus = o['cpus-per-task'] as number;
  if (cpus < 1 || cpus > 1024) throw new CliError(`gainlab sweep slurm: --cpus-per-task must be in [1, 1024], got ${cpus}`, optionsLine(spec));
  for (const name of ['partition', 'account'] as const) {
    if (o[name] !== undefined && !/^[A-Za-z0-9_.,-]+$/.test(o[name] as string)) throw new CliError(`gainlab sweep slurm: --${name} must be a SLURM name, got '${o[name]}'`, optionsLine(spec));
  }
  const dir = new SweepDir(resolvePath(io, o.out as string));
  if (/\s/.test(dir.root)) throw new CliError(`gainlab sweep slurm: the sweep directory ${dir.root} contains white space, which #SBATCH lines cannot carry`);
  const nodes = cliForNodes(o, io);

  const planned = planTasks(file);
  sweepDirFor(io, o.out as string, planned.loaded, 'slurm');
  const tasks = planned.loaded.expanded.tasks;
  // an array task runs one task, or with --together one group of tasks that train together
  const arrayGroups = o.together ? togetherGroups(tasks) : tasks.map((task) => [task]);
  const arrayTasks = o.together ? arrayTasksOf(arrayGroups) : undefined;
  const submittedBefore = dir.readSlurm()?.submissions.length ?? 0;
  if (submittedBefore > 0 && JSON.stringify(dir.readPlan()?.arrayTasks ?? null) !== JSON.stringify(arrayTasks ?? null)) {
    throw new CliError(
      `gainlab sweep slurm: ${dir.root} has arrays submitted ${o.together ? 'with one task per array task' : 'with --together'} (or other groups); keep that layout or use a new --out directory`,
    );
  }
  const estimates = measureCosts(planned, io, arrayGroups);
  const { loaded } = planned;
  const n = tasks.length;
  const arraySize = arrayGroups.length;
  dir.ensure();
  makeFoldersSync(dir.logsDir);
  dir.writePlan({ ...planDocument(loaded, planned.hashes, estimates.perTask), ...(arrayTasks ? { arrayTasks } : {}) }, loaded.text);
  const summary = estimateSummary(estimates, 1);
  // what each array task asks for: its task, or its group trained together
  const shapeOf = (task: SweepTask) => planned.shapes.get(task.id)!;
  const perArrayTask = arrayGroups.map((group) => estimateArrayGroup(group, shapeOf, estimates.costs));
  const requests = o.together ? arrayRequests(perArrayTask) : summary.slurmRequest;
  const { command, copied } = placeBundle(nodes, dir);
  const K = maxParallel ?? arraySize;
  const script = sbatchScript({
    jobName: `gainlab-${loaded.sweep.name}`.slice(0, 64),
    array: `0-${arraySize - 1}%${K}`,
    logsDir: dir.logsDir,
    time: (o.time as string | undefined) ?? requests.time,
    memory: (o.mem as string | undefined) ?? requests.mem,
    cpusPerTask: cpus,
    partition: o.partition as string | undefined,
    account: o.account as string | undefined,
    setup: o.setup as string | undefined,
    command: [...command, 'sweep', 'run', loaded.file, '--out', dir.root, '--jobs', '1'],
    indexOption: o.together ? '--group' : '--task',
  });
  writeFileAtomic(dir.scriptFile, script);
  const record: SlurmRecord = dir.readSlurm() ?? { format: SLURM_RECORD_FORMAT, formatVersion: 1, script: dir.scriptFile, submissions: [] };
  let submitted: SlurmRecord['submissions'] = [];
  let waited: ReturnType<typeof statusSummary> | null = null;
  if (o.submit) {
    // finished tasks are not submitted again (they would only be skipped)
    const status = sweepStatus(dir.root, 'slurm');
    const todo = arrayIndices(status, status.statuses.flatMap((s, index) => (s.state === 'done' || s.state === 'running' || s.state === 'pending' ? [] : [index])));
    if (todo.length > 0) {
      submitted = submitIndices(dir, todo, maxParallel, 'submit', io);
      record.submissions.push(...submitted);
      dir.writeSlurm(record);
    } else io.stderr.write('sweep slurm: every task is done or queued already; nothing submitted\n');
    if (o.wait && submitted.length > 0) {
      await waitForJobs(submitted.map((s) => s.jobId), pollSeconds, io);
      waited = statusSummary(sweepStatus(dir.root, 'slurm'));
    }
  } else dir.writeSlurm(record);
  write(io, {
    command: 'sweep slurm',
    sweep: loaded.sweep.name,
    file: loaded.file,
    out: dir.root,
    script: dir.scriptFile,
    bundle: copied,
    tasks: n,
    arrayTasks: arraySize,
    array: `0-${arraySize - 1}%${K}`,
    requests: { time: (o.time as string | undefined) ?? requests.time, mem: (o.mem as string | undefined) ?? requests.mem, cpusPerTask: cpus },
    estimate: {
      cpuSecondsPerTask: summary.cpuSecondsPerTask,
      totalCpuSeconds: summary.totalCpuSeconds,
      memoryMBPerTask: summary.memoryMBPerTask,
      // --together: what each array task (a group trained together) takes, and all of them
      ...(o.together
        ? {
            cpuSecondsPerArrayTask: Math.round(1000 * Math.max(...perArrayTask.map((e) => e.cpuSeconds))) / 1000,
            totalArrayCpuSeconds: Math.round(10 * perArrayTask.reduce((sum, e) => sum + e.cpuSeconds, 0)) / 10,
          }
        : {}),
    },
    submitted: submitted.map((s) => ({ jobId: s.jobId, array: s.array, offset: s.offset })),
    ...(waited ? { status: waited } : {}),
  });
  return waited && waited.counts.done < waited.tasks ? 1 : 0;
}

async function resubmitCommand(root: string, o: ParsedOptions, io: CliIo): Promise<number> {
  const spec = SPECS.resubmit;
  const { maxParallel, pollSeconds } = parseWaitOptions(o, spec);
  const status = sweepStatus(root, 'resubmit');
  const { dir } = status;
  if (!existsSync(dir.scriptFile)) throw new CliError(`gainlab sweep resubmit: ${dir.scriptFile} not found (write it with gainlab sweep slurm FILE --out ${dir.root})`);
  const todo = status.statuses.flatMap((s, index) => (s.state === 'failed' || s.state === 'missing' || s.state === 'stale' ? [index] : []));
  const record: SlurmRecord = status.slurm ?? { format: SLURM_RECORD_FORMAT, formatVersion: 1, script: dir.scriptFile, submissions: [] };
  let submitted: SlurmRecord['submissions'] = [];
  if (todo.length > 0) {
    // the old failure notes would otherwise outlive the new attempt's SLURM state
    for (const index of todo) dir.clearFailed(status.plan.tasks[index].id);
    // (with --together an array task runs its group again: its finished tasks are skipped)
    submitted = submitIndices(dir, arrayIndices(status, todo), maxParallel, 'resubmit', io);
    record.submissions.push(...submitted);
    dir.writeSlurm(record);
  } else io.stderr.write('sweep resubmit: no failed, missing or stale tasks; nothing submitted\n');
  let waited: ReturnType<typeof statusSummary> | null = null;
  if (o.wait && submitted.length > 0) {
    await waitForJobs(submitted.map((s) => s.jobId), pollSeconds, io);
    waited = statusSummary(sweepStatus(dir.root, 'resubmit'));
  }
  write(io, {
    command: 'sweep resubmit',
    sweep: status.plan.name,
    dir: dir.root,
    resubmitted: todo.length,
    indices: formatArraySpec(todo),
    submitted: submitted.map((s) => ({ jobId: s.jobId, array: s.array, offset: s.offset })),
    ...(waited ? { status: waited } : {}),
  });
  return waited && waited.counts.done < waited.tasks ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------
// collect
// ---------------------------------------------------------------------------------------------

/** Arrays of a done task, checked against the SHA-256 its record lists; null with a reason otherwise. */
function taskArrayFiles(dir: SweepDir, record: TaskRecord): { files: Array<{ name: string; bytes: Uint8Array }> } | { problem: string } {
  const files: Array<{ name: string; bytes: Uint8Array }> = [];
  for (const entry of record.arrays) {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(readFileSync(path.join(dir.taskDir(record.id), entry.file)));
    } catch {
      return { problem: `${entry.file} is missing` };
    }
    try {
      if (sha256OfFloat64(parseNpy(bytes).data) !== entry.sha256) return { problem: `${entry.file} does not match result.json (SHA-256 differs)` };
    } catch (error) {
      if (error instanceof NpyError) return { problem: `${entry.file} is not a valid .npy file` };
      throw error;
    }
    files.push({ name: entry.file, bytes });
  }
  return { files };
}

async function collectCommand(root: string, io: CliIo): Promise<number> {
  const started = performance.now();
  const status = sweepStatus(root, 'collect');
  const { dir, plan } = status;
  const sweepText = existsSync(dir.sweepCopy) ? readFileSync(dir.sweepCopy, 'utf8') : null;
  const archive = path.join(dir.root, 'results.gainlab-sweep');
  const temp = `${archive}.tmp-${process.pid}`;
  // written chunk by chunk as the zip is made: one task's arrays in memory at a time
  const fd = openSync(temp, 'w');
  let failure: Error | null = null;
  const zip = new Zip((error, chunk) => {
    if (error) failure = error;
    else if (!failure) {
      try {
        writeSync(fd, chunk);
      } catch (writeError) {
        failure = writeError as Error;
      }
    }
  });
  // float64 arrays compress poorly (a 100-task N = 40 sweep: 13 % smaller) and deflating them was
  // two thirds of collect's time (1.7 s → 0.6 s here): .npy files are stored, the text deflated
  const add = (name: string, bytes: Uint8Array, how: 'store' | 'deflate') => {
    const entry = how === 'store' ? new ZipPassThrough(name) : new ZipDeflate(name, { level: 6 });
    zip.add(entry);
    entry.push(bytes, true);
  };
  const rows: ResultRow[] = [];
  const encoder = new TextEncoder();
  plan.tasks.forEach((task, index) => {
    let state: string = status.statuses[index].state;
    let record = status.records[index];
    if (record) {
      const arrays = taskArrayFiles(dir, record);
      if ('problem' in arrays) {
        state = 'failed';
        status.statuses[index] = { state: 'failed', reason: arrays.problem };
        record = null;
      } else for (const file of arrays.files) add(`tasks/${task.id}/${file.name}`, file.bytes, 'store');
    }
    rows.push({ task, state, record });
  });
  const factorNames = plan.factorNames;
  const csv = resultsCsv(rows.map((row) => sweepRow(row)), factorNames);
  add('results.csv', encoder.encode(csv), 'deflate');
  add('results.json', encoder.encode(`${JSON.stringify(resultsDocument(plan.name, factorNames, rows))}\n`), 'deflate');
  if (sweepText !== null) add('sweep.json', encoder.encode(sweepText), 'deflate');
  zip.end();
  closeSync(fd);
  if (failure) {
    rmSync(temp, { force: true });
    throw new CliError(`gainlab sweep collect: cannot write ${archive} (${(failure as Error).message})`);
  }
  renameSync(temp, archive);
  writeFileAtomic(path.join(dir.root, 'results.csv'), csv);
  const counts = countStates(status.statuses);
  io.stderr.write(`sweep collect: ${counts.done} of ${plan.tasks.length} task(s) done\n`);
  write(io, {
    command: 'sweep collect',
    sweep: plan.name,
    dir: dir.root,
    tasks: plan.tasks.length,
    counts,
    csv: path.join(dir.root, 'results.csv'),
    archive,
    elapsedMs: Math.round(performance.now() - started),
  });
  return 0;
}

