import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Envelope, ProjectSummary, ResponseOf } from '../../src-shared/ipc/contract.js';
import { computeOutput, normalisedError, simulateReference } from '../../src-shared/model/dynamics.js';
import { generateTarget } from '../../src-shared/model/targets.js';
import { libraryFromProject } from '../../src-shared/primitives/projectStore.js';
import { decodeProjectFile, encodeProject } from '../../src-shared/project/archive.js';
import type { Project, TargetMovement } from '../../src-shared/project/schema.js';
import { createHandlers, dispatch, type AppServices } from '../../src-main/services/handlers.js';
import { createJobManager, type JobManager } from '../../src-main/services/jobManager.js';
import { testProjects } from '../main/fixtures/testProjects.js';
import { syntheticExampleProject } from '../../src-main/services/example.js';
import { createWorkerPool, sourceWorkerOptions } from '../../src-main/services/workerPool.js';
import { resolveSource } from '../../src-main/services/modelSources.js';
import { expectClose } from '../helpers/expectClose.js';

// primitives:create-library / primitives:fit and removing a library through the handler
// table, with the real worker (TypeScript source via tsx) for training and for the library maths.
const repoRoot = path.resolve(import.meta.dirname, '../..');
const N = 20;
let jobs: JobManager;
let handlers: ReturnType<typeof createHandlers>;
// every project change main announces (project:changed in the app)
const changes: ProjectSummary[] = [];
const projects = testProjects({ loadExample: () => syntheticExampleProject(new Date(0), N), onChange: (s) => changes.push(s) });

function value<T>(envelope: Envelope<unknown>): T {
  if (!envelope.ok) throw new Error(`${envelope.error.code}: ${envelope.error.message}`);
  return envelope.value as T;
}

/** The network's output with these gains by the plain reference path (not the worker's kernels). */
function referenceOutput(project: Project, gains: Float64Array): Float64Array {
  const net = project.networks[0];
  const { rates } = simulateReference(net.W, net.n, net.initialConditions.subarray(0, net.n), gains, net.params);
  return computeOutput(rates, net.params.nSamples, net.n, net.nE, { channels: 1, weights: net.readout!.weights });
}

function generated(seed: number, project: Project): TargetMovement {
  const params = project.networks[0].params;
  const g = generateTarget(seed, { duration: params.duration, nSamples: params.nSamples });
  // scaled into the range of the network's output so a few gradient steps matter
  const values = Float64Array.from(g.values, (v) => 0.3 * v);
  return { id: `gen-${seed}`, name: `Generated ${seed}`, channels: 1, nSamples: params.nSamples, duration: params.duration, values, source: { kind: 'generated', seed }, createdAt: new Date(0).toISOString() };
}

let project: Project;
let jobIds: string[] = [];
let libraryId = '';

beforeAll(async () => {
  const pool = createWorkerPool({ ...sourceWorkerOptions(repoRoot), maxThreads: 1 });
  jobs = createJobManager({ pool, emit: () => undefined, resolveSource: (source) => resolveSource(projects.project(), source) });
  const services: AppServices = { mode: 'web', version: '0.0.0-test', platform: 'test', workerThreads: 1, jobs, projects };
  handlers = createHandlers(services);
  await projects.loadExample();
  const targets = [11, 12, 13].map((seed) => generated(seed, projects.project()));
  await projects.update({ upsertTargets: targets }, 'Add targets');
  project = projects.project();
  // one short gradient run per target: the patterns
  for (const target of targets) {
    const started = value<{ jobId: string }>(
      await dispatch(handlers, 'jobs:start-training', {
        source: { kind: 'project', networkId: project.networks[0].id, targetIds: [target.id] },
        rule: 'gradient',
        trials: 15,
        learningRate: 0.05,
        groups: { kind: 'neuron' },
        seed: 1,
      }),
    );
    jobIds.push(started.jobId);
  }
  for (const id of jobIds) expect((await jobs.whenFinished(id)).status).toBe('done');
}, 120_000);

afterAll(() => jobs.dispose());

