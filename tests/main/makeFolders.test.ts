/**
 * Output folders are made one at a time after checking the chain (src-main/services/makeFolders.ts),
 * because Node 20's recursive mkdir never returns under /proc: `gainlab soc --out /proc/x` froze.
 * The /proc cases run in a child process with a time limit, so a regression fails here instead of
 * freezing the test worker. A write that fails removes the folders it made (sweepDir.ts writeFileAtomic).
 * Project saves take the same walk asynchronously (makeFolders, from src-main/services/pathSafety.ts
 * ensureSaveFolder): both drivers are checked against each other on the same cases.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FolderCallError, FolderError, makeFolders, makeFoldersSync, MAX_NEW_FOLDERS } from '../../src-main/services/makeFolders.js';
import { writeFileAtomic } from '../../src-main/services/sweepDir.js';

const root = path.resolve(import.meta.dirname, '../..');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'gainlab-folders-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Run `script` (an ES module body; tsx resolves the repo's .ts files) in a child node, at most 30 s. */
function child(script: string): { status: number | null; stdout: string; stderr: string; timedOut: boolean } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, timedOut: (result.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT' };
}

describe('makeFoldersSync', () => {
  it('makes missing parents, and accepts a folder that exists; returns what it made', () => {
    const deep = path.join(scratch, 'a', 'b', 'c');
    expect(makeFoldersSync(deep)).toEqual([path.join(scratch, 'a'), path.join(scratch, 'a', 'b'), deep]);
    expect(statSync(deep).isDirectory()).toBe(true);
    expect(makeFoldersSync(deep)).toEqual([]);
    expect(makeFoldersSync(scratch)).toEqual([]);
  });

  it('a write that fails takes away the folders it made (a failed sweep start left an empty S.sweeps)', () => {
    writeFileSync(path.join(scratch, 'keep.txt'), 'x');
    // the name fits, its temporary name (".tmp-NAME-pid-hex") does not: the write fails after the folders are made
    const file = path.join(scratch, 'study.sweeps', 'inner', `${'n'.repeat(240)}.sweep.json`);
    expect(() => writeFileAtomic(file, '{}')).toThrow(/ENAMETOOLONG/);
    expect(existsSync(path.join(scratch, 'study.sweeps'))).toBe(false);
    expect(existsSync(path.join(scratch, 'keep.txt'))).toBe(true);
    writeFileAtomic(path.join(scratch, 'study.sweeps', 'ok.json'), '{}');
    expect(existsSync(path.join(scratch, 'study.sweeps', 'ok.json'))).toBe(true);
  });

  it('refuses a path through a file, and more than MAX_NEW_FOLDERS new folders, creating nothing', () => {
    const file = path.join(scratch, 'plain.txt');
    writeFileSync(file, 'x');
    expect(() => makeFoldersSync(path.join(file, 'sub'))).toThrow(FolderError);
    expect(() => makeFoldersSync(path.join(file, 'sub'))).toThrow(/plain\.txt is not a folder/);
    const tooDeep = path.join(scratch, 'deep', ...Array.from({ length: MAX_NEW_FOLDERS }, (_, k) => `d${k}`));
    expect(() => makeFoldersSync(tooDeep)).toThrow(/needs more than 32 new folders/);
    expect(existsSync(path.join(scratch, 'deep'))).toBe(false);
  });

  it('a folder another process made meanwhile is fine (two sweep tasks starting together)', () => {
    const made = path.join(scratch, 'raced');
    mkdirSync(made);
    expect(() => makeFoldersSync(path.join(made, 'inner'))).not.toThrow();
  });

  it.skipIf(process.platform !== 'linux')('refuses /proc, /sys and /dev at once (Node’s recursive mkdir never returns under /proc)', () => {
    const result = child(`
      import { makeFolders, makeFoldersSync } from './src-main/services/makeFolders.ts';
      for (const dir of ['/proc/gainlab-x/y', '/sys/gainlab-x', '/dev/gainlab-x']) {
        try { makeFoldersSync(dir); console.log(dir + ': made'); } catch (e) { console.log(dir + ': ' + e.code + ' ' + e.message); }
        try { await makeFolders(dir); console.log(dir + ' (async): made'); } catch (e) { console.log(dir + ' (async): ' + e.code + ' ' + e.message); }
      }
    `);
    expect(result.timedOut, result.stderr).toBe(false);
    expect(result.stdout.trim().split('\n')).toEqual([
      '/proc/gainlab-x/y: EVIRTUAL /proc is a system folder, not storage',
      '/proc/gainlab-x/y (async): EVIRTUAL /proc is a system folder, not storage',
      '/sys/gainlab-x: EVIRTUAL /sys is a system folder, not storage',
      '/sys/gainlab-x (async): EVIRTUAL /sys is a system folder, not storage',
      '/dev/gainlab-x: EVIRTUAL /dev is a system folder, not storage',
      '/dev/gainlab-x (async): EVIRTUAL /dev is a system folder, not storage',
    ]);
    expect(existsSync('/dev/gainlab-x')).toBe(false);
  });

  it.skipIf(process.platform !== 'linux')('gainlab soc --out /proc/x exits 2 with one line (it froze)', () => {
    const result = child(`
      import { main } from './src-cli/gainlab.ts';
      const lines = [];
      const io = { stdout: { write: () => {} }, stderr: { write: (t) => lines.push(t) }, cwd: ${JSON.stringify(scratch)} };
      const code = await main(['soc', '--n', '20', '--out', '/proc/gainlab-x'], io);
      console.log(JSON.stringify({ code, lines }));
    `);
    expect(result.timedOut, result.stderr).toBe(false);
    const { code, lines } = JSON.parse(result.stdout.trim().split('\n').pop()!) as { code: number; lines: string[] };
    expect(code).toBe(2);
    expect(lines.join('')).toBe('cannot create output directory /proc/gainlab-x (/proc is a system folder, not storage)\n');
  });
});

