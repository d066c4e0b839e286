import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventContract, invokeContract, type ExperimentJobResult } from '../../src-shared/ipc/contract.js';
import { decodeWire, encodeWire } from '../../src-shared/ipc/wire.js';
import { runSupp1f } from '../../src-shared/experiments/supp1f.js';
import { experimentProgressEstimator, runExperimentByName } from '../../src-shared/experiments/catalog.js';
import { createJobManager, type JobManager } from '../../src-main/services/jobManager.js';
import { createWorkerPool, sourceWorkerOptions } from '../../src-main/services/workerPool.js';
import { createHandlers, dispatch } from '../../src-main/services/handlers.js';
import { testProjects } from './fixtures/testProjects.js';
import type { ProjectNetwork, TargetMovement } from '../../src-shared/project/schema.js';
import { generateTarget } from '../../src-shared/model/targets.js';
import { DEFAULT_DYNAMICS } from '../../src-shared/model/params.js';
import { syntheticNetwork } from './fixtures/syntheticModel.js';

// 'experiment' jobs through the real worker (TypeScript source via tsx) and the handler table.
const repoRoot = path.resolve(import.meta.dirname, '../..');
let manager: JobManager;
const progress: Array<{ jobId: string; percent: number; message?: string }> = [];
const onProgress: Array<(event: { jobId: string; message?: string }) => void> = [];
const finished: unknown[] = [];

beforeAll(() => {
  manager = createJobManager({
    pool: createWorkerPool({ ...sourceWorkerOptions(repoRoot), maxThreads: 1 }),
    emit: (channel, payload) => {
      if (channel === 'jobs:progress') {
        const p = payload as { jobId: string; percent: number; message?: string };
        progress.push(p);
        for (const listener of onProgress) listener(p);
      }
      if (channel === 'jobs:finished') finished.push(payload);
    },
  });
});

afterAll(() => manager.dispose());

/** A project network imported from a synthetic model (its readout kept, the paper's dynamics). */
function importedNetwork(id: string, name: string, synthetic: ReturnType<typeof syntheticNetwork>): ProjectNetwork {
  return {
    id, name, n: synthetic.n, nE: synthetic.nE, W: synthetic.W,
    initialConditions: synthetic.x0, nInitialConditions: 1,
    readout: { channels: 1, weights: synthetic.readout.weights, fittedTo: null, fitError: null },
    params: { ...DEFAULT_DYNAMICS }, seed: null, soc: null, origin: 'imported', createdAt: new Date(0).toISOString(),
  };
}

function experimentResult(result: unknown): ExperimentJobResult {
  const r = result as ExperimentJobResult | null;
  if (!r || r.kind !== 'experiment') throw new Error('expected an experiment result');
  return r;
}

