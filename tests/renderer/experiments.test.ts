import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { createPinia, setActivePinia } from 'pinia';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { CHANNELS, type ExperimentJobResult, type JobDetail, type JobSummary } from '../../src-shared/ipc/contract.js';
import { runSupp1f } from '../../src-shared/experiments/supp1f.js';
import { writeExperimentResult } from '../../src-cli/commands/experiment.js';
import { gainlabVersion } from '../../src-cli/cliSupport.js';
import { experimentArchive, experimentPlots, figureCaption } from '../../src-renderer/components/experiments/experimentPlots.js';
import { installTransport } from '../../src-renderer/stores/api.js';
import { parseOverrides, parseSizes, useExperimentsStore } from '../../src-renderer/stores/experiments.js';
import { useJobsStore } from '../../src-renderer/stores/jobs.js';
import { FakeTransport, flushPromises } from './fakes.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'gainlab-experiment-zip-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('experiment result in the app', () => {
  const direct = runSupp1f({ quick: true, seed: 4, targets: 2, iterations: 3 });
  const jobResult: ExperimentJobResult = {
    kind: 'experiment', experiment: 'supp1f', title: direct.title, quick: true, seed: 4, network: 'own SOC network',
    summary: direct.summary, tables: direct.tables, arrays: direct.arrays, figures: direct.figures as unknown as ExperimentJobResult['figures'],
    csv: direct.csv, elapsedMs: direct.elapsedMs, partial: false,
  };

  it('the .zip holds the files `gainlab experiment` writes for the same result, with the same data', () => {
    const cliFiles = writeExperimentResult(direct, tmp);
    // the app records its version in summary.json as the CLI records its own
    const archive = experimentArchive(jobResult, gainlabVersion());
    expect(archive.fileName).toBe('supp1f-quick-seed4.zip');
    const zip = unzipSync(archive.bytes);
    expect(Object.keys(zip).sort()).toEqual([...cliFiles].sort());
    for (const name of cliFiles.filter((f) => f.endsWith('.csv') || f.endsWith('.npy'))) {
      expect(Buffer.from(zip[name]).equals(readFileSync(path.join(tmp, name))), name).toBe(true);
    }
    const appSummary = JSON.parse(new TextDecoder().decode(zip['summary.json']));
    const cliSummary = JSON.parse(readFileSync(path.join(tmp, 'summary.json'), 'utf8'));
    expect(appSummary).toEqual(cliSummary);
    expect(appSummary.gainlabVersion).toBe(JSON.parse(readFileSync(path.join(import.meta.dirname, '../../package.json'), 'utf8')).version);
    const svg = new TextDecoder().decode(zip['supp1f_final_errors.svg']);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('rank1');
  });

  it('one plot card per figure, named and captioned from the spec', () => {
    const plots = experimentPlots(jobResult);
    expect(plots.map((p) => p.id)).toEqual(['supp1f_final_errors', 'supp1f_error_curves']);
    expect(plots[0].caption).toContain('mean error before training');
    expect(plots[1].csv.split('\n')[0]).toBe('series,x,y,band');
  });

  it('a lines figure with a ± band says its shading in the caption; one without does not', () => {
    const curve = { name: 'a', x: [1, 2], y: [1, 2] };
    const base = { kind: 'lines' as const, name: 'f', title: 'F', xLabel: 'SNR (dB)', yLabel: 'error' };
    expect(figureCaption({ ...base, series: [curve, { ...curve, name: 'b', band: [0.1, 0.2] }] })).toBe('2 curves: error against SNR (dB). Shaded: ± SD around each curve that has it.');
    expect(figureCaption({ ...base, series: [curve] })).toBe('1 curve: error against SNR (dB).');
  });
});

