import { mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeProject, projectToEntries, zipEntries } from '../../src-shared/project/archive.js';
import { ProjectFileError } from '../../src-shared/project/errors.js';
import { PROJECT_SCHEMA_VERSION } from '../../src-shared/project/schema.js';
import { AutosaveScheduler } from '../../src-main/services/autosave.js';
import { nodeProjectFs, type ProjectFs } from '../../src-main/services/projectFs.js';
import { ProjectService, recoveryKey } from '../../src-main/services/projects.js';
import { expectSameBits, sampleProject } from './fixtures.js';

let dir: string;
let configDir: string;
let clock: number;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'gainlab-projects-'));
  configDir = path.join(dir, 'config');
  clock = Date.UTC(2026, 10, 27, 19, 0, 0);
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function service(fs: ProjectFs = nodeProjectFs()): ProjectService {
  return new ProjectService({ configDir, fs, now: () => clock, appVersion: '0.1.0-test' });
}

async function rejection(promise: Promise<unknown>): Promise<ProjectFileError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ProjectFileError);
    return error as ProjectFileError;
  }
  throw new Error('expected a rejection');
}

/** Files in the project directory other than the config folder. */
function projectDirListing(): string[] {
  return readdirSync(dir).filter((name) => name !== 'config').sort();
}

