/**
 * Fuzzing the channels that write files or plan work: project:save, project:saveAs, sweeps:plan,
 * sweeps:run and sweeps:export, dispatched through the real handler table
 * (src-main/services/handlers.ts dispatch) on a file-backed project session, as web mode wires
 * them. Valid requests are mutated semantically (fuzz.ts: wrong types, huge strings, NUL bytes,
 * NaN/Infinity, deep nesting, appended and duplicated elements) and, for save paths, also swapped
 * for hostile paths: traversal into a canary folder, /proc, /sys and /dev, a FIFO, a folder named
 * like a project, a symbolic link to a canary, a file from a newer GainLab, over-long names. Some
 * cases make the disk fail during the save (ENOSPC half-way through the temp file, a failed rename).
 *
 * Everything happens in a sandbox folder, which is also the working directory (so relative paths
 * land in it). After each case:
 * - the answer is an envelope; an error has a code other than 'internal' and one short line;
 * - files changed only where the request was allowed to write: a .gainlab file at the path a
 *   successful save answered (inside the sandbox), or the sweep file of a successful Run here in
 *   the project's NAME.sweeps/ folder; canary files (non-project files, the newer-format file, the
 *   symbolic link's target) are byte for byte as they were; a failed save leaves the previous file
 *   as it was;
 * - no temp file is left and every project file in the sandbox opens (saves are atomic).
 * After the fuzz, a valid request of each channel still works.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Envelope, InvokeChannel } from '../../src-shared/ipc/contract.js';
import { decodeProjectFile, zipEntries } from '../../src-shared/project/archive.js';
import { createHandlers, dispatch, type AppServices, type HandlerTable } from '../../src-main/services/handlers.js';
import { createJobManager, type JobManager } from '../../src-main/services/jobManager.js';
import { PendingResults } from '../../src-main/services/pendingResults.js';
import { nodeProjectFs, type ProjectFs } from '../../src-main/services/projectFs.js';
import { createFileProjects, type FileProjects } from '../../src-main/services/projectSession.js';
import { ProjectService } from '../../src-main/services/projects.js';
import { sweepPaths } from '../../src-main/services/sweepService.js';
import runModelTask from '../../src-main/worker/modelWorker.js';
import type { WorkerTask } from '../../src-main/worker/protocol.js';
import { syntheticProjectPieces } from '../main/appContextHelpers.js';
import { expectNoFailures, messageProblem, mutateValue, numericLeaves, runCases, type Fuzz } from './fuzz.js';

const sandbox = mkdtempSync(path.join(tmpdir(), 'gainlab-fuzz-writes-'));
const configDir = mkdtempSync(path.join(tmpdir(), 'gainlab-fuzz-writes-config-'));
/** The working directory: deep enough that "../../x" stays in the sandbox. */
const cwd = path.join(sandbox, 'deep', 'a', 'b', 'c');
const allowed = path.join(sandbox, 'allowed');
const study = path.join(allowed, 'study.gainlab');
const canaryText = path.join(sandbox, 'deep', 'etc', 'passwd');
const newer = path.join(allowed, 'newer.gainlab');
const fakeBundle = path.join(sandbox, 'gainlab.mjs');
/**
 * A real folder whose path is 4 056 characters long (names of up to 201), with a copy of the
 * project: the project's save (its temp file beside it) still fits in PATH_MAX (4 096), little
 * more does. The length does not depend on the temp folder's own (a test run has one of its own,
 * tests/helpers/tempDirs.ts; a Mac's is longer than /tmp).
 */
const LONG_PATH_CHARS = 4056;
let long = path.join(sandbox, 'long');
while (LONG_PATH_CHARS - long.length > 202) long = path.join(long, 'L'.repeat(200));
long = path.join(long, 'L'.repeat(LONG_PATH_CHARS - long.length - 1));
const longStudy = path.join(long, 'study.gainlab');
/** A copy of the project whose sweeps folder cannot be made: a file holds its name. */
const blockedStudy = path.join(sandbox, 'blocked', 'study.gainlab');
const projectFiles = [study, study, study, longStudy, blockedStudy];
const originalCwd = process.cwd();