describe('primitives:create-library', () => {
  it('stores the runs and a library whose gains are the runs’ best gains and whose outputs are fresh simulations', async () => {
    const answer = value<ResponseOf<'primitives:create-library'>>(
      await dispatch(handlers, 'primitives:create-library', { networkId: project.networks[0].id, name: 'Three reaches', jobIds }),
    );
    libraryId = answer.libraryId;
    const summary: ProjectSummary = answer.project;
    expect(summary.dirty).toBe(true);
    project = projects.project();
    expect(project.runs.map((r) => r.id)).toEqual(jobIds);
    const record = project.primitiveLibraries.find((l) => l.id === libraryId)!;
    expect(record.name).toBe('Three reaches');
    expect(record.runIds).toEqual(jobIds);
    expect(record.gains.shape).toEqual([3, N]);
    expect(record.outputs.shape).toEqual([3, 1, 200]);
    jobIds.forEach((jobId, k) => {
      const detail = jobs.get(jobId);
      const result = detail.result!;
      if (result.kind !== 'training') throw new Error('not a training result');
      const best = result.sessions[result.bestSession].bestGains;
      // bit for bit the gains the run found
      expect(Array.from(record.gains.data.subarray(k * N, (k + 1) * N))).toEqual(Array.from(best));
      // pattern k really differs from g = 1, and its stored output is the network's output with it
      expect(Math.max(...best.map((g) => Math.abs(g - 1)))).toBeGreaterThan(1e-3);
      expectClose(record.outputs.data.subarray(k * 200, (k + 1) * 200), referenceOutput(project, best), { rtol: 1e-7, atol: 1e-9 });
      // and its error on its own target is the error the run reported as its best
      const target = project.targets.find((t) => t.id === project.runs[k].targetIds[0])!;
      expectClose(normalisedError(record.outputs.data.subarray(k * 200, (k + 1) * 200), target.values, 1, 200), result.sessions[0].bestError, { rtol: 1e-6 });
    });
  });

  it('survives a save and load of the project file', () => {
    const reopened = decodeProjectFile(encodeProject(project, { appVersion: 'test' })).project;
    const before = libraryFromProject(project.primitiveLibraries[0]);
    const after = libraryFromProject(reopened.primitiveLibraries[0]);
    expect(Array.from(after.gains)).toEqual(Array.from(before.gains));
    expect(Array.from(after.outputs)).toEqual(Array.from(before.outputs));
    expect(reopened.primitiveLibraries[0].runIds).toEqual(jobIds);
  });

  it('refuses runs on another network, repeated runs, unfinished or unknown jobs', async () => {
    const other = { ...project.networks[0], id: 'other-network', name: 'Other' };
    await projects.update({ upsertNetworks: [other] }, 'Add network');
    const wrongNetwork = await dispatch(handlers, 'primitives:create-library', { networkId: 'other-network', name: 'x', runIds: [jobIds[0]] });
    expect(wrongNetwork).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    if (!wrongNetwork.ok) expect(wrongNetwork.error.message).toMatch(/trained on network/);
    const twice = await dispatch(handlers, 'primitives:create-library', { networkId: project.networks[0].id, name: 'x', runIds: [jobIds[0], jobIds[0]] });
    expect(twice).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    const unknown = await dispatch(handlers, 'primitives:create-library', { networkId: project.networks[0].id, name: 'x', jobIds: ['no-such-job'] });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'not-found' } });
    await projects.removeItems([{ collection: 'networks', id: 'other-network' }], true);
  });

  it('answers malformed payloads with invalid-payload', async () => {
    for (const payload of [
      {},
      { networkId: project.networks[0].id, name: 'empty' },
      { networkId: project.networks[0].id, name: '', jobIds },
      { networkId: project.networks[0].id, name: 'x', jobIds: 'j' },
      { networkId: project.networks[0].id, name: 'x', jobIds, extra: 1 },
    ]) {
      expect(await dispatch(handlers, 'primitives:create-library', payload)).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    }
  });
});

