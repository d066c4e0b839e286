/**
 * A speed manifold kept in its project records when its job ran, so the runs browser's Time and
 * Finished columns are filled (they showed – for every manifold): src-main/services/jobResults.ts
 * (speedManifoldFromJob), src-shared/project/speedManifoldRecord.ts (the file's JSON form),
 * src-shared/project/schema.ts, src-renderer/components/runs/runRows.ts (the rows). Through main's
 * handlers on the real worker: the times are the job's own (jobs:get), survive save → reopen, and a
 * manifold from a file written before they were recorded still opens, with – (null) for both.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src-main/services/appServices.js';
import { sourceAppContext } from './fixtures/sourceAppContext.js';
import { tempDir } from '../helpers/tempDirs.js';
import { handlerCalls } from './appContextHelpers.js';
import { createProjectViewer } from '../../src-shared/project/view.js';
import { projectRows } from '../../src-renderer/components/runs/runRows.js';
import { speedManifoldFromJson, speedManifoldToJson } from '../../src-shared/project/speedManifoldRecord.js';
import { speedManifoldJsonSchema } from '../../src-shared/project/schema.js';

let context: AppContext;
let workDir: string;
const { call, freshProject } = handlerCalls(() => context);

beforeAll(() => {
  workDir = tempDir('speed-times');
  context = sourceAppContext({ configDir: tempDir('speed-times-config') });
});

afterAll(() => context.dispose());

describe('a speed manifold’s times', () => {
  it('are the job’s start and finish, kept through save and reopen, and fill the runs table’s Time and Finished', { timeout: 120_000 }, async () => {
    await freshProject({ initialConditions: 2 });
    const { jobId } = await call('jobs:start-speed', { networkId: 'net', initialConditions: 2, speeds: 3, maxFactor: 2, rule: 'gradient', trials: 5, groups: { kind: 'neuron' }, seed: 3 });
    await context.jobs.whenFinished(jobId);
    const job = await call('jobs:get', { jobId });
    expect(job.startedAt).not.toBeNull();
    expect(job.finishedAt).not.toBeNull();
    const kept = context.services.projects.project().speedManifolds.find((m) => m.id === jobId)!;
    expect(kept.startedAt).toBe(new Date(job.startedAt!).toISOString());
    expect(kept.finishedAt).toBe(new Date(job.finishedAt!).toISOString());

    const file = path.join(workDir, 'timed manifold.gainlab');
    await call('project:saveAs', { path: file });
    await call('project:new', {});
    await call('project:open', { path: file });
    const reopened = context.services.projects.project();
    const row = projectRows(createProjectViewer()(reopened)).find((r) => r.id === jobId)!;
    expect(row.kind).toBe('speed');
    expect(row.durationMs).toBe(job.finishedAt! - job.startedAt!);
    expect(row.date).toBe(new Date(job.finishedAt!).toISOString());

    // a manifold written before the times were recorded (its JSON has neither field) opens with none
    const json = speedManifoldToJson(kept, 0, reopened, (where, array) => ({ path: `arrays/${where}.npy`, shape: [...array.shape] }));
    const { startedAt: _s, finishedAt: _f, ...older } = json;
    const parsed = speedManifoldJsonSchema.parse(older);
    const old = speedManifoldFromJson(parsed, () => kept.gains);
    expect(old.startedAt ?? null).toBeNull();
    const oldRow = projectRows(createProjectViewer()({ ...reopened, speedManifolds: [old] })).find((r) => r.id === jobId)!;
    expect(oldRow.durationMs).toBeNull();
    expect(oldRow.date).toBe('');
  });
});