describe('experiments store', () => {
  let transport: FakeTransport;
  beforeEach(() => {
    setActivePinia(createPinia());
    transport = new FakeTransport();
    installTransport(transport);
  });

  const summary = (jobId: string, createdAt: number, patch: Partial<JobSummary> = {}): JobSummary => ({
    jobId, kind: 'experiment', label: jobId, status: 'done', percent: 100, trial: 0, totalTrials: 0, bestError: null,
    createdAt, startedAt: createdAt, finishedAt: createdAt + 1, error: null, projectId: null, projectName: null, queuePosition: null, etaMs: null, ...patch,
  });

  it('parses network sizes and says what is wrong', () => {
    expect(parseSizes('')).toBeUndefined();
    expect(parseSizes('200, 400')).toEqual([200, 400]);
    expect(parseSizes('200 400;600')).toEqual([200, 400, 600]);
    expect(parseSizes('201')).toMatch(/even/);
    expect(parseSizes('abc')).toMatch(/whole numbers/);
  });

  it('parses typed settings through the request schema: blanks are the preset, bad values a sentence', () => {
    expect(parseOverrides('fig1', {})).toBeUndefined();
    expect(parseOverrides('fig1', { sigma: ' ', trials: '' })).toBeUndefined();
    expect(parseOverrides('fig1', { sigma: '0.003', sessions: '4' })).toEqual({ sigma: 0.003, sessions: 4 });
    expect(parseOverrides('supp3', { librarySizes: '1, 2 5;10' })).toEqual({ librarySizes: [1, 2, 5, 10] });
    expect(parseOverrides('fig4', { rule: 'gradient' })).toEqual({ rule: 'gradient' });
    expect(parseOverrides('fig1', { sigma: '-1' })).toMatch(/^sigma: /);
    expect(parseOverrides('fig1', { sessions: '2.5' })).toMatch(/^sessions: /);
    expect(parseOverrides('supp5', { conditionSweep: '1, x' })).toMatch(/^conditionSweep/);
  });

  it('run sends only what the chosen definition takes and remembers the job', async () => {
    transport.answer(CHANNELS.jobsStartExperiment, () => ({ jobId: 'j1' }));
    transport.answer(CHANNELS.jobsList, () => [summary('j1', 5, { status: 'queued', percent: 0 })]);
    const store = useExperimentsStore();
    store.settings.supp2.quick = false;
    store.settings.supp2.sizes = '80, 120';
    store.settings.supp2.targetId = 'target-of-panel-a';
    store.settings.supp2.networkId = 'net';
    expect(await store.run('supp2')).toBe('j1');
    expect(transport.callsTo(CHANNELS.jobsStartExperiment)).toEqual([{ experiment: 'supp2', quick: false, seed: 1, networkId: 'net', targetId: 'target-of-panel-a', sizes: [80, 120] }]);
    // a definition that takes no target never sends one
    store.settings.supp1f.targetId = 'ignored';
    expect(store.latestJob.supp2).toBe('j1');
    expect(store.jobOf('supp2')?.status).toBe('queued');
    store.settings.fig1.targetId = 't2';
    store.settings.fig1.sizes = '40';
    transport.answer(CHANNELS.jobsStartExperiment, () => ({ jobId: 'j2' }));
    await store.run('fig1');
    expect(transport.callsTo(CHANNELS.jobsStartExperiment)[1]).toEqual({ experiment: 'fig1', quick: true, seed: 1, targetId: 't2' });
    // bad sizes: nothing is sent
    store.settings.supp2.sizes = '81';
    expect(await store.run('supp2')).toBeNull();
    expect(transport.callsTo(CHANNELS.jobsStartExperiment)).toHaveLength(2);
    // typed settings travel as overrides; a bad one sends nothing
    store.settings.supp5.overrides.sigma = '0.01';
    store.settings.supp5.overrides.conditionSweep = '1, 2';
    transport.answer(CHANNELS.jobsStartExperiment, () => ({ jobId: 'j3' }));
    await store.run('supp5');
    expect(transport.callsTo(CHANNELS.jobsStartExperiment)[2]).toEqual({ experiment: 'supp5', quick: true, seed: 1, overrides: { sigma: 0.01, conditionSweep: [1, 2] } });
    store.settings.supp5.overrides.sigma = '2';
    expect(await store.run('supp5')).toBeNull();
    expect(transport.callsTo(CHANNELS.jobsStartExperiment)).toHaveLength(3);
    transport.answer(CHANNELS.jobsStartExperiment, () => ({ jobId: 'j4' }));
    await store.run('supp1f');
    expect(transport.callsTo(CHANNELS.jobsStartExperiment)[3]).toEqual({ experiment: 'supp1f', quick: true, seed: 1 });
  });

  it('after a reload, finds the newest job of each experiment in the job list', async () => {
    const detail = (s: JobSummary, experiment: string): JobDetail => ({ ...s, request: { experiment, quick: true, seed: 1 } as JobDetail['request'], errorsBySession: [], result: null });
    const jobsList = [summary('old-supp1f', 1), summary('new-supp1f', 3), summary('fig4-a', 2), { ...summary('train', 4), kind: 'training' as const }];
    const requests: Record<string, string> = { 'old-supp1f': 'supp1f', 'new-supp1f': 'supp1f', 'fig4-a': 'fig4' };
    transport.answer(CHANNELS.jobsList, () => jobsList);
    transport.answer(CHANNELS.jobsGet, ({ jobId }) => detail(jobsList.find((j) => j.jobId === jobId)!, requests[jobId]));
    const jobs = useJobsStore();
    await jobs.reloadList();
    const store = useExperimentsStore();
    await store.adoptJobs();
    await flushPromises();
    expect(store.latestJob).toEqual({ supp1f: 'new-supp1f', fig4: 'fig4-a' });
    // the training job is never asked about
    expect(transport.callsTo(CHANNELS.jobsGet).map((r) => (r as { jobId: string }).jobId).sort()).toEqual(['fig4-a', 'new-supp1f', 'old-supp1f']);
  });
});
