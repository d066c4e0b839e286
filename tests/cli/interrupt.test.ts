/**
 * Ctrl-C reaches a long `gainlab train` (src-cli/gainlab.ts): the command computes on a command
 * thread, so the main thread's SIGINT handler runs during the training and sets the stop flag the
 * training polls; the partial run is written (src-cli/commands/train.ts) and the process ends with
 * code 0. Before, the training ran on the main thread, the handler waited for its end, and Ctrl-C
 * did nothing. The single-file bundle runs as a child process, as a user runs it.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseNpy } from '../../src-shared/formats/npy.js';
import { hasReference, referenceDir, referenceSkipReason } from '../helpers/reference.js';
import { buildBundle, removeDir, scratchDir } from '../sweeps/sweepFixtures.js';

const scratch = scratchDir('interrupt');
afterAll(() => removeDir(scratch));

describe('gainlab train and Ctrl-C', () => {
  it('one SIGINT stops a 1 000 000-trial run within seconds and writes the partial run (it ran on to the end)', async ({ skip }) => {
    skip(!hasReference, referenceSkipReason);
    const bundle = await buildBundle(scratch);
    const child = spawn(process.execPath, [bundle, 'train', '--net', referenceDir, '--target', path.join(referenceDir, 'novel_target.npy'), '--trials', '1000000', '--out', 'run'], {
      cwd: scratch,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    const started = new Promise<void>((resolve) =>
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
        // the first progress line: the training has begun
        if (stderr.includes('train reward: 0/1000000')) resolve();
      }),
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await started;
    await new Promise((resolve) => setTimeout(resolve, 300));
    child.kill('SIGINT');
    const stopped = await Promise.race([exited, new Promise<'running'>((resolve) => setTimeout(() => resolve('running'), 20_000))]);
    if (stopped === 'running') child.kill('SIGKILL');
    expect(stopped, `still running 20 s after Ctrl-C; stderr: ${stderr.slice(-300)}`).toBe(0);
    expect(stderr).toContain('interrupted: stopping after the current step');
    const summary = JSON.parse(stdout.trim().split('\n').pop()!) as { stopped: boolean; trialsDone: number };
    expect(summary.stopped).toBe(true);
    expect(summary.trialsDone).toBeGreaterThan(0);
    expect(summary.trialsDone).toBeLessThan(1_000_000);
    // the partial run is on disk: its error curve holds the trials done and the start
    const errors = parseNpy(new Uint8Array(readFileSync(path.join(scratch, 'run', 'errors.npy'))));
    expect(errors.shape).toEqual([summary.trialsDone + 1]);
  }, 60_000);
});