describe('makeFolders (project saves) and makeFoldersSync (CLI, sweeps) take one walk', () => {
  /** What a walk did: the folders it made relative to `base`, or its refusal (class, code, call, folder relative to `base`). */
  type Outcome = { made: string[] } | { refused: string; code: string | null; call?: string; folder: string };
  const outcome = (base: string, walk: () => string[] | Promise<string[]>): Promise<Outcome> =>
    Promise.resolve()
      .then(walk)
      .then(
        (made) => ({ made: made.map((f) => path.relative(base, f)) }),
        (error: unknown) => {
          if (error instanceof FolderError) return { refused: 'FolderError', code: error.code, folder: path.relative(base, error.folder) };
          if (error instanceof FolderCallError) return { refused: 'FolderCallError', code: error.code, call: error.call, folder: path.relative(base, error.folder) };
          throw error;
        },
      );

  /** A fresh folder holding a file, a dangling symbolic link and a symbolic link loop. */
  function sandbox(name: string): string {
    const base = path.join(scratch, name);
    mkdirSync(base);
    writeFileSync(path.join(base, 'plain.txt'), 'x');
    symlinkSync(path.join(base, 'nowhere', 'target'), path.join(base, 'dangling'));
    symlinkSync(path.join(base, 'loop'), path.join(base, 'loop'));
    return base;
  }

  it('the same folders made, and the same refusals naming the same folder and the call that failed', async () => {
    const cases: Array<[string, Outcome]> = [
      [path.join('a', 'b', 'c'), { made: ['a', path.join('a', 'b'), path.join('a', 'b', 'c')] }],
      [path.join('a', 'b'), { made: [] }],
      [path.join('plain.txt', 'sub'), { refused: 'FolderError', code: 'ENOTDIR', folder: 'plain.txt' }],
      [path.join('deep', ...Array.from({ length: MAX_NEW_FOLDERS }, (_, k) => `d${k}`)), { refused: 'FolderError', code: 'ETOODEEP', folder: path.join('deep', ...Array.from({ length: MAX_NEW_FOLDERS }, (_, k) => `d${k}`)) }],
      // stat says nothing is there (the link's target is missing), mkdir finds the link: EEXIST, not a folder
      [path.join('dangling', 'sub'), { refused: 'FolderCallError', code: 'EEXIST', call: 'mkdir', folder: 'dangling' }],
      [path.join('loop', 'sub'), { refused: 'FolderCallError', code: 'ELOOP', call: 'stat', folder: path.join('loop', 'sub') }],
    ];
    const syncBase = sandbox('walk-sync');
    const asyncBase = sandbox('walk-async');
    for (const [relative, expected] of cases) {
      expect(await outcome(syncBase, () => makeFoldersSync(path.join(syncBase, relative))), `sync ${relative}`).toEqual(expected);
      expect(await outcome(asyncBase, () => makeFolders(path.join(asyncBase, relative))), `async ${relative}`).toEqual(expected);
    }
    expect(statSync(path.join(asyncBase, 'a', 'b', 'c')).isDirectory()).toBe(true);
    expect(existsSync(path.join(asyncBase, 'deep'))).toBe(false);
  });
});
