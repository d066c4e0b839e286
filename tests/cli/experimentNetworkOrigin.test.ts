/**
 * `gainlab experiment NAME --net DIR` (src-cli/commands/experiment.ts) records where its network
 * came from: summary.json's `network` (and fig1's `target`) name DIR as the user typed it, not
 * 'given' (which said nothing of which network ran) and not the absolute path it resolves to (a
 * private home folder in results that get shared). Every definition records it
 * (src-shared/experiments/support.ts networkSummary); fig4 stands for those that recorded nothing.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { hasReference, referenceDir, referenceSkipReason } from '../helpers/reference.js';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'gainlab-net-origin-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const gainlab = (...argv: string[]) => runCli(scratch, argv);
const summaryOf = (dir: string) => readFileSync(path.join(scratch, dir, 'summary.json'), 'utf8');

/** The published files in a folder of the scratch directory, named relative to it as a user would. */
function publishedFolder(name: string): void {
  mkdirSync(path.join(scratch, name), { recursive: true });
  for (const file of ['W.npy', 'x0.npy', 'readout.npy', 'novel_target.npy']) copyFileSync(path.join(referenceDir, file), path.join(scratch, name, file));
}

describe('gainlab experiment --net DIR records DIR as typed', () => {
  it('fig1: network and target name the folder given on the command line', async ({ skip }) => {
    skip(!hasReference, referenceSkipReason);
    publishedFolder('stroud data');
    const ran = await gainlab('experiment', 'fig1', '--quick', '--net', 'stroud data', '--sessions', '2', '--trials', '20', '--noise-samples', '2', '--out', 'fig1-out');
    expect(ran.code, ran.stderr).toBe(0);
    const text = summaryOf('fig1-out');
    const summary = JSON.parse(text) as Record<string, unknown>;
    expect(summary.network).toBe('stroud data');
    expect(summary.target).toBe(path.join('stroud data', 'novel_target.npy'));
    // the published task: the initial error is the README's 4.1768, so that network and target ran
    expect(summary.initialError as number).toBeCloseTo(4.1768, 3);
    // nothing resolved to the private folder it lives in
    expect(text).not.toContain(scratch);
    // the one-line result on stdout says it too
    expect(ran.json.network).toBe('stroud data');
  });

  it('fig4 (which recorded no network at all) names it as well; its own network reads as before', async ({ skip }) => {
    skip(!hasReference, referenceSkipReason);
    publishedFolder('nets/published');
    const tiny = ['--pool', '2', '--library-sizes', '1', '--libraries', '1', '--targets', '1', '--iterations', '2'];
    const given = await gainlab('experiment', 'fig4', '--quick', '--net', './nets/published', ...tiny, '--out', 'fig4-given');
    expect(given.code, given.stderr).toBe(0);
    expect(JSON.parse(summaryOf('fig4-given')).network).toBe('./nets/published');
    const own = await gainlab('experiment', 'fig4', '--quick', '--seed', '3', ...tiny, '--out', 'fig4-own');
    expect(own.code, own.stderr).toBe(0);
    const summary = JSON.parse(summaryOf('fig4-own'));
    expect(summary.network).toBe(`SOC N = ${summary.n} seed 3`);
  });
});
