/**
 * Save As names a project nobody has named yet after its file, through main's handlers (web mode):
 * src-main/services/projectSession.ts (the placeholder check) and src-main/services/projects.ts
 * (ProjectService.saveAs with `rename`). A name the user gave stays; the save leaves the project
 * clean, the name is in the file (reopen), and undo still reverts the user's own edits only.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src-main/services/appServices.js';
import { sourceAppContext } from './fixtures/sourceAppContext.js';
import { handlerCalls } from './appContextHelpers.js';

let context: AppContext;
let projectsDir: string;
const { call } = handlerCalls(() => context);

beforeAll(() => {
  projectsDir = mkdtempSync(path.join(os.tmpdir(), 'gainlab-saveas-name-'));
  context = sourceAppContext({ configDir: mkdtempSync(path.join(os.tmpdir(), 'gainlab-saveas-name-config-')) });
});

afterAll(() => context.dispose());

describe('Save As and the project name', () => {
  it('names a never-named project after the file, clean, in the file, and undo keeps working on the notes only', async () => {
    const fresh = await call('project:new', {});
    expect(fresh.name).toBe('Untitled');
    await call('project:update', { notes: 'published network' });
    const file = path.join(projectsDir, 'fig1-fig6.gainlab');
    await call('project:saveAs', { path: file });
    const after = await call('project:current', {});
    expect(after.name).toBe('fig1-fig6');
    expect(after.dirty).toBe(false);
    expect(after.path).toBe(file);
    // the rename came with the save: it is no edit of its own to undo
    expect(after.undo).not.toBe('Rename the project');
    const undone = await call('project:undo', {});
    expect(undone.project.notes).toBe('');
    expect(undone.name).toBe('fig1-fig6');
    await call('project:new', {});
    expect((await call('project:open', { path: file })).name).toBe('fig1-fig6');
  });

  it('keeps a name the user gave', async () => {
    await call('project:new', {});
    await call('project:update', { name: 'Reaching study' });
    const file = path.join(projectsDir, 'copy-of-study.gainlab');
    await call('project:saveAs', { path: file });
    const after = await call('project:current', {});
    expect(after.name).toBe('Reaching study');
    expect(after.dirty).toBe(false);
    await call('project:new', {});
    expect((await call('project:open', { path: file })).name).toBe('Reaching study');
  });

  it('a second Save As of a project named by its first file keeps that name', async () => {
    await call('project:new', {});
    await call('project:saveAs', { path: path.join(projectsDir, 'first.gainlab') });
    await call('project:saveAs', { path: path.join(projectsDir, 'second.gainlab') });
    expect((await call('project:current', {})).name).toBe('first');
  });
});
