/**
 * Paths GainLab opens and saves at (pathSafety.ts, through the real ProjectService): only regular
 * files, only into existing writable folders, folders created one by one and never under /proc,
 * /sys or /dev, every errno worded, and temp files of interrupted saves cleaned. (The hostile
 * paths of issue 10 also run in a child process with time and memory bounds: abuse.test.ts.)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProjectFileError, type ProjectFileErrorCode } from '../../src-shared/project/errors.js';
import { describeIoError } from '../../src-main/services/ioErrors.js';
import { checkPathText, cleanStaleTemps, ensureSaveFolder, isTempFileOf, MAX_NAME_BYTES, MAX_PATH_BYTES, readRegularFile } from '../../src-main/services/pathSafety.js';
import { ProjectService } from '../../src-main/services/projects.js';
import { expectSameBits, sampleProject } from './fixtures.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'gainlab-paths-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function service(): ProjectService {
  return new ProjectService({ configDir: path.join(dir, 'config'), appVersion: 'paths-test' });
}

async function refusal(promise: Promise<unknown>, code: ProjectFileErrorCode, message: RegExp): Promise<ProjectFileError> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ProjectFileError);
  const error = caught as ProjectFileError;
  expect(error.code, error.message).toBe(code);
  expect(error.message).toMatch(message);
  expect(error.message).not.toContain('\n');
  return error;
}

describe('the text of a path', () => {
  it('refuses NUL bytes, over-long paths and names, and (for saving) a trailing separator', () => {
    expect(() => checkPathText('a\u0000b', 'open')).toThrow(/the path contains a NUL character/);
    expect(() => checkPathText(`/tmp/${'a/'.repeat(MAX_PATH_BYTES)}x`, 'open')).toThrow(/the path is \d+ bytes long; at most 4096/);
    expect(() => checkPathText(`/tmp/${'n'.repeat(MAX_NAME_BYTES + 1)}.gainlab`, 'save')).toThrow(/longer than 255 bytes/);
    expect(() => checkPathText('/tmp/folder/', 'save')).toThrow(/ends with "\/", so it names a folder/);
    expect(() => checkPathText('', 'open')).toThrow(/no path was given/);
    checkPathText('/tmp/folder/', 'open'); // opening: the stat says it is a folder (below)
    checkPathText(`/tmp/${'n'.repeat(MAX_NAME_BYTES)}`, 'save');
  });
});

describe('opening only regular files', () => {
  it('folders, FIFOs and devices are refused without being opened; a symlink to a file is followed', async () => {
    const svc = service();
    await refusal(svc.read(dir), 'bad-path', /this is a folder, not a file/);
    await refusal(svc.read(`${dir}/`), 'bad-path', /this is a folder, not a file/);
    const fifo = path.join(dir, 'pipe.gainlab');
    execFileSync('mkfifo', [fifo]);
    await refusal(svc.read(fifo), 'bad-path', /^"pipe\.gainlab": this is a FIFO \(named pipe\), not a file/);
    await refusal(svc.read('/dev/null'), 'bad-path', /^"null": this is a device/);
    const file = path.join(dir, 'real.gainlab');
    await svc.save(sampleProject(), file);
    const link = path.join(dir, 'link.gainlab');
    execFileSync('ln', ['-s', file, link]);
    expectSameBits((await svc.read(link)).project.networks, sampleProject().networks);
  });

  it('reads at most the size cap', async () => {
    const file = path.join(dir, 'big.bin');
    writeFileSync(file, new Uint8Array(1001));
    await refusal(readRegularFile(file, 1000), 'too-large', /^"big\.bin": the file is 1001 bytes; a project file is at most 1000 bytes$/);
    writeFileSync(file, new Uint8Array(1000).fill(7));
    const bytes = await readRegularFile(file, 1000);
    expect(bytes.length).toBe(1000);
    expect(bytes.every((b) => b === 7)).toBe(true);
    writeFileSync(file, new Uint8Array(0));
    expect((await readRegularFile(file)).length).toBe(0);
  });
});

describe('saving only where it makes sense', () => {
  it('over a FIFO, a folder or into a file-that-is-not-a-folder: refused, nothing blocks, nothing written', async () => {
    const svc = service();
    const fifo = path.join(dir, 'pipe.gainlab');
    execFileSync('mkfifo', [fifo]);
    await refusal(svc.save(sampleProject(), fifo), 'bad-path', /^"pipe\.gainlab": cannot save over it: this is a FIFO \(named pipe\), not a project file$/);
    mkdirSync(path.join(dir, 'folder.gainlab'));
    await refusal(svc.save(sampleProject(), path.join(dir, 'folder.gainlab')), 'bad-path', /cannot save over it: this is a folder/);
    // a typed name that is an existing folder is not "folder.gainlab"
    mkdirSync(path.join(dir, 'Studies'));
    await refusal(svc.saveAs(sampleProject(), path.join(dir, 'Studies')), 'bad-path', /this is a folder; give the name of the project file to save in it$/);
    expect(existsSync(path.join(dir, 'Studies.gainlab'))).toBe(false);
    writeFileSync(path.join(dir, 'plain'), 'x');
    await refusal(svc.save(sampleProject(), path.join(dir, 'plain', 'x.gainlab')), 'bad-path', /cannot save in .*plain: it is not a folder$/);
    await refusal(svc.save(sampleProject(), path.join(dir, 'missing', 'x.gainlab')), 'io', /could not save the file: the folder .*missing does not exist\.$/);
    await refusal(svc.save(sampleProject(), '/sys/kernel/x.gainlab'), 'bad-path', /GainLab does not save in \/sys\/kernel: it is a system folder/);
    await refusal(svc.save(sampleProject(), `${dir}/`), 'bad-path', /ends with "\/"/);
    expect(readdirSync(dir).sort()).toEqual(['Studies', 'folder.gainlab', 'pipe.gainlab', 'plain']);
  });

  it('ensureSaveFolder creates the missing folders one by one, and refuses what it must not create', async () => {
    const target = path.join(dir, 'a', 'b', 'c', 'study.gainlab');
    await ensureSaveFolder(target);
    expect(statSync(path.join(dir, 'a', 'b', 'c')).isDirectory()).toBe(true);
    await ensureSaveFolder(target); // nothing to do the second time
    const saved = await service().save(sampleProject(), target);
    expect(saved.path).toBe(target);
    writeFileSync(path.join(dir, 'file'), 'x');
    await refusal(ensureSaveFolder(path.join(dir, 'file', 'sub', 'x.gainlab')), 'bad-path', /cannot create folders in .*file: it is not a folder$/);
    await refusal(ensureSaveFolder('/proc/x/y/z.gainlab'), 'bad-path', /GainLab does not create folders in \/proc: it is a system folder/);
    await refusal(ensureSaveFolder('/sys/nothing/here.gainlab'), 'bad-path', /does not create folders in \/sys/);
    await refusal(ensureSaveFolder(path.join(dir, ...Array.from({ length: 40 }, (_, i) => `d${i}`), 'x.gainlab')), 'bad-path', /needs more than 32 new folders/);
    await refusal(ensureSaveFolder(`${dir}/new/`), 'bad-path', /ends with "\/"/);
    // a symbolic link into /proc is seen through
    execFileSync('ln', ['-s', '/proc/self', path.join(dir, 'proclink')]);
    await refusal(ensureSaveFolder(path.join(dir, 'proclink', 'new', 'x.gainlab')), 'bad-path', /is a system folder/);
    // the file system's refusals name the call's folder (makeFolders.ts FolderCallError): mkdir of a dangling link, stat through a loop
    execFileSync('ln', ['-s', path.join(dir, 'nowhere', 'target'), path.join(dir, 'dangling')]);
    await refusal(ensureSaveFolder(path.join(dir, 'dangling', 'x.gainlab')), 'io', /^"x\.gainlab": could not create the folder .*dangling: .*\(EEXIST\)\.$/);
    execFileSync('ln', ['-s', path.join(dir, 'loop'), path.join(dir, 'loop')]);
    await refusal(ensureSaveFolder(path.join(dir, 'loop', 'new', 'x.gainlab')), 'io', /^"x\.gainlab": could not use the folder .*loop\/new: .*\(ELOOP\)\.$/);
  });
});

describe('every errno gets a sentence', () => {
  it('names the problem and its code, never Node\'s raw "ECODE: ..., open \'/path\'" text', () => {
    const codes = ['ENOSPC', 'EDQUOT', 'EACCES', 'EPERM', 'EROFS', 'ENOENT', 'EISDIR', 'ENOTDIR', 'EIO', 'ENAMETOOLONG', 'ELOOP', 'EEXIST', 'EBUSY', 'ETXTBSY', 'EMFILE', 'ENFILE', 'EFBIG', 'EINVAL', 'EXDEV', 'ENXIO', 'ENODEV', 'EAGAIN', 'ENOTEMPTY', 'ESOMETHINGNEW'];
    for (const code of codes) {
      const raw = Object.assign(new Error(`${code}: raw node text, open '/secret/path'`), { code });
      const sentence = describeIoError(raw);
      expect(sentence, code).toContain(`(${code})`);
      expect(sentence, code).not.toContain('/secret/path');
      expect(sentence, code).not.toContain('raw node text');
    }
    expect(describeIoError(Object.assign(new Error('x'), { code: 'ESOMETHINGNEW' }))).toBe('the operating system refused (ESOMETHINGNEW)');
  });
});

describe('temp files of interrupted saves', () => {
  it('cleanStaleTemps removes old temps of the given files only (regular files, our name pattern)', async () => {
    const a = path.join(dir, 'a.gainlab');
    const b = path.join(dir, 'sub', 'b.gainlab');
    mkdirSync(path.join(dir, 'sub'));
    const old = Date.now() / 1000 - 3600;
    const make = (file: string) => {
      writeFileSync(file, 'partial');
      utimesSync(file, old, old);
      return file;
    };
    const staleA = make(path.join(dir, '.a.gainlab.0123abcd.tmp'));
    const staleB = make(path.join(dir, 'sub', '.b.gainlab.ff.tmp'));
    const fresh = path.join(dir, '.a.gainlab.beef.tmp');
    writeFileSync(fresh, 'another GainLab may be saving right now');
    const otherProject = make(path.join(dir, '.c.gainlab.0123.tmp'));
    const notOurs = make(path.join(dir, '.a.gainlab.notes.tmp'));
    mkdirSync(path.join(dir, '.a.gainlab.abcd.tmp'));
    const removed = await cleanStaleTemps([a, b, path.join(dir, 'nowhere', 'x.gainlab')]);
    expect(removed.sort()).toEqual([staleA, staleB].sort());
    for (const kept of [fresh, otherProject, notOurs, path.join(dir, '.a.gainlab.abcd.tmp')]) expect(existsSync(kept), kept).toBe(true);
    expect(await cleanStaleTemps([a], { minAgeMs: 0 })).toEqual([fresh]);
  });

  it('recognises exactly the temp names writeFileAtomic makes', () => {
    expect(isTempFileOf('study.gainlab', '.study.gainlab.0a1b2c3d4e5f.tmp')).toBe(true);
    expect(isTempFileOf('study.gainlab', '.study.gainlab.tmp')).toBe(false);
    expect(isTempFileOf('study.gainlab', '.studyxgainlab.0a.tmp')).toBe(false);
    expect(isTempFileOf('a+b (1).gainlab', '.a+b (1).gainlab.ff.tmp')).toBe(true);
    expect(isTempFileOf('study.gainlab', '.study.gainlab.ff.tmp.bak')).toBe(false);
  });

  it('a save removes the temps of that file left before it', async () => {
    const target = path.join(dir, 'study.gainlab');
    writeFileSync(path.join(dir, '.study.gainlab.00ff.tmp'), 'left by a save that died');
    writeFileSync(path.join(dir, '.other.gainlab.00ff.tmp'), 'not this file');
    await service().save(sampleProject(), target);
    expect(readdirSync(dir).filter((n) => n !== 'config').sort()).toEqual(['.other.gainlab.00ff.tmp', 'study.gainlab']);
  });
});