/** Makes the disk fail once, for the next save into the sandbox. */
type DiskFault = 'enospc-mid-write' | 'rename-fails' | null;
let fault: DiskFault = null;

function faultyFs(inner: ProjectFs): ProjectFs {
  const error = (code: string) => Object.assign(new Error(`${code}: simulated`), { code });
  return {
    ...inner,
    async writeFileDurable(file, data) {
      if (fault === 'enospc-mid-write' && file.startsWith(sandbox)) {
        fault = null;
        // half the data reaches the temp file, then the disk is full
        await inner.writeFileDurable(file, data.subarray(0, data.length >> 1));
        throw error('ENOSPC');
      }
      return inner.writeFileDurable(file, data);
    },
    async rename(from, to) {
      if (fault === 'rename-fails' && to.startsWith(sandbox)) {
        fault = null;
        throw error('EXDEV');
      }
      return inner.rename(from, to);
    },
  };
}

let projects: FileProjects;
let jobs: JobManager;
let handlers: HandlerTable;

beforeAll(async () => {
  mkdirSync(cwd, { recursive: true });
  mkdirSync(path.dirname(canaryText), { recursive: true });
  mkdirSync(path.join(allowed, 'folder.gainlab'), { recursive: true });
  writeFileSync(canaryText, 'root:x:0:0:root:/root:/bin/bash\n');
  writeFileSync(fakeBundle, '// the single-file CLI stands here\n');
  // a project file from a newer GainLab: never overwritten
  writeFileSync(newer, zipEntries({ 'project.json': { kind: 'gainlab-project', schemaVersion: 99, name: 'From the future' } }));
  // a symbolic link to a canary: a save replaces the link, never what it points at
  symlinkSync(canaryText, path.join(allowed, 'link.gainlab'));
  // a symbolic link to a folder under /proc: writing through it must fail cleanly
  symlinkSync('/proc/self', path.join(allowed, 'proc-link'));
  execFileSync('mkfifo', [path.join(allowed, 'fifo.gainlab')]);
  mkdirSync(long, { recursive: true });
  writeFileSync(path.join(long, 'a-file'), 'not a folder\n');
  mkdirSync(path.dirname(blockedStudy));
  writeFileSync(path.join(path.dirname(blockedStudy), 'study.sweeps'), 'a file where the sweeps folder would go\n');
  process.chdir(cwd);

  projects = createFileProjects({
    service: new ProjectService({ configDir, appVersion: '0.0.0-fuzz', fs: faultyFs(nodeProjectFs()) }),
    pendingResults: new PendingResults(configDir),
    log: () => undefined,
  });
  jobs = createJobManager({
    // a sweep job started by sweeps:run fails at once (no long jobs here), after dispatch answered
    pool: { run: async () => Promise.reject(new Error('no long jobs in the fuzz tests')), destroy: async () => undefined },
    // plans run in this thread
    interactivePool: { run: (task: WorkerTask) => runModelTask(task), destroy: async () => undefined },
    emit: () => undefined,
  });
  const services: AppServices = { mode: 'web', version: '0.0.0-fuzz', platform: 'test', workerThreads: 1, jobs, projects, cliBundleFile: fakeBundle, cores: 1 };
  handlers = createHandlers(services);
  await projects.newProject();
  const { network, target } = syntheticProjectPieces();
  await projects.update({ name: 'Fuzz study', upsertNetworks: [network], upsertTargets: [target] }, 'pieces');
  await projects.saveAs(longStudy);
  await projects.saveAs(blockedStudy);
  await projects.saveAs(study);
});