describe('ProjectService open/save', () => {
  it('a file name with a newline is quoted on one line, its control characters escaped (fuzz: tests/fuzz/ipcRequests seed 8086 case 279)', async () => {
    const error = await rejection(service().open(path.join(dir, 'line one\nline two')));
    expect(error.code).toBe('not-found');
    expect(error.message).toBe('"line one\\u000aline two": could not open the file: the file does not exist.');
    expect(error.fileName).toBe('line one\nline two');
  });

  it('save then open gives the same project, atomically placed, no temp files left', async () => {
    const svc = service();
    const project = sampleProject();
    const saved = await svc.save(project, path.join(dir, 'study'));
    expect(saved.path).toBe(path.join(dir, 'study.gainlab'));
    expect(saved.project.modifiedAt).toBe(new Date(clock).toISOString());
    expect(project.modifiedAt).toBe('2026-11-27T12:00:00.000Z'); // argument not mutated
    expect(projectDirListing()).toEqual(['study.gainlab']);
    expect(saved.sizeBytes).toBe(readFileSync(saved.path).length);

    const opened = await svc.open(saved.path);
    expect(opened.fromVersion).toBe(PROJECT_SCHEMA_VERSION);
    expect(opened.writtenBy).toBe('GainLab 0.1.0-test');
    expectSameBits(opened.project, saved.project);
  });

  it('names a missing file and a bad file in the error', async () => {
    const svc = service();
    const missing = await rejection(svc.open(path.join(dir, 'nope.gainlab')));
    expect(missing.code).toBe('not-found');
    expect(missing.category).toBe('not-found');
    expect(missing.message).toBe('"nope.gainlab": could not open the file: the file does not exist.');
    writeFileSync(path.join(dir, 'notes.gainlab'), 'just text');
    const bad = await rejection(svc.open(path.join(dir, 'notes.gainlab')));
    expect(bad.code).toBe('not-zip');
    expect(bad.category).toBe('bad-file');
    expect(bad.message).toMatch(/^"notes\.gainlab": this is not a GainLab project file/);
  });

  it('an interrupted save (process dies between write and rename) leaves the previous file intact', async () => {
    const target = path.join(dir, 'study.gainlab');
    const first = await service().save(sampleProject(), target);
    const before = readFileSync(target);

    // The process "dies" right after the temp file is written: rename never happens, nothing else runs.
    const real = nodeProjectFs();
    let written = false;
    const dying: ProjectFs = {
      ...real,
      writeFileDurable: async (file, data) => {
        await real.writeFileDurable(file, data);
        written = true;
      },
      rename: () => new Promise<void>(() => {}),
    };
    const changed = sampleProject();
    changed.name = 'Changed';
    void service(dying).save(changed, target);
    for (let i = 0; i < 200 && !written; i++) await new Promise((r) => setTimeout(r, 5));
    expect(written).toBe(true);

    expect(readFileSync(target).equals(before)).toBe(true);
    const reopened = await service().open(target);
    expectSameBits(reopened.project, first.project);
    // Only a hidden temp file is left beside it, never a half file at the target path.
    const leftovers = projectDirListing().filter((name) => name !== 'study.gainlab');
    expect(leftovers).toHaveLength(1);
    expect(leftovers[0]).toMatch(/^\.study\.gainlab\.[0-9a-f]+\.tmp$/);
    // The next successful save of that file clears the leftover.
    await service().save(changed, target);
    expect(projectDirListing()).toEqual(['study.gainlab']);
    expect((await service().open(target)).project.name).toBe('Changed');
  });

  it('a rename that fails leaves the previous file and removes the temp file', async () => {
    const target = path.join(dir, 'study.gainlab');
    await service().save(sampleProject(), target);
    const before = readFileSync(target);
    const failing: ProjectFs = {
      ...nodeProjectFs(),
      rename: async () => {
        throw Object.assign(new Error('EIO: i/o error, rename'), { code: 'EIO' });
      },
    };
    const error = await rejection(service(failing).save(sampleProject(), target));
    expect(error.code).toBe('io');
    expect(error.message).toBe('"study.gainlab": could not save the file: the disk reported an I/O error (EIO). The previous version of the file is unchanged.');
    expect(readFileSync(target).equals(before)).toBe(true);
    expect(projectDirListing()).toEqual(['study.gainlab']);
  });

  it('a full disk (ENOSPC) gives a clear io message and leaves the old file intact', async () => {
    const target = path.join(dir, 'study.gainlab');
    await service().save(sampleProject(), target);
    const before = readFileSync(target);
    const real = nodeProjectFs();
    const fullDisk: ProjectFs = {
      ...real,
      writeFileDurable: async (file, data) => {
        // Half the bytes reach the disk, then it is full.
        await real.writeFileDurable(file, data.subarray(0, data.length >> 1));
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28 });
      },
    };
    const error = await rejection(service(fullDisk).save(sampleProject(), target));
    expect(error.code).toBe('io');
    expect(error.category).toBe('io');
    expect(error.message).toBe('"study.gainlab": could not save the file: the disk is full (ENOSPC). The previous version of the file is unchanged.');
    expect(readFileSync(target).equals(before)).toBe(true);
    expect(projectDirListing()).toEqual(['study.gainlab']);

    const fresh = await rejection(service(fullDisk).save(sampleProject(), path.join(dir, 'new.gainlab')));
    expect(fresh.message).toMatch(/disk is full \(ENOSPC\)\. Nothing was written\.$/);
    expect(existsSync(path.join(dir, 'new.gainlab'))).toBe(false);
  });

  it('never overwrites a file from a newer GainLab', async () => {
    const target = path.join(dir, 'future.gainlab');
    const { json, files } = projectToEntries(sampleProject());
    const future = zipEntries({ 'project.json': { ...json, schemaVersion: json.schemaVersion + 1, writtenBy: { name: 'GainLab', version: '99.0.0' } }, ...Object.fromEntries(files) });
    writeFileSync(target, future);
    const svc = service();
    const opening = await rejection(svc.open(target));
    expect(opening.code).toBe('newer-version');
    expect(opening.message).toMatch(/Update GainLab to open it\. The file has not been changed\./);
    const saving = await rejection(svc.save(sampleProject(), target));
    expect(saving.code).toBe('newer-version');
    expect(saving.message).toMatch(new RegExp(`^"future\\.gainlab": will not overwrite this file: it was saved by a newer GainLab \\(file format ${PROJECT_SCHEMA_VERSION + 1}; this GainLab writes format ${PROJECT_SCHEMA_VERSION}\\)`));
    expect(readFileSync(target).equals(Buffer.from(future))).toBe(true);
    // Overwriting an ordinary older/same-version file is fine.
    await svc.save(sampleProject(), path.join(dir, 'ok.gainlab'));
    await svc.save(sampleProject(), path.join(dir, 'ok.gainlab'));
  });

  it('concurrent saves of one file run one after the other and both succeed', async () => {
    const svc = service();
    const target = path.join(dir, 'study.gainlab');
    const a = sampleProject();
    const b = { ...sampleProject(), name: 'Second' };
    const results = await Promise.all([svc.save(a, target), svc.save(b, target), svc.save(a, path.join(dir, 'other.gainlab'))]);
    expect(results.map((r) => path.basename(r.path))).toEqual(['study.gainlab', 'study.gainlab', 'other.gainlab']);
    expect((await svc.open(target)).project.name).toBe('Second');
    expect(projectDirListing()).toEqual(['other.gainlab', 'study.gainlab']);
  });

  it('saveAs can rename the project after the file and drops the old recovery copy', async () => {
    const svc = service();
    const key = recoveryKey(null, 'session-1');
    await svc.writeRecovery(sampleProject(), key, null, 'session-1');
    expect((await svc.listRecoverable()).map((e) => e.key)).toEqual([key]);
    const saved = await svc.saveAs(sampleProject(), path.join(dir, 'Reach study'), { rename: true, previousRecoveryKey: key });
    expect(saved.project.name).toBe('Reach study');
    expect(path.basename(saved.path)).toBe('Reach study.gainlab');
    expect(await svc.listRecoverable()).toEqual([]);
  });
});

