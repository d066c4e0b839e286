/**
 * The reproduction report: the store's codec keeps what parts hold; a stopped run keeps its
 * finished parts and a second run reads them instead of recomputing; the report is one file with
 * no scripts and no network references; claims turn summaries into verdicts by their rules.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { hasReference, loadReferenceArray, referenceSkipReason } from '../helpers/reference.js';
import { decodeValue, encodeValue, base64ToBytes, bytesToBase64 } from '../../src-shared/reproduce/codec.js';
import { CLAIMS } from '../../src-shared/reproduce/claims.js';
import { trainGradient } from '../../src-shared/model/gradient.js';
import { DEFAULT_DYNAMICS } from '../../src-shared/model/params.js';
import { reportFigure, runReproduction, type ReproductionStore } from '../../src-shared/reproduce/run.js';
import { partSpan, reportHtml } from '../../src-shared/reproduce/report.js';
import { DEFINITION_IDS } from '../../src-shared/definitions.js';
import { run as reproduceCommand, versionLine } from '../../src-cli/commands/reproduce.js';

/** The published network and targets as the reproduction takes them. */
function publishedData() {
  return {
    network: { n: 200, nE: 100, W: loadReferenceArray('W').data, x0: loadReferenceArray('x0').data, readout: { channels: 1, weights: loadReferenceArray('readout').data } },
    novelTarget: loadReferenceArray('novel_target').data,
    initialTarget: loadReferenceArray('initial_target').data,
  };
}

function memoryStore(): ReproductionStore & { files: Map<string, string>; writes: string[] } {
  const files = new Map<string, string>();
  const writes: string[] = [];
  return {
    files,
    writes,
    read: (name) => files.get(name),
    write: (name, text) => {
      files.set(name, text);
      writes.push(name);
    },
  };
}

describe('codec', () => {
  it('round-trips typed arrays bit for bit, non-finite numbers and nesting', () => {
    const value = { a: Float64Array.of(1 / 3, -0, NaN, Infinity, -Infinity, 5e-324, 1.7976931348623157e308), b: Int32Array.of(-2147483648, 0, 7), c: [NaN, { d: -Infinity, e: 'x' }], f: 2.5 };
    const back = decodeValue(encodeValue(value)) as typeof value;
    expect(back.a).toBeInstanceOf(Float64Array);
    expect(Array.from(back.a).map((x) => Object.is(x, -0) ? '-0' : String(x))).toEqual(Array.from(value.a).map((x) => Object.is(x, -0) ? '-0' : String(x)));
    expect(Array.from(back.b)).toEqual([-2147483648, 0, 7]);
    expect(Number.isNaN(back.c[0] as number)).toBe(true);
    expect(back.c[1]).toEqual({ d: -Infinity, e: 'x' });
    expect(back.f).toBe(2.5);
  });

  it('base64 matches the standard alphabet (Node Buffer as independent truth)', () => {
    for (const length of [0, 1, 2, 3, 4, 5, 31]) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 97 + 13) & 255);
      expect(bytesToBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
      expect(Array.from(base64ToBytes(Buffer.from(bytes).toString('base64')))).toEqual(Array.from(bytes));
    }
  });
});

describe('claims', () => {
  it('at least 20 claims, unique ids, every verdict rule and paper statement written out', () => {
    expect(CLAIMS.length).toBeGreaterThanOrEqual(20);
    expect(new Set(CLAIMS.map((c) => c.id)).size).toBe(CLAIMS.length);
    for (const c of CLAIMS) expect(c.paper.length > 20 && c.rule.length > 10 && c.parts.length > 0, c.id).toBe(true);
  });

  it('verdicts follow the stated rules (Supp. 8 fixed: ≈1.22 → 0.02)', () => {
    const claim = CLAIMS.find((c) => c.id === 'supp8-fixed')!;
    const summary = (initial: number, finals: number[]) => ({ supp8: { fixed: { perConditionReward: { initial: [initial, 9], best: finals.map((f) => [f, 9]) } } } });
    expect(claim.evaluate(() => summary(1.2, [0.02, 0.03])).verdict).toBe('agrees');
    expect(claim.evaluate(() => summary(1.2, [0.1, 0.06])).verdict).toBe('qualitatively agrees'); // 93 % reduction, not within 2×
    expect(claim.evaluate(() => summary(1.2, [0.7, 0.8])).verdict).toBe('differs');
    expect(claim.evaluate(() => summary(1.2, [0.02, 0.03])).measured).toContain('97.9 %');
  });

  it('every definition a claim or report names exists in the registry', () => {
    const text = CLAIMS.map((c) => `${c.measure} ${c.rule}`).join(' ');
    for (const match of text.matchAll(/GainLab definitions? ([a-z0-9-]+)/g)) expect(DEFINITION_IDS).toContain(match[1]);
  });
});