afterAll(async () => {
  process.chdir(originalCwd);
  await jobs?.dispose();
  await projects?.dispose();
  rmSync(sandbox, { recursive: true, force: true });
  rmSync(configDir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// The sandbox as it is: every file with its hash (links as their target), every folder
// ---------------------------------------------------------------------------------------------

type Snapshot = Map<string, string>;

function snapshot(dir = sandbox, out: Snapshot = new Map()): Snapshot {
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    const stats = lstatSync(file);
    if (stats.isSymbolicLink()) out.set(file, `link:${readlinkSync(file)}`);
    else if (stats.isDirectory()) {
      out.set(file, 'dir');
      snapshot(file, out);
    } else if (stats.isFile()) out.set(file, createHash('sha256').update(readFileSync(file)).digest('hex'));
    else out.set(file, 'special');
  }
  return out;
}

/** What the case was allowed to write, given its answer. */
interface Allowance {
  /** A successful save's file. */
  savedFile: string | null;
  /** A successful Run here's folder of sweeps (NAME.sweeps/): its sweep file. */
  sweepsFolder: string | null;
  /**
   * Where new (empty) folders may appear, also when the request is then refused: anywhere for
   * saveAs (ensureSaveFolder creates the missing folders of a typed path), the sweeps folder for
   * sweeps:run (created before its sweep file is written); null: nowhere.
   */
  folders: string | null;
}

/** Problems with what changed in the sandbox from `before` to now, or null. */
function writeProblems(before: Snapshot, allowance: Allowance): string | null {
  const after = snapshot();
  const problems: string[] = [];
  for (const [file, hash] of after) {
    const name = path.basename(file);
    if (/\.tmp$|\.tmp-|^\.tmp/.test(name)) problems.push(`left a temp file ${file}`);
    if (before.get(file) === hash) continue;
    if (hash === 'dir' && allowance.folders !== null && file.startsWith(allowance.folders)) continue;
    if (file === allowance.savedFile) continue;
    if (allowance.sweepsFolder && file.startsWith(allowance.sweepsFolder)) continue;
    problems.push(`${before.has(file) ? 'changed' : 'wrote'} ${file}`);
  }
  for (const file of before.keys()) if (!after.has(file)) problems.push(`removed ${file}`);
  // every project file that changed opens: nothing half-written
  if (allowance.savedFile && after.get(allowance.savedFile) !== before.get(allowance.savedFile)) {
    try {
      decodeProjectFile(new Uint8Array(readFileSync(allowance.savedFile)));
    } catch (error) {
      problems.push(`the saved file does not open: ${String(error).slice(0, 200)}`);
    }
  }
  return problems.length > 0 ? problems.slice(0, 3).join('; ') : null;
}

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

const hostilePaths = [
  study,
  path.join(allowed, 'other.gainlab'),
  path.join(allowed, 'new', 'folder', 'x.gainlab'),
  path.join(allowed, 'no-extension'),
  `${cwd}/../../../etc/passwd`,
  '../../etc/passwd',
  'relative name',
  newer,
  path.join(allowed, 'folder.gainlab'),
  path.join(allowed, 'folder.gainlab', ''),
  `${allowed}/`,
  path.join(allowed, 'link.gainlab'),
  path.join(allowed, 'fifo.gainlab'),
  path.join(allowed, 'proc-link', 'fuzz.gainlab'),
  path.join(allowed, 'proc-link', 'new', 'fuzz.gainlab'),
  '/proc/self/fuzz.gainlab',
  '/proc/fuzz/new/x.gainlab',
  '/sys/fuzz.gainlab',
  '/dev/null',
  '/dev/fuzz/x.gainlab',
  path.join(allowed, 'nul\u0000byte.gainlab'),
  path.join(allowed, `${'n'.repeat(300)}.gainlab`),
  path.join(allowed, 'p/'.repeat(2100), 'x.gainlab'),
  path.join(allowed, 'line\nbreak.gainlab'),
  path.join(allowed, `${'d/'.repeat(40)}deep.gainlab`),
  path.join(long, 'x.gainlab'),
  path.join(long, 'a-file', 'x.gainlab'),
  path.join(long, 'a-file', 'new', 'x.gainlab'),
  path.join(long, 'new', 'x.gainlab'),
  path.join(long, `${'q'.repeat(150)}.gainlab`),
  path.join(sandbox, 'blocked'),
];

/** Where sweeps:import reads from: missing files, devices, a FIFO, folders that are not sweeps, a project. */
const importPaths = [path.join(long, 'missing.gainlab-sweep'), long, sandbox, '/dev/zero', '/proc/self/mem', '/proc/self/environ', path.join(allowed, 'fifo.gainlab'), study, canaryText, '/nonexistent/x', 'relative/missing', path.join(allowed, 'nul\u0000byte')];

const sweep = {
  schemaVersion: 1,
  name: 'fuzz-sweep',
  description: 'a sweep of the open project',
  base: { source: { networkId: 'net', targetIds: ['tgt'] }, rule: 'reward', trials: 20, seed: 1, sigma: 0.001, alpha: 0.3, groups: 4 },
  design: 'grid',
  factors: { seed: [1, 2], sigma: [0.001, 0.002], groups: [4, 'N'] },
};
const listSweep = {
  schemaVersion: 1,
  name: 'fuzz.list_1',
  base: { source: { networkId: 'net', targetIds: [{ generated: 3 }] }, rule: 'gradient', trials: 10, learningRate: 0.01, groups: { kind: 'random', count: 3 } },
  design: 'list',
  tasks: [{ seed: 1 }, { seed: 2, groups: 'N' }, { trials: 5, rule: 'reward', sigma: 0.01, targets: ['tgt', { generated: 4 }] }],
};

/** Names and values a hostile request puts in a sweep, besides fuzz.ts's mutations. */
function hostileSweep(fz: Fuzz): { value: unknown; description: string } {
  const copy = structuredClone(fz.pick([sweep, listSweep])) as Record<string, any>;
  switch (fz.int(6)) {
    case 0: {
      const name = fz.pick(['../../etc/cron.d/x', '/etc/x', '..', 'a/../../b', 'nul\u0000', 'x'.repeat(5000), 'CON', '.hidden', 'a\nb']);
      copy.name = name;
      return { value: copy, description: `name = ${JSON.stringify(name.slice(0, 40))}` };
    }
    case 1: {
      const project = fz.pick(['/etc/passwd', '../../../etc/passwd', '/proc/self/environ', canaryText]);
      copy.base.source.project = project;
      return { value: copy, description: `base.source.project = ${project}` };
    }
    case 2: {
      const length = fz.pick([1001, 100_000, 1_000_000]);
      copy.factors = { seed: Array.from({ length }, (_, i) => i) };
      copy.design = 'grid';
      delete copy.tasks;
      return { value: copy, description: `factors.seed of ${length} values` };
    }
    case 3: {
      copy.factors = { seed: Array.from({ length: 400 }, (_, i) => i), sigma: Array.from({ length: 400 }, (_, i) => 0.001 * (i + 1)) };
      copy.design = 'grid';
      delete copy.tasks;
      return { value: copy, description: 'a grid of 400 × 400 tasks (more than a sweep may have)' };
    }
    case 4: {
      copy.base.source = { networkDir: fz.pick(['/etc', '../../../', '/proc/self']), target: '/etc/passwd', networkId: 'net' };
      return { value: copy, description: `base.source = a network folder (${copy.base.source.networkDir})` };
    }
    default: {
      const value = fz.pick([Number.NaN, Number.POSITIVE_INFINITY, 1e308, -1]);
      copy.base.sigma = value;
      return { value: copy, description: `base.sigma = ${value}` };
    }
  }
}

interface Case {
  channel: InvokeChannel;
  request: unknown;
  description: string;
  /** The project file open when the request comes. */
  projectFile: string;
}

function makeCase(fz: Fuzz): Omit<Case, 'projectFile'> {
  const kind = fz.int(11);
  if (kind === 10) {
    const base = { path: fz.pick(importPaths) };
    const mutated = fz.chance(0.3) ? mutateValue(base, fz) : { value: base, description: 'as is' };
    return { channel: 'sweeps:import', request: mutated.value, description: `path ${JSON.stringify(base.path.slice(-60))}: ${mutated.description}` };
  }
  if (kind < 4) {
    // save as: a hostile path, often mutated further
    const base = { path: fz.pick(hostilePaths) };
    const mutated = fz.chance(0.4) ? mutateValue(base, fz) : { value: base, description: 'as is' };
    return { channel: 'project:saveAs', request: mutated.value, description: `path ${JSON.stringify(String(base.path).slice(-60))}: ${mutated.description}` };
  }
  if (kind === 4) {
    const mutated = fz.chance(0.5) ? mutateValue({}, fz) : { value: {}, description: 'as is' };
    return { channel: 'project:save', request: mutated.value, description: mutated.description };
  }
  const channel = fz.pick(['sweeps:plan', 'sweeps:run', 'sweeps:export'] as const);
  const together = channel === 'sweeps:export' && fz.chance(0.5) ? { together: fz.pick([true, false]) } : {};
  if (fz.chance(0.3)) {
    const hostile = hostileSweep(fz);
    return { channel, request: { sweep: hostile.value, ...together }, description: hostile.description };
  }
  // the request mutated as a whole: the sweep's fields (half the time mostly its numbers), or the request's own
  const mutated = mutateValue({ sweep: fz.pick([sweep, listSweep]), ...together }, fz, fz.chance(0.5) ? numericLeaves : undefined);
  return { channel, request: mutated.value, description: mutated.description };
}

/** One case: dispatched with the project open at its file; the envelope and the files checked. */
async function runCase(c: Case, diskFault: DiskFault, outcome: (kind: string) => void): Promise<string | null> {
  await projects.open(c.projectFile);
  const before = snapshot();
  fault = diskFault;
  const envelope = (await dispatch(handlers, c.channel, c.request)) as Envelope<{ path?: string; dir?: string }>;
  fault = null;
  outcome(`${c.channel} ${envelope.ok ? 'ok' : envelope.error.code}${diskFault ? ` (${diskFault})` : ''}`);
  if (!envelope.ok) {
    if (envelope.error.code === 'internal') return `internal error: ${envelope.error.message.slice(0, 300)}`;
    const problem = messageProblem(envelope.error.message);
    if (problem) return problem;
  }
  const savedFile = envelope.ok && (c.channel === 'project:save' || c.channel === 'project:saveAs') ? (envelope.value.path ?? null) : null;
  if (savedFile && !savedFile.startsWith(`${sandbox}${path.sep}`)) return `saved outside the sandbox: ${savedFile}`;
  if (savedFile && diskFault) return `saved although the disk failed (${diskFault})`;
  const sweepsRoot = sweepPaths(c.projectFile, 'x').root;
  const folders = c.channel === 'project:saveAs' ? sandbox : c.channel === 'sweeps:run' ? sweepsRoot : null;
  return writeProblems(before, { savedFile, sweepsFolder: envelope.ok && c.channel === 'sweeps:run' ? sweepsRoot : null, folders });
}

describe('fuzzing the channels that write files', () => {
  it('save, save as, sweeps plan / run / export: mutated and hostile requests, some with a failing disk', async () => {
    const result = await runCases('file writes', 20261206, 260, (fz) => {
      const c = { ...makeCase(fz), projectFile: fz.pick(projectFiles) };
      const saving = c.channel === 'project:save' || c.channel === 'project:saveAs';
      const diskFault: DiskFault = saving && fz.chance(0.25) ? fz.pick(['enospc-mid-write', 'rename-fails'] as const) : null;
      const where = c.projectFile === study ? '' : ` (project ${c.projectFile === longStudy ? 'in the long folder' : 'with its sweeps folder blocked'})`;
      return { description: `${c.channel}${where}${diskFault ? ` with ${diskFault}` : ''}: ${c.description}`, run: (outcome) => runCase(c, diskFault, outcome) };
    });
    expectNoFailures(result);
  });

  it('after the fuzz, a valid request of each channel still works, and a failed save keeps the file', async () => {
    await projects.open(study);
    const call = async (channel: InvokeChannel, request: unknown) => {
      const envelope = await dispatch(handlers, channel, request);
      if (!envelope.ok) throw new Error(`${channel}: ${envelope.error.code}: ${envelope.error.message}`);
      return envelope.value as Record<string, unknown>;
    };
    const previous = readFileSync(study);
    fault = 'enospc-mid-write';
    const full = await dispatch(handlers, 'project:save', {});
    expect(full).toMatchObject({ ok: false, error: { code: 'io', message: expect.stringMatching(/the disk is full \(ENOSPC\)\. The previous version of the file is unchanged\.$/) } });
    expect(readFileSync(study).equals(previous)).toBe(true);
    expect(await call('project:save', {})).toEqual({ path: study });
    const other = path.join(allowed, 'after-the-fuzz.gainlab');
    expect(await call('project:saveAs', { path: other })).toEqual({ path: other });
    expect(decodeProjectFile(new Uint8Array(readFileSync(other))).project.name).toBe('Fuzz study');
    await projects.open(study);
    expect((await call('sweeps:plan', { sweep })).tasks).toBe(8);
    expect((await call('sweeps:plan', { sweep: listSweep })).tasks).toBe(3);
    const exported = await call('sweeps:export', { sweep });
    expect(exported.fileName).toBe('fuzz-sweep-cluster.zip');
    const run = await call('sweeps:run', { sweep });
    expect(run.dir).toBe(path.join(allowed, 'study.sweeps', 'fuzz-sweep'));
    expect(JSON.parse(readFileSync(path.join(allowed, 'study.sweeps', 'fuzz-sweep.sweep.json'), 'utf8')).base.source.project).toBe('../study.gainlab');
    // the canaries are as they were
    expect(readFileSync(canaryText, 'utf8')).toBe('root:x:0:0:root:/root:/bin/bash\n');
    expect(() => decodeProjectFile(new Uint8Array(readFileSync(newer)))).toThrow(/newer GainLab|format 99/);
  });
});

describe('refusals of writes and reads by path are one short line, whatever the path', () => {
  /** The refusal of a request made with `projectFile` open: its code and message, checked to be one short line. */
  async function refusal(projectFile: string, channel: InvokeChannel, request: unknown): Promise<{ code: string; message: string }> {
    await projects.open(projectFile);
    const envelope = await dispatch(handlers, channel, request);
    if (envelope.ok) throw new Error(`${channel} was accepted`);
    expect(messageProblem(envelope.error.message), envelope.error.message.slice(0, 400)).toBeNull();
    return envelope.error;
  }

  // before: Node's raw "EEXIST: file already exists, mkdir '<path>'" (study.sweeps is a file: the
  // folders are made one at a time, makeFolders.ts, so the file is named ENOTDIR), and with a long project
  // path "ENAMETOOLONG: name too long, lstat '<4 000 characters>'"
  it('sweeps:run when the sweep file cannot be written', async () => {
    expect(await refusal(blockedStudy, 'sweeps:run', { sweep })).toEqual({
      code: 'io',
      message: `Could not write the sweep file ${path.join(sandbox, 'blocked', 'study.sweeps', 'fuzz-sweep.sweep.json')}: a part of the path is not a folder (ENOTDIR).`,
    });
    const deep = await refusal(longStudy, 'sweeps:run', { sweep: { ...sweep, name: 'n'.repeat(120) } });
    expect(deep.code).toBe('io');
    expect(deep.message).toMatch(/^Could not write the sweep file …n{109}\.sweep\.json: the path or a name in it is too long \(ENAMETOOLONG\)\.$/);
  });

  // before: the whole folder (~3 900 characters) in the sentence
  it('project:saveAs below a file, in a long folder', async () => {
    const { code, message } = await refusal(study, 'project:saveAs', { path: path.join(long, 'a-file', 'new', 'x.gainlab') });
    expect(code).toBe('io');
    expect(message).toMatch(/^"x\.gainlab": cannot create folders in …L*\/a-file: it is not a folder$/);
  });

  // before: "ENOENT: no such file or directory, stat '<the whole path>'", EIO raw, and the whole folder
  it('sweeps:import of a missing file, an unreadable one, a folder that is not a sweep', async () => {
    expect(await refusal(study, 'sweeps:import', { path: path.join(long, 'missing.gainlab-sweep') })).toEqual({
      code: 'not-found',
      message: expect.stringMatching(/^…L*\/missing\.gainlab-sweep: the file or folder does not exist \(ENOENT\)$/),
    });
    expect(await refusal(study, 'sweeps:import', { path: '/proc/self/mem' })).toEqual({ code: 'io', message: 'the disk reported an I/O error (EIO)' });
    expect(await refusal(study, 'sweeps:import', { path: long })).toEqual({
      code: 'not-found',
      message: expect.stringMatching(/^…L+ is not a sweep folder \(it has no plan\.json; gainlab sweep run or the app's Run here writes one\)\.$/),
    });
  });
});