describe('recent projects', () => {
  it('most recent first, max 10, one entry per path, missing files dropped, kept across restarts', async () => {
    const svc = service();
    const project = sampleProject({ withPlaceholders: false });
    const bytes = encodeProject(project);
    const files: string[] = [];
    for (let i = 0; i < 12; i++) {
      const file = path.join(dir, `p${i}.gainlab`);
      writeFileSync(file, bytes);
      files.push(file);
      clock += 1000;
      await svc.open(file);
    }
    let recent = await svc.listRecent();
    expect(recent.map((r) => path.basename(r.path))).toEqual(['p11', 'p10', 'p9', 'p8', 'p7', 'p6', 'p5', 'p4', 'p3', 'p2'].map((p) => `${p}.gainlab`));
    expect(recent[0].name).toBe('Sample study');
    expect(recent[0].openedAt).toBe(clock);

    // Reopening moves to the top without a duplicate.
    clock += 1000;
    await svc.open(files[5]);
    recent = await svc.listRecent();
    expect(recent).toHaveLength(10);
    expect(path.basename(recent[0].path)).toBe('p5.gainlab');
    expect(recent.filter((r) => r.path === files[5])).toHaveLength(1);

    // A deleted file disappears from the list.
    unlinkSync(files[11]);
    recent = await service().listRecent();
    expect(recent.map((r) => r.path)).not.toContain(files[11]);
    expect(recent).toHaveLength(9);

    // Saving adds too; forget removes.
    clock += 1000;
    const saved = await svc.save(project, path.join(dir, 'new.gainlab'));
    expect((await svc.listRecent())[0].path).toBe(saved.path);
    await svc.forgetRecent(saved.path);
    expect((await svc.listRecent()).map((r) => r.path)).not.toContain(saved.path);
  });

  it('a damaged list file is an empty list, not an error', async () => {
    const svc = service();
    await svc.save(sampleProject(), path.join(dir, 'a.gainlab'));
    writeFileSync(path.join(configDir, 'recent-projects.json'), '{ not json');
    expect(await svc.listRecent()).toEqual([]);
    clock += 10;
    await svc.open(path.join(dir, 'a.gainlab'));
    expect((await svc.listRecent()).map((r) => path.basename(r.path))).toEqual(['a.gainlab']);
  });
});