describe('primitives:fit', () => {
  it('reproduces a library pattern exactly: one-hot coefficients, its gains and output, zero errors', async () => {
    const record = project.primitiveLibraries.find((l) => l.id === libraryId)!;
    const k = 1;
    const values = Float64Array.from(record.outputs.data.subarray(k * 200, (k + 1) * 200));
    const fit = value<ResponseOf<'primitives:fit'>>(
      await dispatch(handlers, 'primitives:fit', {
        libraryId,
        networkId: project.networks[0].id,
        target: { id: 'pattern-1', name: 'pattern 1', channels: 1, nSamples: 200, duration: project.networks[0].params.duration, values },
      }),
    );
    expectClose(fit.coefficients, [0, 1, 0], { atol: 1e-6 });
    expectClose(fit.gains, record.gains.data.subarray(k * N, (k + 1) * N), { atol: 1e-6 });
    expectClose(fit.output, values, { rtol: 1e-5, atol: 1e-6 });
    expect(fit.fitError).toBeLessThan(1e-10);
    expect(fit.outputError).toBeLessThan(1e-10);
  });

  it('fits a novel project target by least squares (normal equations hold) and simulates the combined gains', async () => {
    const novel = project.targets.find((t) => t.id === 'synthetic-novel')!;
    const fit = value<ResponseOf<'primitives:fit'>>(await dispatch(handlers, 'primitives:fit', { libraryId, target: { targetId: novel.id }, combination: 'least-squares' }));
    expect(fit.ridge).toBe(0);
    const record = project.primitiveLibraries.find((l) => l.id === libraryId)!;
    const baseline = referenceOutput(project, new Float64Array(N).fill(1));
    expectClose(fit.baseline, baseline, { rtol: 1e-7, atol: 1e-9 });
    // residual r = fit − m*; Aᵀ r = 0 for the columns a_k = m_k − m(1)
    const residual = fit.fit.map((v, t) => v - novel.values[t]);
    let scale = 0;
    for (let k = 0; k < 3; k++) {
      let dot = 0;
      let norm = 0;
      for (let t = 0; t < 200; t++) {
        const a = record.outputs.data[k * 200 + t] - baseline[t];
        dot += a * residual[t];
        norm += a * a;
      }
      scale = Math.max(scale, Math.sqrt(norm));
      expect(Math.abs(dot)).toBeLessThan(1e-6 * Math.sqrt(norm) * Math.hypot(...residual) + 1e-9);
    }
    expect(scale).toBeGreaterThan(0);
    // the combined gains and the network's output with them, by the reference path
    const gains = new Float64Array(N).fill(1);
    for (let k = 0; k < 3; k++) for (let i = 0; i < N; i++) gains[i] += fit.coefficients[k] * (record.gains.data[k * N + i] - 1);
    expectClose(fit.gains, gains, { rtol: 1e-12, atol: 1e-12 });
    const output = referenceOutput(project, gains);
    expectClose(fit.output, output, { rtol: 1e-6, atol: 1e-8 });
    expectClose(fit.outputError, normalisedError(output, novel.values, 1, 200), { rtol: 1e-6 });
    expectClose(fit.fitError, normalisedError(fit.fit, novel.values, 1, 200), { rtol: 1e-9 });
    // a least-squares fit is never worse than not combining at all (all c = 0 gives m(1))
    expect(fit.fitError).toBeLessThanOrEqual(fit.baselineError + 1e-12);
  });

  it('by default bounds the coefficients as Fig. 4 does: Σ|c| ≤ 2 by the smallest ridge δ, whose normal equations hold; least squares and a fixed δ on request', async () => {
    // a target whose least-squares coefficients are (3, 2, 0): Σ|c| = 5 is over the bound of 2
    const record = project.primitiveLibraries.find((l) => l.id === libraryId)!;
    const baseline = referenceOutput(project, new Float64Array(N).fill(1));
    const column = (k: number) => Float64Array.from({ length: 200 }, (_, t) => record.outputs.data[k * 200 + t] - baseline[t]);
    const columns = [column(0), column(1), column(2)];
    const values = Float64Array.from(baseline, (m1, t) => m1 + 3 * columns[0][t] + 2 * columns[1][t]);
    const target = { id: 'over-bound', name: 'over the bound', channels: 1, nSamples: 200, duration: project.networks[0].params.duration, values };
    const fitWith = async (extra: object) => value<ResponseOf<'primitives:fit'>>(await dispatch(handlers, 'primitives:fit', { libraryId, target, ...extra }));

    const plain = await fitWith({ combination: 'least-squares' });
    expectClose(plain.coefficients, [3, 2, 0], { atol: 1e-5 });
    expectClose(plain.coefficientSum, 5, { atol: 1e-5 });

    const bounded = await fitWith({});
    expect(bounded.coefficientSum).toBeLessThanOrEqual(2 + 1e-9);
    // the smallest δ meeting the bound (bisection to a factor 1.01 in δ): the sum sits at the bound
    expect(bounded.coefficientSum).toBeGreaterThan(1.97);
    expect(bounded.ridge).toBeGreaterThan(0);
    // ridge normal equations: Aᵀ(A c − b) + δ·s̄·c = 0, s̄ the mean squared column norm of A
    const b = Float64Array.from(values, (v, t) => v - baseline[t]);
    const meanSquare = columns.reduce((sum, a) => sum + a.reduce((s2, x) => s2 + x * x, 0), 0) / 3;
    const residual = Float64Array.from(b, (bt, t) => columns.reduce((sum, a, k) => sum + bounded.coefficients[k] * a[t], 0) - bt);
    for (let k = 0; k < 3; k++) {
      const gradient = columns[k].reduce((sum, a, t) => sum + a * residual[t], 0) + bounded.ridge * meanSquare * bounded.coefficients[k];
      expect(Math.abs(gradient)).toBeLessThan(1e-6 * meanSquare * 5);
    }
    // its fit is worse than least squares' (which is exact here), and its gains stay nearer to 1
    expect(bounded.fitError).toBeGreaterThan(plain.fitError);

    // a fixed δ: the same coefficients as the bound's δ
    const fixed = await fitWith({ combination: 'ridge', ridge: bounded.ridge });
    expectClose(fixed.coefficients, bounded.coefficients, { rtol: 1e-9, atol: 1e-12 });
    expect(fixed.ridge).toBe(bounded.ridge);
  });

  it('refuses another network, an unknown library or target, and a target of the wrong length', async () => {
    const novel = { targetId: 'synthetic-novel' };
    expect(await dispatch(handlers, 'primitives:fit', { libraryId: 'nope', target: novel })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await dispatch(handlers, 'primitives:fit', { libraryId, target: { targetId: 'nope' } })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    const elsewhere = await dispatch(handlers, 'primitives:fit', { libraryId, networkId: 'another-network', target: novel });
    expect(elsewhere).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    if (!elsewhere.ok) expect(elsewhere.error.message).toMatch(/was built on network/);
    const short = await dispatch(handlers, 'primitives:fit', {
      libraryId,
      target: { id: 's', name: 'short', channels: 1, nSamples: 50, duration: 500, values: new Float64Array(50) },
    });
    expect(short).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    if (!short.ok) expect(short.error.message).toMatch(/needs 1 × 200/);
    for (const payload of [{ libraryId }, { libraryId, target: novel, ridge: -1 }, { libraryId, target: novel, combination: 'nnls' }, { libraryId, target: { values: [1, 2] } }]) {
      expect(await dispatch(handlers, 'primitives:fit', payload)).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    }
  });
});

describe('a build waited for in main (create-library with running jobs)', () => {
  const GROUPS = { kind: 'random' as const, count: 4, seed: 5 };
  /** A short grouped gradient run on a project target (a library pattern). */
  function groupedTraining(targetId: string, extra: Record<string, unknown> = {}) {
    return {
      source: { kind: 'project', networkId: project.networks[0].id, targetIds: [targetId] },
      rule: 'gradient',
      trials: 12,
      learningRate: 0.05,
      groups: GROUPS,
      seed: 2,
      ...extra,
    };
  }
  function startGrouped(targetId: string, extra: Record<string, unknown> = {}) {
    return dispatch(handlers, 'jobs:start-training', groupedTraining(targetId, extra));
  }

  it('creates the library when the jobs finish, without the renderer, and Refine from its fit starts at the fit’s error', async () => {
    const ids = [value<{ jobId: string }>(await startGrouped('gen-11')).jobId, value<{ jobId: string }>(await startGrouped('gen-12')).jobId];
    const answer = value<ResponseOf<'primitives:create-library'>>(
      await dispatch(handlers, 'primitives:create-library', { networkId: project.networks[0].id, name: 'Grouped', jobIds: ids }),
    );
    expect(answer.pending).toBe(true);
    expect(answer.project.project.primitiveLibraries.some((l) => l.id === answer.libraryId)).toBe(false);
    const changesBefore = changes.length;
    for (const id of ids) expect((await jobs.whenFinished(id)).status).toBe('done');
    await vi.waitFor(() => expect(projects.project().primitiveLibraries.some((l) => l.id === answer.libraryId)).toBe(true), { timeout: 20_000 });
    // announced (project:changed), with the runs stored and the library's gains their best gains
    expect(changes.length).toBeGreaterThan(changesBefore);
    const now = projects.project();
    const record = now.primitiveLibraries.find((l) => l.id === answer.libraryId)!;
    expect(record.runIds).toEqual(ids);
    const runs = ids.map((id) => now.runs.find((r) => r.id === id)!);
    ids.forEach((id, k) => {
      const result = jobs.get(id).result!;
      if (result.kind !== 'training') throw new Error('not a training result');
      expect(Array.from(record.gains.data.subarray(k * N, (k + 1) * N))).toEqual(Array.from(result.sessions[result.bestSession].bestGains));
    });
    // one grouping shared by the runs, 4 groups
    const labels = runs[0].groupLabels!;
    expect(new Set(labels).size).toBe(4);
    expect(runs[1].groupLabels).toEqual(labels);

    // the refinement Refine starts: the library's groups, from the combined gains
    const fit = value<ResponseOf<'primitives:fit'>>(await dispatch(handlers, 'primitives:fit', { libraryId: answer.libraryId, target: { targetId: 'synthetic-novel' } }));
    const refine = value<{ jobId: string }>(await startGrouped('synthetic-novel', { groups: { kind: 'explicit', labels }, initialGains: fit.gains, trials: 3 }));
    const detail = await jobs.whenFinished(refine.jobId);
    expect(detail.status).toBe('done');
    const result = detail.result!;
    if (result.kind !== 'training') throw new Error('not a training result');
    // its first error is the error of the combination (the fit's output error, simulated independently)
    expectClose(result.initialError!, fit.outputError, { rtol: 1e-6 });
    expectClose(result.sessions[0].errorCurve[0], fit.outputError, { rtol: 1e-6 });
    expectClose(fit.outputError, normalisedError(referenceOutput(now, fit.gains), now.targets.find((t) => t.id === 'synthetic-novel')!.values, 1, 200), { rtol: 1e-6 });
    // leave the project as the other tests expect it
    await projects.update({ removePrimitiveLibraryIds: [answer.libraryId], removeRunIds: ids }, 'Tidy up');
  }, 120_000);

  it('one request starts the runs and registers the library (nothing left for a reloading renderer to do)', async () => {
    const training = (targetId: string) => groupedTraining(targetId);
    const jobsBefore = jobs.list().length;
    const answer = value<ResponseOf<'primitives:create-library'>>(
      await dispatch(handlers, 'primitives:create-library', { networkId: project.networks[0].id, name: 'Started by main', trainings: [training('gen-11'), training('gen-12')] }),
    );
    expect(answer.pending).toBe(true);
    expect(answer.startedJobIds).toHaveLength(2);
    expect(jobs.list().length).toBe(jobsBefore + 2);
    for (const id of answer.startedJobIds!) expect((await jobs.whenFinished(id)).status).toBe('done');
    await vi.waitFor(() => expect(projects.project().primitiveLibraries.some((l) => l.id === answer.libraryId)).toBe(true), { timeout: 20_000 });
    const record = projects.project().primitiveLibraries.find((l) => l.id === answer.libraryId)!;
    // patterns in the order of the trainings, each its run's best gains
    expect(record.runIds).toEqual(answer.startedJobIds);
    answer.startedJobIds!.forEach((id, k) => {
      const result = jobs.get(id).result!;
      if (result.kind !== 'training') throw new Error('not a training result');
      expect(Array.from(record.gains.data.subarray(k * N, (k + 1) * N))).toEqual(Array.from(result.sessions[result.bestSession].bestGains));
    });
    // a training on another network starts nothing
    const refused = await dispatch(handlers, 'primitives:create-library', {
      networkId: project.networks[0].id,
      name: 'Wrong',
      trainings: [{ ...training('gen-11'), source: { kind: 'project', networkId: 'another-network', targetIds: ['gen-11'] } }],
    });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.code).toBe('invalid-payload');
    expect(jobs.list().length).toBe(jobsBefore + 2);
    await projects.update({ removePrimitiveLibraryIds: [answer.libraryId], removeRunIds: answer.startedJobIds }, 'Tidy up');
  }, 120_000);

  it('a cancelled job: no library, and a message saying so', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const id = value<{ jobId: string }>(await startGrouped('gen-13', { trials: 100_000 })).jobId;
      const before = projects.project().primitiveLibraries.length;
      const answer = value<ResponseOf<'primitives:create-library'>>(
        await dispatch(handlers, 'primitives:create-library', { networkId: project.networks[0].id, name: 'Stopped', jobIds: [id] }),
      );
      expect(answer.pending).toBe(true);
      value(await dispatch(handlers, 'jobs:cancel', { jobId: id }));
      expect((await jobs.whenFinished(id)).status).toBe('cancelled');
      await vi.waitFor(() => expect(warn).toHaveBeenCalledWith(expect.stringMatching(/"Stopped": cancelled, no library was created/)), { timeout: 10_000 });
      expect(projects.project().primitiveLibraries).toHaveLength(before);
    } finally {
      warn.mockRestore();
    }
  }, 60_000);

  it('a failed job (starting gains that vary inside a group): no library, and the reason', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const gains = Float64Array.from({ length: N }, (_, i) => 1 + 0.01 * i);
      const id = value<{ jobId: string }>(await startGrouped('gen-13', { initialGains: gains })).jobId;
      const before = projects.project().primitiveLibraries.length;
      const answer = await dispatch(handlers, 'primitives:create-library', { networkId: project.networks[0].id, name: 'Broken', jobIds: [id] });
      // (the job may already have failed: then create-library refuses it at once)
      const detail = await jobs.whenFinished(id);
      expect(detail.status).toBe('failed');
      if (answer.ok) {
        expect((answer.value as ResponseOf<'primitives:create-library'>).pending).toBe(true);
        await vi.waitFor(() => expect(warn).toHaveBeenCalledWith(expect.stringMatching(/"Broken": run .* failed \(.*differ within modulatory group.*\); no library was created/)), { timeout: 10_000 });
      } else {
        expect(answer.error.message).toMatch(/is failed; a library takes finished training runs only/);
      }
      expect(projects.project().primitiveLibraries).toHaveLength(before);
    } finally {
      warn.mockRestore();
    }
  }, 60_000);

  it('refuses at once what could never become a library: an unknown network or job, a run named twice', async () => {
    const id = value<{ jobId: string }>(await startGrouped('gen-13', { trials: 100_000 })).jobId;
    try {
      expect(await dispatch(handlers, 'primitives:create-library', { networkId: 'nope', name: 'x', jobIds: [id] })).toMatchObject({ ok: false, error: { code: 'not-found' } });
      expect(await dispatch(handlers, 'primitives:create-library', { networkId: project.networks[0].id, name: 'x', jobIds: [id, id] })).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
      expect(await dispatch(handlers, 'primitives:create-library', { networkId: project.networks[0].id, name: 'x', jobIds: [id, 'no-such-job'] })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    } finally {
      jobs.cancel(id);
      await jobs.whenFinished(id);
    }
  }, 60_000);
});

