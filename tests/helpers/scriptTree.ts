/**
 * For tests of the repository's check scripts (scripts/check-boundaries.mjs,
 * scripts/check-doc-links.mjs): run a script on a root folder, and write a small tree of files to
 * run it on.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Exit status and everything the script printed, run with `root` as its argument. */
export function runScript(script: string, root: string): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [script, root], { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** A fresh temporary folder holding `files` (path relative to the folder → text). */
export function fileTree(prefix: string, files: Record<string, string>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), prefix));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  return root;
}