describe('recovery copies and autosave', () => {
  it('write → list → restore gives the same project; discard removes it; saving discards it', async () => {
    const svc = service();
    const project = sampleProject();
    const target = path.join(dir, 'study.gainlab');
    // the key names the file and the session that wrote it (a new session never overwrites an old copy)
    const key = recoveryKey(target, 'session2');
    expect(key).toMatch(/^file-[0-9a-f]{8}-session2$/);
    expect(recoveryKey(target, 'session3')).not.toBe(key);
    await svc.writeRecovery(project, key, target, 'session2');

    // "Next start": a new service finds it.
    const next = service();
    const listed = await next.listRecoverable();
    expect(listed).toEqual([{ key, originalPath: target, name: 'Sample study', savedAt: clock, file: path.join(configDir, 'recovery', `${key}.gainlab`), sessionId: 'session2', projectId: project.id }]);
    const restored = await next.restoreRecovery(key);
    expectSameBits(restored.project, project);

    await next.discardRecovery(key);
    expect(await next.listRecoverable()).toEqual([]);
    await expect(next.restoreRecovery(key)).rejects.toThrow(/no recovery copy/);

    // a save of the file removes every copy of it, whichever session wrote it
    await svc.writeRecovery(project, key, target, 'session2');
    await svc.writeRecovery(project, recoveryKey(target, 'session3'), target, 'session3');
    await svc.writeRecovery(project, 'unsaved-other', null, 'other');
    await svc.save(project, target);
    expect((await svc.listRecoverable()).map((e) => e.key)).toEqual(['unsaved-other']);
  });

  it('a crash at any step of writing a copy never leaves an archive on disk that is not offered', async () => {
    const project = sampleProject();
    for (let crashAt = 1; crashAt <= 8; crashAt++) {
      // a file system that dies at its crashAt-th change (a write, a rename or a directory sync)
      let changes = 0;
      const real = nodeProjectFs();
      const change = <A extends unknown[]>(op: (...args: A) => Promise<void>) => async (...args: A) => {
        if (++changes === crashAt) throw new Error('crash');
        return op(...args);
      };
      const dying: ProjectFs = { ...real, writeFileDurable: change(real.writeFileDurable), rename: change(real.rename), fsyncDir: change(real.fsyncDir) };
      for (const key of [`unsaved-first${crashAt}`, `unsaved-again${crashAt}`]) {
        // 'again': a copy is there already and this write replaces it
        if (key.includes('again')) await service().writeRecovery(project, key, null, 's');
        changes = 0;
        await service(dying).writeRecovery(project, key, null, 's').catch(() => undefined);
        const archiveOnDisk = readdirSync(path.join(configDir, 'recovery')).includes(`${key}.gainlab`);
        const offered = (await service().listRecoverable()).some((e) => e.key === key);
        expect(offered, `crash at change ${crashAt}, ${key}`).toBe(archiveOnDisk);
      }
    }
  });

  it('lists several copies newest first and reports a damaged copy clearly', async () => {
    const svc = service();
    await svc.writeRecovery(sampleProject(), 'unsaved-a', null, 'a');
    clock += 5000;
    await svc.writeRecovery(sampleProject(), 'unsaved-b', null, 'b');
    expect((await svc.listRecoverable()).map((e) => e.key)).toEqual(['unsaved-b', 'unsaved-a']);
    writeFileSync(path.join(configDir, 'recovery', 'unsaved-a.gainlab'), 'garbage');
    const error = await rejection(svc.restoreRecovery('unsaved-a'));
    expect(error.code).toBe('not-zip');
    expect(error.message).toMatch(/^"recovery copy of Sample study": this is not a GainLab project file/);
  });

  it('the scheduler writes every interval while dirty, never overlapping, and stops', async () => {
    const svc = service();
    let callback: (() => void) | null = null;
    let cleared = false;
    const timers = {
      setInterval: (cb: () => void, ms: number) => {
        expect(ms).toBe(60_000);
        callback = cb;
        return 42;
      },
      clearInterval: (handle: unknown) => {
        expect(handle).toBe(42);
        cleared = true;
      },
    };
    let dirty = false;
    let project = sampleProject();
    const key = recoveryKey(null, 'session-7');
    const autosave = svc.createAutosave({ timers, isDirty: () => dirty, current: () => ({ project, key, originalPath: null, sessionId: 'session-7' }) });
    expect(autosave).toBeInstanceOf(AutosaveScheduler);
    autosave.start();
    expect(autosave.running).toBe(true);

    await autosave.tick(); // clean: nothing written
    expect(await svc.listRecoverable()).toEqual([]);

    dirty = true;
    project = { ...project, name: 'Edited' };
    callback!();
    await autosave.tick(); // joins the write started by the timer
    const listed = await svc.listRecoverable();
    expect(listed.map((e) => [e.key, e.name])).toEqual([[key, 'Edited']]);
    expectSameBits((await svc.restoreRecovery(key)).project, project);

    autosave.stop();
    expect(cleared).toBe(true);
    expect(autosave.running).toBe(false);
  });

  it('a failing autosave reports the error and keeps going', async () => {
    const errors: unknown[] = [];
    const fullDisk: ProjectFs = {
      ...nodeProjectFs(),
      writeFileDurable: async () => {
        throw Object.assign(new Error('no space'), { code: 'ENOSPC' });
      },
    };
    const svc = service(fullDisk);
    const autosave = svc.createAutosave({
      timers: { setInterval: () => 1, clearInterval: () => {} },
      isDirty: () => true,
      current: () => ({ project: sampleProject(), key: 'unsaved-x', originalPath: null, sessionId: 'x' }),
      onError: (e) => errors.push(e),
    });
    await autosave.tick();
    await autosave.tick();
    expect(errors).toHaveLength(2);
    expect((errors[0] as Error).message).toMatch(/disk is full \(ENOSPC\)\. The recovery copy was not updated\./);
  });
});