describe('experiment jobs', () => {
  it('supp1f quick through the job manager gives the numbers of the definition called directly (same seed)', async () => {
    const options = invokeContract['jobs:start-experiment'].request.parse({ experiment: 'supp1f', quick: true, seed: 3 });
    const { jobId } = await manager.startExperiment(options, { network: null, target: null, label: 'supp1f test' });
    const detail = await manager.whenFinished(jobId);
    expect(detail.status).toBe('done');
    expect(detail.kind).toBe('experiment');
    expect(detail.percent).toBe(100);
    const result = experimentResult(detail.result);

    const direct = runSupp1f({ quick: true, seed: 3 });
    expect(result.partial).toBe(false);
    expect(result.seed).toBe(3);
    const s = result.summary as { finalErrors: Record<string, number[]>; meanInitialError: number; medianFinalError: Record<string, number> };
    const d = direct.summary as typeof s;
    expect(s.finalErrors).toEqual(d.finalErrors);
    expect(s.meanInitialError).toBe(d.meanInitialError);
    expect(s.medianFinalError).toEqual(d.medianFinalError);
    expect(Object.keys(s.finalErrors)).toEqual(['gains', 'x0', 'W', 'rank1']);
    expect(result.tables.map((t) => t.name)).toEqual(direct.tables.map((t) => t.name));
    expect(result.tables[0].rows).toEqual(direct.tables[0].rows);
    expect(result.figures.map((f) => f.name)).toEqual(direct.figures.map((f) => f.name));

    // the definition's progress messages arrived with rising percentages
    const mine = progress.filter((p) => p.jobId === jobId);
    expect(mine.some((p) => p.message?.startsWith('target 1/3: training gains'))).toBe(true);
    const percents = mine.map((p) => p.percent);
    for (let k = 1; k < percents.length; k++) expect(percents[k]).toBeGreaterThanOrEqual(percents[k - 1]);

    // the finished event is valid under the contract and survives the web-mode wire (data intact)
    const event = finished.find((e) => (e as { jobId: string }).jobId === jobId);
    const parsed = eventContract['jobs:finished'].parse(decodeWire(encodeWire(event)));
    const wired = experimentResult(parsed.result);
    const box = wired.figures.find((f) => f.name === 'supp1f_final_errors') as unknown as { boxes: Array<{ median: number }>; line: { value: number } };
    expect(box.boxes.map((b) => b.median)).toEqual(['gains', 'x0', 'W', 'rank1'].map((k) => d.medianFinalError[k]));
    expect(box.line.value).toBe(d.meanInitialError);
    expect(Array.from(wired.arrays[0].data)).toEqual(Array.from(direct.arrays[0].data));
  });

  it('every progress event pairs a message with its own percent, not the one before it (the worker posts both together)', async () => {
    // src-main/worker/modelWorker.ts posted a message as it came, with the percent set before it (the
    // task set the percent a moment later): the bar stood a report behind its line. supp3 with two
    // reward-rule pools: messages tens of ms apart, so the worker's 40 ms batches fall between them
    const options = invokeContract['jobs:start-experiment'].request.parse({ experiment: 'supp3', quick: true, seed: 1, overrides: { n: 20, pool: 11, rule: 'reward', trials: 300, librarySizes: [1, 2], libraries: 1, targets: 1 } });
    const expected = new Map<string, number>();
    const estimate = experimentProgressEstimator(options);
    runExperimentByName({ options, onProgress: (message, step) => expected.set(message, estimate(step)) });
    const { jobId } = await manager.startExperiment(options, { network: null, target: null, label: 'supp3 pairing test' });
    expect((await manager.whenFinished(jobId)).status).toBe('done');
    const mine = progress.filter((p) => p.jobId === jobId && p.message !== undefined && p.message !== 'done');
    expect(mine.length).toBeGreaterThan(3);
    for (const p of mine) expect(p.percent, p.message).toBe(expected.get(p.message!));
  });

  it('cancel mid-run ends cancelled with the partial result the definition returns; the pool goes on', async () => {
    const options = invokeContract['jobs:start-experiment'].request.parse({ experiment: 'supp2', quick: true, seed: 1 });
    const { jobId } = await manager.startExperiment(options, { network: null, target: null, label: 'supp2 cancel test' });
    // cancel once the group-count panel has started (the specialising step is done by then)
    onProgress.push((event) => {
      if (event.jobId === jobId && event.message?.startsWith('a: 2 specialised groups')) manager.cancel(jobId);
    });
    const detail = await manager.whenFinished(jobId);
    expect(detail.status).toBe('cancelled');
    expect(detail.error).toBeNull();
    const result = experimentResult(detail.result);
    expect(result.partial).toBe(true);
    expect((result.summary as { stopped: boolean }).stopped).toBe(true);
    // panel a–b stopped after at most the condition running when the cancel arrived: fewer than the 7 curves of a full run
    const curves = result.figures.find((f) => f.name === 'supp2a_error_curves') as unknown as { series: Array<{ name: string }> };
    expect(curves.series.length).toBeGreaterThanOrEqual(1);
    expect(curves.series.length).toBeLessThan(7);
    expect(manager.list().find((j) => j.jobId === jobId)?.status).toBe('cancelled');
    // cancelling a finished job changes nothing, and the worker still serves the next job
    expect(manager.cancel(jobId).status).toBe('cancelled');
    const next = await manager.startExperiment(
      invokeContract['jobs:start-experiment'].request.parse({ experiment: 'supp1f', quick: true, overrides: { targets: 1, iterations: 3 } }),
      { network: null, target: null, label: 'after cancel' },
    );
    expect((await manager.whenFinished(next.jobId)).status).toBe('done');
  });

  it('cancelled before the definition had anything (its network build cut short): a clean, empty cancelled result', async () => {
    const { jobId } = await manager.startExperiment(invokeContract['jobs:start-experiment'].request.parse({ experiment: 'fig4', seed: 9 }), { network: null, target: null, label: 'cancel at once' });
    manager.cancel(jobId);
    const detail = await manager.whenFinished(jobId);
    expect(detail.status).toBe('cancelled');
    expect(detail.error).toBeNull();
    const result = experimentResult(detail.result);
    expect(result.partial).toBe(true);
    expect(result.figures).toEqual([]);
    expect(result.note).toBe('Cancelled before fig4 had a result to show.');
  });

  it('the handler refuses a bad experiment name (zod), parameters the definition does not take, and unknown networks', async () => {
    const projects = testProjects();
    const handlers = createHandlers({ mode: 'web', version: 'test', platform: 'test', workerThreads: 1, jobs: manager, projects });
    const bad = await dispatch(handlers, 'jobs:start-experiment', { experiment: 'fig99', quick: true });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.error.code).toBe('invalid-payload');
      expect(bad.error.message).toContain('experiment');
    }
    const extra = await dispatch(handlers, 'jobs:start-experiment', { experiment: 'supp3', overrides: { sessions: 2 } });
    expect(extra.ok).toBe(false);
    if (!extra.ok) expect(extra.error).toEqual({ code: 'invalid-payload', message: expect.stringContaining("supp3 takes no 'sessions'") });
    const sizes = await dispatch(handlers, 'jobs:start-experiment', { experiment: 'fig4', sizes: [40] });
    expect(sizes.ok).toBe(false);
    if (!sizes.ok) expect(sizes.error.code).toBe('invalid-payload');
    const unknown = await dispatch(handlers, 'jobs:start-experiment', { experiment: 'fig4', networkId: 'nope' });
    expect(unknown.ok).toBe(false);
    if (!unknown.ok) expect(unknown.error.code).toBe('not-found');
  });

  it('a project network is used as given (its n in the result), started through the handler', async () => {
    const projects = testProjects();
    const handlers = createHandlers({ mode: 'web', version: 'test', platform: 'test', workerThreads: 1, jobs: manager, projects });
    const synthetic = syntheticNetwork(24, 5);
    const network = importedNetwork('net24', 'Small net', synthetic);
    await projects.update({ upsertNetworks: [network] }, 'Add network');
    const started = await dispatch(handlers, 'jobs:start-experiment', { experiment: 'supp1f', quick: true, networkId: 'net24', overrides: { targets: 1, iterations: 5 } });
    expect(started.ok).toBe(true);
    if (!started.ok) return;
    const { jobId } = started.value as { jobId: string };
    const detail = await manager.whenFinished(jobId);
    expect(detail.status).toBe('done');
    expect(detail.label).toContain('Small net');
    const result = experimentResult(detail.result);
    expect(result.network).toBe('Small net');
    expect((result.summary as { n: number }).n).toBe(24);
    const direct = runSupp1f({ quick: true, seed: 1, targets: 1, iterations: 5, network: { n: 24, nE: synthetic.nE, W: synthetic.W, x0: synthetic.x0, readout: synthetic.readout } });
    expect((result.summary as { finalErrors: unknown }).finalErrors).toEqual(direct.summary.finalErrors);
  });

  it('the summary names the project network and target a run used (they read "given"; src-main/services/experimentJobs.ts)', async () => {
    const projects = testProjects();
    const handlers = createHandlers({ mode: 'web', version: 'test', platform: 'test', workerThreads: 1, jobs: manager, projects });
    const network = importedNetwork('net24b', 'Published network', syntheticNetwork(24, 6));
    const target: TargetMovement = {
      id: 'novel', name: 'novel_target', channels: 1, nSamples: DEFAULT_DYNAMICS.nSamples, duration: DEFAULT_DYNAMICS.duration,
      values: generateTarget(9, { duration: DEFAULT_DYNAMICS.duration, nSamples: DEFAULT_DYNAMICS.nSamples }).values,
      source: { kind: 'generated', seed: 9 }, createdAt: new Date(0).toISOString(),
    };
    await projects.update({ upsertNetworks: [network], upsertTargets: [target] }, 'Add network and target');
    const started = await dispatch(handlers, 'jobs:start-experiment', { experiment: 'fig1', quick: true, networkId: 'net24b', targetId: 'novel', overrides: { sessions: 1, trials: 5, noiseSamples: 2 } });
    expect(started.ok).toBe(true);
    if (!started.ok) return;
    const detail = await manager.whenFinished((started.value as { jobId: string }).jobId);
    expect(detail.status).toBe('done');
    expect(experimentResult(detail.result).summary).toMatchObject({ network: 'Published network', target: 'novel_target' });
  });
});