describe('a reproduction run', () => {
  it('keeps finished parts, resumes from them, and writes one self-contained report', ({ skip }) => {
    skip(!hasReference, referenceSkipReason);
    const published = publishedData();
    const store = memoryStore();
    const partsWritten = () => store.writes.filter((w) => w.startsWith('parts/')).length;
    const options = {
      mode: 'quick' as const,
      published,
      store,
      environment: { version: 'test', machine: 'test machine', runtime: 'test' },
      renderSvg: (f: { name: string }) => `<svg xmlns="http://www.w3.org/2000/svg"><text>${f.name}</text></svg>`,
      // stop once the first part (the published network's facts) is kept
      shouldStop: () => partsWritten() >= 1,
    };
    const first = runReproduction(options);
    expect(first.stopped).toBe(true);
    expect(first.parts.map((p) => p.id)).toEqual(['published']);
    const kept = store.files.get('parts/quick-seed1-published.json')!;
    // second run: the part is read back, not recomputed (no new part file written)
    const writesBefore = partsWritten();
    const second = runReproduction(options);
    expect(partsWritten()).toBe(writesBefore);
    expect(store.files.get('parts/quick-seed1-published.json')).toBe(kept);
    expect(second.parts[0].finishedAt).toBe(first.parts[0].finishedAt);
    const verdict = (id: string) => second.claims.find((c) => c.id === id)!.verdict;
    expect(verdict('published-alpha')).toBe('agrees');
    expect(verdict('published-x0')).toBe('agrees');
    expect(verdict('supp8-initial-errors')).toBe('agrees');
    expect(verdict('fig1-learning')).toBe('not run');
    // one file: no scripts, no stylesheets or images fetched, every claim a row
    const html = second.html;
    expect(html).not.toMatch(/<script|<link|<img|src=|url\(|@import/i);
    expect(html.replace(/xmlns(:\w+)?="http:\/\/www\.w3\.org\/[^"]*"/g, '')).not.toMatch(/https?:\/\//);
    expect(html.match(/<tr id="claim-/g)!.length).toBe(CLAIMS.length);
    expect(html).toContain('The run stopped before every part finished');
    expect(html).toContain('test machine');
  }, 120_000);

  it('runs only the parts asked for, in that order; a second process on the same store reuses what the first kept', ({ skip }) => {
    skip(!hasReference, referenceSkipReason);
    const published = publishedData();
    const store = memoryStore();
    const base = {
      mode: 'quick' as const,
      published,
      store,
      environment: { version: 'test', machine: 'test machine', runtime: 'test' },
      renderSvg: (f: { name: string }) => `<svg xmlns="http://www.w3.org/2000/svg"><text>${f.name}</text></svg>`,
    };
    const first = runReproduction({ ...base, only: ['published'] });
    expect(first.parts.map((p) => p.id)).toEqual(['published']);
    expect(first.stopped).toBe(true); // the other parts did not run: the report says so
    const partWrites = () => store.writes.filter((w) => w.startsWith('parts/'));
    expect(partWrites()).toEqual(['parts/quick-seed1-published.json']);
    // the "second process": asks for adam then published; published is read back, not recomputed
    const second = runReproduction({ ...base, only: ['adam', 'published'] });
    expect(partWrites()).toEqual(['parts/quick-seed1-published.json', 'parts/quick-seed1-adam.json']);
    // listed in the paper's order whatever order they ran in
    expect(second.parts.map((p) => p.id)).toEqual(['published', 'adam']);
    expect(second.parts[0].finishedAt).toBe(first.parts[0].finishedAt);
    // the Adam claim reads the spec's iterations as the model test does (errors[k − 1]): bit for
    // bit what Adam gives after 9 and 49 steps from g = 1
    const adam = second.parts[1].summary as { errorAt: Record<string, number> };
    const steps = trainGradient({ network: published.network, params: { ...DEFAULT_DYNAMICS }, target: published.novelTarget, trainable: 'gains', iterations: 49 });
    expect(adam.errorAt['10']).toBe(steps.errors[9]);
    expect(adam.errorAt['50']).toBe(steps.errors[49]);
    expect(adam.errorAt['10']).toBeCloseTo(0.43, 1);
    expect(() => runReproduction({ ...base, only: ['fig99'] })).toThrow(/no part "fig99"/);
  }, 120_000);

  it('the wall clock spans the first part’s start to the last part’s end, parts run at once counted once', () => {
    const part = (finishedAt: string, minutes: number) => ({ finishedAt, elapsedMs: minutes * 60_000 });
    // 10:00–11:00 and, in another process, 10:30–12:00; a part without times is ignored
    const span = partSpan([part('2026-12-03T11:00:00.000Z', 60), part('2026-12-03T12:00:00.000Z', 90), part('not a date', 5)]);
    expect(span).toEqual({ from: '2026-12-03T10:00:00.000Z', to: '2026-12-03T12:00:00.000Z', ms: 2 * 3600_000 });
    expect(partSpan([])).toBeNull();
  });

  it('the version line names the builds that computed parts, not parts that never ran (no published data)', () => {
    const part = (id: string, status: 'done' | 'unavailable', version?: string) => ({
      id, title: id, mode: 'quick' as const, seed: 1, status, summary: {}, setup: null, settings: {}, figures: [], elapsedMs: 0, finishedAt: '2026-12-05T08:00:00.000Z', ...(version ? { version } : {}),
    });
    const input = {
      mode: 'quick' as const, seed: 1, environment: { version: 'GainLab 9.9.9', machine: 'm', runtime: 'r' }, generatedAt: '2026-12-05T08:00:00.000Z', wallMs: 0, computeMs: 0,
      claims: [], stopped: false, definitions: [], partTitles: [{ id: 'published', title: 'published' }, { id: 'fig1', title: 'fig1' }],
    };
    const html = reportHtml({ ...input, parts: [part('published', 'unavailable'), part('fig1', 'done', 'GainLab 9.9.9')] });
    expect(html).toContain('GainLab 9.9.9 wrote this report; parts computed by GainLab 9.9.9</td>');
    expect(html).not.toContain('did not record its version');
    // a part from an older store (computed, no version) is still named as such
    expect(reportHtml({ ...input, parts: [part('fig1', 'done')] })).toContain('parts computed by a build that did not record its version');
  });

  it('report heat maps are thinned, other figures untouched', () => {
    const big = { kind: 'heatmap' as const, name: 'h', title: 't', xLabel: 'x', yLabel: 'y', rows: 200, cols: 130, data: Float64Array.from({ length: 200 * 130 }, (_, i) => i) };
    const thin = reportFigure(big);
    // strides ⌈200/64⌉ = 4 and ⌈130/64⌉ = 3
    expect(thin.kind === 'heatmap' && [thin.rows, thin.cols]).toEqual([50, 44]);
    if (thin.kind === 'heatmap') expect(thin.data[1 * 44 + 2]).toBe(4 * 130 + 2 * 3);
    const lines = { kind: 'lines' as const, name: 'l', title: 't', xLabel: 'x', yLabel: 'y', series: [] };
    expect(reportFigure(lines)).toBe(lines);
  });

  it('the command refuses --quick with --full', async () => {
    await expect(reproduceCommand(['--quick', '--full', '--out', '/tmp/never'], { stdout: { write: () => true }, stderr: { write: () => true } })).rejects.toThrow(/not both/);
  });

  it('the version line names GainLab’s commit, not that of the repository the command runs in', () => {
    const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', ...args], { cwd, encoding: 'utf8' }).trim();
    const other = mkdtempSync(path.join(os.tmpdir(), 'gainlab-other-repo-'));
    const cwd = process.cwd();
    try {
      git(other, 'init', '-q');
      git(other, 'commit', '-q', '--allow-empty', '-m', 'a user repository');
      const otherCommit = git(other, 'rev-parse', '--short', 'HEAD');
      process.chdir(other);
      const line = versionLine();
      expect(line).not.toContain(otherCommit);
      const { version } = JSON.parse(readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), '../../package.json'), 'utf8')) as { version: string };
      expect(line.startsWith(`GainLab ${version}`), line).toBe(true);
      // from a GainLab checkout (as here) it names this checkout's commit
      let ours: string | null = null;
      try {
        ours = git(path.dirname(fileURLToPath(import.meta.url)), 'rev-parse', '--short', 'HEAD');
      } catch {
        ours = null;
      }
      if (ours) expect(line).toContain(`commit ${ours}`);
    } finally {
      process.chdir(cwd);
      rmSync(other, { recursive: true, force: true });
    }
  });
});
