/**
 * Shared pieces of the sweep tests: a scratch directory with a small SOC network folder (built
 * with `gainlab soc --recipe adaptive` and `gainlab fit-readout`, as a user would) and generated
 * targets as .npy, the CLI run in-process, the single-file bundle built into a test's directory,
 * and the synthetic model as the project data an app sweep reads (network 'net', target 'tgt').
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { lastJson, runCli, type CliResult } from '../helpers/cli.js';
import { tempDir } from '../helpers/tempDirs.js';
import { encodeNpy, parseNpy } from '../../src-shared/formats/npy.js';
import { generateTarget } from '../../src-shared/model/targets.js';
import type { SweepProjectData } from '../../src-shared/sweeps/inputs.js';
import { syntheticNetwork, syntheticTarget } from '../main/fixtures/syntheticModel.js';

export type { CliResult } from '../helpers/cli.js';

export const repoRoot = path.resolve(import.meta.dirname, '../..');

/** `gainlab ARGS` in this process (cwd = `cwd`). */
export function gainlab(cwd: string, ...argv: string[]): Promise<CliResult> {
  return runCli(cwd, argv);
}

/** `node BUNDLE ARGS` as a child process (what a cluster node runs). */
export function bundled(bundle: string, cwd: string, args: string[], env: NodeJS.ProcessEnv = process.env): CliResult {
  const result = spawnSync(process.execPath, [bundle, ...args], { cwd, encoding: 'utf8', env, timeout: 300_000 });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr, json: lastJson(result.stdout) };
}

/** The same, not waited for (to kill it mid-way). */
export function spawnBundled(bundle: string, cwd: string, args: string[]) {
  return spawn(process.execPath, [bundle, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
}

export function scratchDir(prefix: string): string {
  return tempDir(prefix);
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Generated target `seed` (the default grid, one channel) written as NAME.npy. */
export function writeTarget(dir: string, name: string, seed: number): Float64Array {
  const values = generateTarget(seed).values;
  writeFileSync(path.join(dir, name), encodeNpy(values, [values.length]));
  return values;
}

/** An SOC network folder `net` (N = n, adaptive recipe) with its readout fitted to target seed 1. */
export async function makeNetworkDir(dir: string, n = 40, seed = 3, name = 'net'): Promise<string> {
  mkdirSync(dir, { recursive: true });
  writeTarget(dir, 'readout-target.npy', 1);
  const soc = await gainlab(dir, 'soc', '--n', String(n), '--seed', String(seed), '--recipe', 'adaptive', '--out', name);
  if (soc.code !== 0) throw new Error(`gainlab soc failed: ${soc.stderr}`);
  const fit = await gainlab(dir, 'fit-readout', '--net', name, '--target', 'readout-target.npy');
  if (fit.code !== 0) throw new Error(`gainlab fit-readout failed: ${fit.stderr}`);
  return path.join(dir, name);
}

export function writeSweep(dir: string, name: string, sweep: unknown): string {
  const file = path.join(dir, name);
  writeFileSync(file, `${JSON.stringify(sweep, null, 2)}\n`);
  return file;
}

export function readNpyFile(file: string): { shape: number[]; data: Float64Array } {
  return parseNpy(new Uint8Array(readFileSync(file)));
}

export function readJson(file: string): Record<string, any> {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** Every task's .npy files in SWEEP_DIR/tasks as bytes, by "ID/file". */
export function taskFiles(sweepDir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const tasks = path.join(sweepDir, 'tasks');
  for (const id of readdirSync(tasks).filter((name) => !name.startsWith('.'))) {
    for (const f of readdirSync(path.join(tasks, id)).filter((name) => name.endsWith('.npy'))) files.set(`${id}/${f}`, readFileSync(path.join(tasks, id, f)));
  }
  return files;
}

/** Build the single-file CLI (npm run bundle-cli) as DIR/gainlab.mjs; its path. */
export async function buildBundle(dir: string): Promise<string> {
  const out = path.join(dir, 'gainlab.mjs');
  // @ts-expect-error: a plain .mjs script without types
  const { bundleCli } = (await import('../../scripts/bundle-cli.mjs')) as { bundleCli: (file: string) => Promise<{ outFile: string }> };
  await bundleCli(out);
  return out;
}

/** The synthetic model (tests/main/fixtures/syntheticModel.ts) as a project's network 'net' and target 'tgt'. */
export function syntheticSweepProject(): SweepProjectData {
  const network = syntheticNetwork();
  const target = syntheticTarget(network);
  return {
    networks: [{ id: 'net', name: 'Synthetic', n: network.n, nE: network.nE, W: network.W, initialConditions: network.x0, nInitialConditions: 1, readout: { channels: 1, weights: network.readout.weights, fittedTo: null, fitError: null }, params: network.params, seed: null, soc: null, origin: 'test', createdAt: '' }],
    targets: [{ id: 'tgt', name: 'Target', channels: 1, nSamples: target.nSamples, duration: target.duration, values: target.values, source: { kind: 'drawn' as const }, createdAt: '' }],
  };
}
