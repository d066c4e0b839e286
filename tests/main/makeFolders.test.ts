/**
 * Output folders are made one at a time after checking the chain (src-main/services/makeFolders.ts),
 * because Node 20's recursive mkdir never returns under /proc: `gainlab soc --out /proc/x` froze.
 * The /proc cases run in a child process with a time limit, so a regression fails here instead of
 * freezing the test worker. A write that fails removes the folders it made (sweepDir.ts writeFileAtomic).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FolderError, makeFoldersSync, MAX_NEW_FOLDERS } from '../../src-main/services/makeFolders.js';
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
      import { makeFoldersSync } from './src-main/services/makeFolders.ts';
      for (const dir of ['/proc/gainlab-x/y', '/sys/gainlab-x', '/dev/gainlab-x']) {
        try { makeFoldersSync(dir); console.log(dir + ': made'); } catch (e) { console.log(dir + ': ' + e.code + ' ' + e.message); }
      }
    `);
    expect(result.timedOut, result.stderr).toBe(false);
    expect(result.stdout.trim().split('\n')).toEqual([
      '/proc/gainlab-x/y: EVIRTUAL /proc is a system folder, not storage',
      '/sys/gainlab-x: EVIRTUAL /sys is a system folder, not storage',
      '/dev/gainlab-x: EVIRTUAL /dev is a system folder, not storage',
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
