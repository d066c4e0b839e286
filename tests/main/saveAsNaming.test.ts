/**
 * Save As names a project nobody has named yet after its file, through main's handlers (web mode):
 * src-main/services/projectSession.ts (the placeholder check) and src-main/services/projects.ts
 * (ProjectService.saveAs with `rename`). A name the user gave stays; the save leaves the project
 * clean, the name is in the file (reopen), and undo still reverts the user's own edits only.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src-main/services/appServices.js';
import { sourceAppContext } from './fixtures/sourceAppContext.js';
import { tempDir } from '../helpers/tempDirs.js';
import { handlerCalls } from './appContextHelpers.js';

let context: AppContext;
let projectsDir: string;
const { call } = handlerCalls(() => context);

beforeAll(() => {
  projectsDir = tempDir('saveas-name');
  context = sourceAppContext({ configDir: tempDir('saveas-name-config') });
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

describe('a project the user named "Untitled" on purpose', () => {
  it('keeps that name on Save As (the placeholder alone no longer decides)', async () => {
    await call('project:new', {});
    // the user types the name the new project already has: no change to the project, but a choice
    await call('project:update', { name: 'Untitled' });
    const file = path.join(projectsDir, 'untitled-on-purpose.gainlab');
    await call('project:saveAs', { path: file });
    expect((await call('project:current', {})).name).toBe('Untitled');
    await call('project:new', {});
    expect((await call('project:open', { path: file })).name).toBe('Untitled');
  });

  it('keeps it after renaming back to it, and a file named "Untitled" keeps its name on Save As', async () => {
    await call('project:new', {});
    await call('project:update', { name: 'Draft' });
    await call('project:update', { name: 'Untitled' });
    const first = path.join(projectsDir, 'renamed-back.gainlab');
    await call('project:saveAs', { path: first });
    expect((await call('project:current', {})).name).toBe('Untitled');
    // opened from its file, the name is the file's: a Save As elsewhere keeps it
    await call('project:new', {});
    await call('project:open', { path: first });
    await call('project:saveAs', { path: path.join(projectsDir, 'another-copy.gainlab') });
    expect((await call('project:current', {})).name).toBe('Untitled');
  });

  it('a new project after a named one takes its file name again', async () => {
    await call('project:new', {});
    await call('project:update', { name: 'Untitled' });
    await call('project:new', {});
    await call('project:saveAs', { path: path.join(projectsDir, 'fresh-start.gainlab') });
    expect((await call('project:current', {})).name).toBe('fresh-start');
  });
});