describe('libraries in project updates', () => {
  it('a removed run leaves the library’s runIds; a removed library goes; a removed network takes its libraries', async () => {
    await projects.update({ removeRunIds: [jobIds[0]] }, 'Delete run');
    expect(projects.project().primitiveLibraries.find((l) => l.id === libraryId)!.runIds).toEqual(jobIds.slice(1));
    const library = [{ collection: 'primitiveLibraries', id: libraryId }];
    const removed = value<ProjectSummary>(await dispatch(handlers, 'project:remove-items', { items: library }));
    expect(removed.project.primitiveLibraries).toHaveLength(0);
    expect(await dispatch(handlers, 'project:remove-items', { items: library })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    const again = value<ResponseOf<'primitives:create-library'>>(
      await dispatch(handlers, 'primitives:create-library', { networkId: project.networks[0].id, name: 'Again', runIds: jobIds.slice(1) }),
    );
    expect(again.project.project.primitiveLibraries).toHaveLength(1);
    // a removed network takes its libraries (and its runs) with it
    const gone = value<ProjectSummary>(await dispatch(handlers, 'project:remove-items', { items: [{ collection: 'networks', id: project.networks[0].id }], withDependents: true }));
    expect(gone.project.primitiveLibraries).toHaveLength(0);
    expect(gone.project.runs).toHaveLength(0);
  });
});
