#!/usr/bin/env node
// Runs every test suite (build, import boundaries, type check, vitest, Playwright) even when an earlier one
// fails, then prints ONE summary line `N passed, N failed, N skipped` built from the suites' JSON
// reporters (vitest → reports/vitest.json, Playwright → reports/e2e.json). Exit code 1 if anything failed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';

const reportsDir = resolve('reports');
rmSync(reportsDir, { recursive: true, force: true });
mkdirSync(reportsDir, { recursive: true });

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
function step(name, command, args) {
  console.log(`\n=== ${name}: ${command} ${args.join(' ')}`);
  const started = Date.now();
  const { status } = spawnSync(command, args, { stdio: 'inherit' });
  console.log(`=== ${name} finished with exit code ${status} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return status === 0;
}

let passed = 0;
let failed = 0;
let skipped = 0;

const built = step('build', npm, ['run', 'build']);
if (!built) failed += 1; // a broken build is a failed check; suites that need it fail too

const boundariesOk = step('import boundaries', 'node', ['scripts/check-boundaries.mjs']);
if (boundariesOk) passed += 1;
else failed += 1;

// strict TypeScript over main, shared, CLI, tests and the Vue renderer: the build (esbuild)
// strips types without checking them, so a type error would otherwise pass unnoticed
const typesOk = step('type check', npm, ['run', 'typecheck']);
if (typesOk) passed += 1;
else failed += 1;

const vitestOk = step('unit tests (vitest)', npx, ['vitest', 'run']);
const vitestReport = resolve(reportsDir, 'vitest.json');
if (existsSync(vitestReport)) {
  const r = JSON.parse(readFileSync(vitestReport, 'utf8'));
  passed += r.numPassedTests ?? 0;
  failed += r.numFailedTests ?? 0;
  skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  // a suite that failed to load has no tests counted: count it as a failure
  for (const file of r.testResults ?? []) {
    if (file.status === 'failed' && (file.assertionResults ?? []).length === 0) failed += 1;
  }
} else if (!vitestOk) failed += 1;
if (!vitestOk && failed === 0) failed += 1;

const e2eOk = step('end-to-end tests (Playwright)', npx, ['playwright', 'test']);
const e2eReport = resolve(reportsDir, 'e2e.json');
if (existsSync(e2eReport)) {
  const s = JSON.parse(readFileSync(e2eReport, 'utf8')).stats ?? {};
  passed += (s.expected ?? 0) + (s.flaky ?? 0);
  failed += s.unexpected ?? 0;
  skipped += s.skipped ?? 0;
  if (!e2eOk && !(s.unexpected > 0)) failed += 1; // e.g. a global setup that failed
} else if (!e2eOk) failed += 1;

console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
