/**
 * Issue 14, through main's handlers (web mode, no native dialogs): the file name proposed for a
 * project, renaming it and editing its notes as undoable project:update operations, and main's
 * request validation refusing a σ outside the shared range with the sentence the form shows.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Envelope, InvokeChannel, RequestOf, ResponseOf } from '../../src-shared/ipc/contract.js';
import type { AppContext } from '../../src-main/services/appServices.js';
import { sourceAppContext } from './fixtures/sourceAppContext.js';
import { tempDir } from '../helpers/tempDirs.js';
import { dispatch } from '../../src-main/services/handlers.js';
import { projectFileStem } from '../../src-shared/project/fileName.js';
import { rangeProblem, SETTING_RANGES } from '../../src-shared/settingsRanges.js';
import { syntheticNetwork, syntheticTarget } from './fixtures/syntheticModel.js';

let context: AppContext;
let projectsDir: string;
const savedDir = process.env.GAINLAB_PROJECTS_DIR;

async function call<C extends InvokeChannel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
  const envelope = (await dispatch(context.handlers, channel, request)) as Envelope<ResponseOf<C>>;
  if (!envelope.ok) throw new Error(`${channel}: ${envelope.error.code}: ${envelope.error.message}`);
  return envelope.value;
}

beforeAll(() => {
  projectsDir = tempDir('naming');
  process.env.GAINLAB_PROJECTS_DIR = projectsDir;
  context = sourceAppContext();
});

afterAll(() => {
  if (savedDir === undefined) delete process.env.GAINLAB_PROJECTS_DIR;
  else process.env.GAINLAB_PROJECTS_DIR = savedDir;
  return context.dispose();
});

describe('the file name proposed for a project', () => {
  it('drops punctuation instead of replacing it with underscores, and stays file-system safe', () => {
    expect(projectFileStem('Example: SOC network (N = 200) and generated movements')).toBe('Example SOC network N=200 and generated movements');
    expect(projectFileStem('a/b\\c:d*e?f"g<h>i|j')).toBe('a b c d e f g h i j');
    expect(projectFileStem('  trailing dots...  ')).toBe('trailing dots');
    expect(projectFileStem('CON')).toBe('CON project');
    expect(projectFileStem('')).toBe('Untitled');
    expect(projectFileStem('x'.repeat(300))).toHaveLength(100);
    for (const name of ['σ = 0.001, α = 0.3', 'Reach · grasp', 'Lauf über 5 T']) expect(projectFileStem(name)).not.toMatch(/[\\/:*?"<>|_]/);
  });

  it('project:suggestPath and project:export propose that name for the example project', async () => {
    const example = await call('example:load', {});
    expect(example.name).toBe('Example: SOC network (N = 200) and generated movements');
    const { path: suggested } = await call('project:suggestPath', {});
    expect(path.basename(suggested)).toBe('Example SOC network N=200 and generated movements.gainlab');
    expect(path.dirname(suggested)).toBe(projectsDir);
    expect((await call('project:export', {})).fileName).toBe('Example SOC network N=200 and generated movements.gainlab');
  });
});

describe('renaming a project and editing its notes', () => {
  it('are project:update operations with undo and redo, kept through save and reopen', async () => {
    await call('project:new', {});
    const renamed = await call('project:update', { name: 'Reaching study' });
    expect(renamed.name).toBe('Reaching study');
    expect(renamed.undo).toBe('Rename the project');
    const noted = await call('project:update', { notes: 'σ sweep for the grant' });
    expect(noted.project.notes).toBe('σ sweep for the grant');
    const undone = await call('project:undo', {});
    expect(undone.project.notes).toBe('');
    expect(undone.name).toBe('Reaching study');
    const back = await call('project:undo', {});
    expect(back.name).not.toBe('Reaching study');
    await call('project:redo', {});
    await call('project:redo', {});
    const file = path.join(projectsDir, 'renamed.gainlab');
    await call('project:saveAs', { path: file });
    await call('project:new', {});
    const reopened = await call('project:open', { path: file });
    expect(reopened.name).toBe('Reaching study');
    expect(reopened.project.notes).toBe('σ sweep for the grant');
  });
});

describe("main's request validation uses the shared ranges", () => {
  it('refuses σ = 1e300 with the sentence the form and the CLI use', async () => {
    const network = syntheticNetwork();
    const target = syntheticTarget(network);
    const envelope = await dispatch(context.handlers, 'jobs:start-training', {
      source: { kind: 'inline', network, targets: [{ id: 't', name: 'T', channels: 1, nSamples: target.nSamples, duration: target.duration, values: target.values }] },
      rule: 'reward',
      trials: 10,
      sigma: 1e300,
      groups: { kind: 'neuron' },
      seed: 1,
    });
    expect(envelope.ok).toBe(false);
    const error = (envelope as { ok: false; error: { code: string; message: string } }).error;
    expect(error.code).toBe('invalid-payload');
    expect(error.message).toContain(rangeProblem(SETTING_RANGES.sigma, 1e300)!);
  });
});
