/**
 * `gainlab ARGS` run in this process (src-cli's main with captured output): the one way the tests
 * call the command line without a child process. For the single-file bundle as a child process see
 * tests/sweeps/sweepFixtures.ts (bundled).
 */
import { main } from '../../src-cli/gainlab.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** The JSON summary on stdout (its last line), or {} when that line is not JSON. */
  json: Record<string, unknown>;
}

export function lastJson(stdout: string): Record<string, unknown> {
  const line = stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** Run `gainlab ARGV` with `cwd` as its working directory; shouldStop plays Ctrl-C. */
export async function runCli(cwd: string, argv: string[], shouldStop?: () => boolean): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, cwd, shouldStop });
  return { code, stdout, stderr, json: lastJson(stdout) };
}
