/**
 * Process guards (src-main/services/processGuards.ts): a stray rejection or exception is logged as
 * one line and the process keeps running. Checked in a real child process, next to one without
 * guards (which dies), so the test shows the difference the guards make.
 */
import { spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { describeFault, installProcessGuards } from '../../src-main/services/processGuards.js';

const guardsModule = pathToFileURL(path.resolve(import.meta.dirname, '../../src-main/services/processGuards.ts')).href;

function runChild(withGuards: boolean): { status: number | null; stdout: string; stderr: string } {
  const script = `
    import { installProcessGuards } from ${JSON.stringify(guardsModule)};
    if (${withGuards}) installProcessGuards({ label: 'test process' });
    Promise.reject(new Error('boom in a promise'));
    setTimeout(() => { throw new RangeError('Maximum call stack size exceeded'); }, 10);
    setTimeout(() => { console.log('still alive'); }, 200);
  `;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('process guards', () => {
  it('keep a process alive through an unhandled rejection and an uncaught exception, one line each', () => {
    const guarded = runChild(true);
    expect(guarded.status).toBe(0);
    expect(guarded.stdout.trim()).toBe('still alive');
    const lines = guarded.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^GainLab test process: unhandled promise rejection, kept running: Error: boom in a promise \(at .+\)$/);
    expect(lines[1]).toMatch(/^GainLab test process: uncaught exception, kept running: RangeError: Maximum call stack size exceeded \(at .+\)$/);
    // without them, the same faults end the process
    const bare = runChild(false);
    expect(bare.status).not.toBe(0);
    expect(bare.stdout).not.toContain('still alive');
  });

  it('log through the given function, survive a failing log, and can be removed', () => {
    const target = new EventEmitter();
    const lines: string[] = [];
    let failLog = false;
    const remove = installProcessGuards({
      label: 'unit',
      target: target as unknown as NodeJS.Process,
      log: (line) => {
        if (failLog) throw new Error('EPIPE');
        lines.push(line);
      },
    });
    target.emit('unhandledRejection', 'a plain reason\nsecond line');
    target.emit('uncaughtException', new TypeError('x is not a function'));
    expect(lines[0]).toBe('GainLab unit: unhandled promise rejection, kept running: a plain reason');
    expect(lines[1]).toMatch(/^GainLab unit: uncaught exception, kept running: TypeError: x is not a function/);
    failLog = true;
    expect(() => target.emit('uncaughtException', new Error('again'))).not.toThrow();
    remove();
    expect(target.listenerCount('unhandledRejection')).toBe(0);
    expect(target.listenerCount('uncaughtException')).toBe(0);
  });

  it('describe a fault in one line, bounded', () => {
    expect(describeFault(new Error(`first\nsecond`))).toMatch(/^Error: first \(at /);
    expect(describeFault('y'.repeat(10_000)).length).toBe(500);
  });
});
