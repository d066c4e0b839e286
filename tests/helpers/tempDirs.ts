/**
 * Temporary folders for tests, and the check that a test run leaves none behind.
 *
 * `tempDir('cli')` makes a fresh folder `gainlab-cli-XXXXXX` in the system temp folder and
 * remembers it; `removeTempDirs()` deletes every folder this process made. Vitest calls it after
 * each test file (tests/helpers/tempDirs.setup.ts); Playwright specs use `specTempDir` of
 * e2e/helpers.ts, which removes its folder in afterAll.
 *
 * The check (`isolateRunTemp`, the globalSetup of vitest.config.ts and of e2e/globalSetup.ts):
 * a whole run gets a temp folder of its own and fails if anything is left in it at the end.
 *  - Why a folder per run and not "compare /tmp before and after": another test run, a CI job or
 *    a user's GainLab on the same machine creates and removes gainlab-* entries in /tmp at any
 *    moment, so a before/after listing of the shared folder reports their entries as ours (a false
 *    failure) or, when theirs vanish while ours appear, can hide ours.
 *  - How: the globalSetup makes `gainlab-<run>-run-XXXXXX` in the system temp folder and points
 *    TMPDIR (and TMP, TEMP for Windows) at it before any test process starts. Node reads TMPDIR on
 *    every os.tmpdir() call, and every process of the run inherits the environment: vitest's forked
 *    workers, Playwright's runner loading the specs and its workers, the e2e web servers, the CLI
 *    and model workers the tests spawn. So every temp entry of the run, whoever made it, lands in
 *    that folder, and nothing another process does can land there.
 *  - At the end the teardown lists what is left, removes the folder (a failed run must not leak
 *    either) and throws one line naming the leftovers. Caches that tools keep across runs in the
 *    temp folder (Playwright's transform cache, tsx's cache, Chromium's profile folders) are not
 *    ours to remove early; they are removed with the folder and not counted.
 *  - A run that is killed before its teardown leaves the one run folder (not dozens of entries).
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const made = new Set<string>();

/** A fresh, empty temp folder `gainlab-PREFIX-XXXXXX`, removed by `removeTempDirs()`. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `gainlab-${prefix}-`));
  made.add(dir);
  return dir;
}

/** Deletes a folder `tempDir` made (and whatever is inside it). */
export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  made.delete(dir);
}

/** Deletes every folder `tempDir` made in this process. */
export function removeTempDirs(): void {
  for (const dir of made) removeTempDir(dir);
}

/** Entries tools create in the temp folder and own (caches, browser profiles), not the tests' leftovers. */
const TOOL_ENTRIES = [/^playwright-/, /^tsx-/, /^\.?org\.chromium\./, /^node-compile-cache$/, /^v8-compile-cache/];

const TEMP_VARIABLES = ['TMPDIR', 'TMP', 'TEMP'] as const;
/** Set while a run's temp folder is in place: the run's own child processes must not nest another. */
const RUN_MARKER = 'GAINLAB_TEST_RUN_TMPDIR';

/**
 * Points this process's temp folder, and that of every process started after it, at a fresh
 * per-run folder. Returns the teardown: it restores the variables, removes the folder and throws
 * `<run>: the run left N temp entries behind: a, b, …` when anything but tool caches was left.
 */
export function isolateRunTemp(run: string): () => void {
  // vitest calls its globalSetup once per project (unit, mount, serial): the first call owns the folder
  if (process.env[RUN_MARKER]) return () => undefined;
  const runDir = mkdtempSync(path.join(os.tmpdir(), `gainlab-${run}-run-`));
  const before = Object.fromEntries(TEMP_VARIABLES.map((name) => [name, process.env[name]]));
  for (const name of TEMP_VARIABLES) process.env[name] = runDir;
  process.env[RUN_MARKER] = runDir;
  return () => {
    delete process.env[RUN_MARKER];
    for (const name of TEMP_VARIABLES) {
      if (before[name] === undefined) delete process.env[name];
      else process.env[name] = before[name];
    }
    const left = readdirSync(runDir)
      .filter((name) => !TOOL_ENTRIES.some((tool) => tool.test(name)))
      .sort();
    rmSync(runDir, { recursive: true, force: true, maxRetries: 3 });
    if (left.length > 0) {
      const leaked = new Error(`${run}: the run left ${left.length} temp ${left.length === 1 ? 'entry' : 'entries'} behind (a test or the app made and did not remove them; tests/helpers/tempDirs.ts): ${left.join(', ')}`);
      leaked.stack = `Error: ${leaked.message}`; // the line says it all; a stack into this teardown would not help
      // vitest logs a globalSetup teardown's error without failing the run: fail it here
      process.exitCode = 1;
      throw leaked;
    }
  };
}
