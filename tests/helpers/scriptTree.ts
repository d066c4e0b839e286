/**
 * For tests of the repository's check scripts (scripts/check-boundaries.mjs,
 * scripts/check-doc-links.mjs): run a script on a root folder, and write a small tree of files to
 * run it on.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from './tempDirs.js';

/** Exit status and everything the script printed, run with `root` as its argument. */
export function runScript(script: string, root: string): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [script, root], { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** A fresh temporary folder gainlab-PREFIX-XXXXXX holding `files` (path relative to the folder → text), removed after the test file. */
export function fileTree(prefix: string, files: Record<string, string>): string {
  const root = tempDir(prefix);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  return root;
}
