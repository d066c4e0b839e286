/**
 * The benchmark runner (bench/index.ts) leaves nothing in the temp folder: bench/wire.ts's web
 * server serves a renderer folder it makes there and never removes, so every `npm run bench` used
 * to leave a gainlab-bench-* folder behind. Run one such benchmark with TMPDIR pointed at an empty
 * folder; afterwards it holds nothing but tsx's compile cache.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { tempDir } from '../helpers/tempDirs.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');

it('a benchmark run that starts the web server leaves its temp folder as it found it', () => {
  const temp = tempDir('bench-temp');
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/index.ts', '--only', 'wire.roundtrip_32mb_ms', '--repeats', '1'], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, TMPDIR: temp, TMP: temp, TEMP: temp },
    timeout: 120_000,
  });
  expect(run.status, run.stderr).toBe(0);
  expect(run.stderr).toMatch(/^wire\.roundtrip_32mb_ms: median /m);
  expect(readdirSync(temp).filter((name) => !name.startsWith('tsx-'))).toEqual([]);
});
