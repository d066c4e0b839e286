import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GainLabError, type ProjectSummary } from '../../src-shared/ipc/contract.js';
import { PendingResults } from '../../src-main/services/pendingResults.js';
import { nodeProjectFs, type ProjectFs } from '../../src-main/services/projectFs.js';
import { createFileProjects, defaultConfigDir } from '../../src-main/services/projectSession.js';
import { ProjectService } from '../../src-main/services/projects.js';
import { expectSameBits, sampleProject } from './fixtures.js';

let dir: string;
let configDir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'gainlab-session-'));
  configDir = path.join(dir, 'config');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function session(sessionId: string, changes: ProjectSummary[] = [], fs?: ProjectFs, log: string[] = []) {
  let tick: (() => void) | null = null;
  const projects = createFileProjects({
    service: new ProjectService({ configDir, appVersion: '0.1.0', fs }),
    pendingResults: new PendingResults(configDir),
    sessionId,
    onChange: (s) => changes.push(s),
    timers: { setInterval: (cb) => ((tick = cb), 1), clearInterval: () => {} },
    log: (line) => log.push(line),
  });
  return { projects, fireTimer: () => tick?.() };
}

describe('file-backed project session (ProjectsApi)', () => {
  it('edit → autosave → crash → recover on the next start → save clears the copy', async () => {
    const changes: ProjectSummary[] = [];
    const first = session('first', changes);
    const sample = sampleProject();
    const edited = await first.projects.update({ name: 'Unsaved work', upsertNetworks: sample.networks, upsertTargets: sample.targets }, 'Edit');
    expect(edited.dirty).toBe(true);
    expect(changes.at(-1)?.name).toBe('Unsaved work');
    first.fireTimer();
    await first.projects.flushRecovery();
    // "Crash": the first session is never disposed.

    const second = session('second');
    expect(await second.projects.recover(false)).toMatchObject({ available: true, name: 'Unsaved work', key: 'unsaved-first', project: null });
    const recovered = await second.projects.recover(true);
    expect(recovered.available).toBe(true);
    expect(recovered.project?.dirty).toBe(true);
    expect(recovered.project?.path).toBeNull();
    expect(recovered.project?.name).toBe('Unsaved work');
    expectSameBits(second.projects.project().networks, sample.networks);

    const target = path.join(dir, 'rescued');
    const saved = await second.projects.saveAs(target);
    expect(saved.path).toBe(path.join(dir, 'rescued.gainlab'));
    expect(second.projects.current().dirty).toBe(false);
    // the restored copy stayed until this save, which removed it
    expect(await second.projects.recover(false)).toEqual({ available: false, savedAt: null, name: null, key: null, originalPath: null, project: null });
    expect((await second.projects.recent()).map((r) => r.path)).toEqual([saved.path]);

    // A third start opens the saved file and finds the same project.
    const third = session('third');
    const opened = await third.projects.open(saved.path);
    expect(opened.dirty).toBe(false);
    expectSameBits(opened.project.targets, sample.targets);
  });

  it('save needs a path first; errors come out as GainLabError with the IPC code', async () => {
    const { projects } = session('s');
    await expect(projects.save()).rejects.toMatchObject({ code: 'not-found' });
    writeFileSync(path.join(dir, 'bad.gainlab'), 'not a zip');
    const error = await projects.open(path.join(dir, 'bad.gainlab')).catch((e) => e);
    expect(error).toBeInstanceOf(GainLabError);
    expect(error.code).toBe('bad-file');
    expect(error.message).toMatch(/^"bad\.gainlab": this is not a GainLab project file/);
    const missing = await projects.open(path.join(dir, 'missing.gainlab')).catch((e) => e);
    expect(missing.code).toBe('not-found');
    const importError = await projects.importBytes('upload.gainlab', new Uint8Array([1, 2, 3])).catch((e) => e);
    expect(importError.code).toBe('bad-file');
  });

  it('export → import round trip, and the shipped example loads as an unsaved project', async () => {
    const { projects } = session('s');
    await projects.update({ upsertTargets: sampleProject().targets, name: 'Targets only' }, 'Edit');
    const exported = await projects.exportBytes();
    expect(exported.fileName).toBe('Targets only.gainlab');
    const imported = await projects.importBytes(exported.fileName, exported.bytes);
    expect(imported.path).toBeNull();
    expectSameBits(imported.project.targets, sampleProject().targets);

    const example = await projects.loadExample();
    expect(example.path).toBeNull();
    expect(example.dirty).toBe(false);
    expect(example.project.networks[0].n).toBe(200);
  });

  it('declining recovery discards the copy; a clean dispose removes its own copy', async () => {
    const first = session('one');
    await first.projects.update({ name: 'Draft' }, 'Rename');
    await first.projects.flushRecovery();
    const recoveryDir = path.join(configDir, 'recovery');
    expect(existsSync(path.join(recoveryDir, 'unsaved-one.gainlab'))).toBe(true);
    await first.projects.dispose({ discardRecovery: true });
    expect(existsSync(path.join(recoveryDir, 'unsaved-one.gainlab'))).toBe(false);

    const second = session('two');
    await second.projects.update({ name: 'Another draft' }, 'Rename');
    await second.projects.flushRecovery();
    const third = session('three');
    const offered = await third.projects.recover(false);
    expect(offered.available).toBe(true);
    // "Not now" keeps it: only an explicit Discard removes it
    await third.projects.newProject();
    expect((await third.projects.recover(false)).available).toBe(true);
    expect(await third.projects.discardRecovery(offered.key!)).toEqual({ discarded: true });
    expect((await third.projects.recover(false)).available).toBe(false);
  });

  it('keeps the saved file as it was when only the recovery copy changes', async () => {
    const { projects } = session('s');
    await projects.update({ upsertTargets: sampleProject().targets }, 'Edit');
    const { path: file } = await projects.saveAs(path.join(dir, 'study.gainlab'));
    const before = readFileSync(file);
    await projects.update({ name: 'Renamed but not saved' }, 'Rename');
    await projects.flushRecovery();
    expect(readFileSync(file).equals(before)).toBe(true);
    const listed = await new ProjectService({ configDir }).listRecoverable();
    expect(listed.map((e) => [e.originalPath, e.name])).toEqual([[file, 'Renamed but not saved']]);
  });

  it('opening a file with another session’s copy offers it; switching projects keeps it; Restore binds it to the file', async () => {
    const first = session('crashed');
    await first.projects.update({ upsertTargets: sampleProject().targets }, 'Edit');
    const { path: file } = await first.projects.saveAs(path.join(dir, 'study.gainlab'));
    await first.projects.update({ name: 'Edited before the crash' }, 'Rename');
    await first.projects.flushRecovery();
    // "Crash". The next session opens the same file: the copy is offered, not lost
    const second = session('next');
    const opened = await second.projects.open(file);
    expect(opened.recoveryOffer).toMatchObject({ name: 'Edited before the crash' });
    // opening another project does not delete it (the bug of issue 9)
    await second.projects.newProject();
    const listed = () => new ProjectService({ configDir }).listRecoverable();
    expect((await listed()).map((e) => e.name)).toEqual(['Edited before the crash']);
    const reopened = await second.projects.open(file);
    const restored = await second.projects.recover(true, reopened.recoveryOffer!.key);
    expect(restored.project).toMatchObject({ name: 'Edited before the crash', path: file, dirty: true, recoveryOffer: null });
    await second.projects.save();
    expect(await listed()).toEqual([]);
  });

  it('an autosave that fails is shown in the summary and the log, and keeps its last good copy', async () => {
    const failing = { ...nodeProjectFs(), writeFileDurable: async () => Promise.reject(Object.assign(new Error('no space left'), { code: 'ENOSPC' })) };
    const log: string[] = [];
    const changes: ProjectSummary[] = [];
    const { projects } = session('full', changes, failing, log);
    await projects.update({ name: 'Unsafe' }, 'Rename');
    await projects.flushRecovery();
    expect(projects.current().autosave).toMatchObject({ state: 'failed', message: expect.stringMatching(/disk is full \(ENOSPC\)/) });
    expect(changes.at(-1)?.autosave.state).toBe('failed');
    expect(log).toEqual([expect.stringMatching(/^\[autosave\] the recovery copy of "Unsafe" could not be written: .*ENOSPC/)]);
  });

  it('a save during an autosave waits for it, and no copy outlives the save', async () => {
    // recovery writes (under the config folder) wait for a gate the test opens
    let openGate: () => void = () => {};
    let gate = Promise.resolve();
    const base = nodeProjectFs();
    const slow: ProjectFs = {
      ...base,
      writeFileDurable: async (file, data) => {
        if (file.startsWith(configDir)) await gate;
        return base.writeFileDurable(file, data);
      },
    };
    const { projects, fireTimer } = session('racing', [], slow);
    const file = (await projects.saveAs(path.join(dir, 'study'))).path;
    await projects.update({ name: 'Edited after the save' }, 'Rename');
    gate = new Promise((resolve) => (openGate = resolve));
    fireTimer(); // an autosave starts and is held writing its copy
    const saving = projects.save();
    // the save waits for the copy being written (and no new one starts meanwhile)
    fireTimer();
    await new Promise((resolve) => setTimeout(resolve, 20));
    openGate();
    await saving;
    expect(projects.current().dirty).toBe(false);
    const recoveryDir = path.join(configDir, 'recovery');
    const left = existsSync(recoveryDir) ? readdirSync(recoveryDir).filter((name) => name.endsWith('.gainlab')) : [];
    expect(left).toEqual([]);
    const reopened = session('next');
    expect((await reopened.projects.open(file)).recoveryOffer).toBeNull();
  });

  it('picks a per-platform config folder unless GAINLAB_CONFIG_DIR is set', () => {
    expect(defaultConfigDir({ GAINLAB_CONFIG_DIR: '/x/y' }, 'linux')).toBe('/x/y');
    expect(defaultConfigDir({ XDG_CONFIG_HOME: '/cfg' }, 'linux')).toBe(path.join('/cfg', 'gainlab'));
    expect(defaultConfigDir({ APPDATA: 'C:\\Users\\me\\AppData\\Roaming' }, 'win32')).toMatch(/GainLab$/);
  });
});
