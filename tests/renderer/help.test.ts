/**
 * Issue 14, Help: the shortcut sheet names exactly the accelerators of Electron's File menu, the
 * Help menu reaches the three sections, the About box's citation is the paper's (authors, journal,
 * volume, pages, DOI) and GainLab's BibTeX carries the package's version; the guide walks the
 * workflow in order. The menu command travels through the contract to the renderer's help store.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createPinia, setActivePinia } from 'pinia';
import { describe, expect, it } from 'vitest';
import { CHANNELS, EVENTS, eventContract } from '../../src-shared/ipc/contract.js';
import { createEmptyProject } from '../../src-shared/project/schema.js';
import { menuTemplate, type MenuCommand } from '../../src-main/electron/menuTemplate.js';
import { GUIDE, gainlabBibtex, LICENCE, PAPER_BIBTEX, PAPER_CITATION, SHORTCUTS } from '../../src-renderer/lib/helpContent.js';
import { installTransport } from '../../src-renderer/stores/api.js';
import { useHelpStore } from '../../src-renderer/stores/help.js';
import { useProjectStore } from '../../src-renderer/stores/project.js';
import { FakeTransport, summaryOf } from './fakes.js';

const pkg = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string; license: string };

describe('help content', () => {
  it('lists every File-menu accelerator, the undo keys and `?`', () => {
    const file = menuTemplate(() => {}, false)[0];
    const accelerators = file.submenu!.filter((item) => item.accelerator).map((item) => item.accelerator);
    expect(SHORTCUTS.filter((s) => s.accelerator).map((s) => s.accelerator)).toEqual(accelerators);
    const keys = SHORTCUTS.map((s) => s.keys).join(' | ');
    for (const key of ['Ctrl+S', 'Ctrl+Shift+S', 'Ctrl+O', 'Ctrl+N', 'Ctrl+Z', 'Ctrl+Y', '?']) expect(keys).toContain(key);
  });

  it('cites the paper with its DOI and GainLab with the package version and licence', () => {
    expect(PAPER_CITATION).toMatch(/^Stroud, J\. P\., Porter, M\. A\., Hennequin, G\. & Vogels, T\. P\./);
    expect(PAPER_CITATION).toContain('Nature Neuroscience 21, 1774–1783 (2018)');
    expect(PAPER_CITATION).toContain('doi:10.1038/s41593-018-0276-0');
    expect(PAPER_BIBTEX).toMatch(/doi\s*=\s*\{10\.1038\/s41593-018-0276-0\}/);
    expect(PAPER_BIBTEX).toMatch(/pages\s*=\s*\{1774--1783\}/);
    const own = gainlabBibtex(pkg.version);
    expect(own).toContain(`version = {${pkg.version}}`);
    expect(own).toMatch(/^@software\{gainlab,/);
    // balanced braces: a BibTeX entry that parses
    for (const entry of [PAPER_BIBTEX, own]) expect(entry.split('{').length).toBe(entry.split('}').length);
    expect(LICENCE).toBe(pkg.license);
  });

  it('the guide walks network → target → train → analyse → primitives → speed, then the paper’s figures and sweeps', () => {
    expect(GUIDE.map((s) => s.id)).toEqual(['network', 'target', 'train', 'analyse', 'primitives', 'speed', 'experiments', 'sweeps']);
    // the targets step names the .npy import (the published novel_target.npy comes that way), not only CSV
    expect(GUIDE.find((s) => s.id === 'target')!.text).toContain('Import .npy');
    // every step's title is numbered in order
    expect(GUIDE.map((s) => s.title.split('.')[0])).toEqual(GUIDE.map((_, k) => String(k + 1)));
  });
});

describe('the Help menu', () => {
  it('sends guide, shortcuts and about; the contract carries them and the renderer opens that section', async () => {
    const commands: MenuCommand[] = [];
    const helpMenu = menuTemplate((c) => commands.push(c), false).find((m) => m.label === 'Help')!;
    for (const item of helpMenu.submenu!.filter((i) => i.click)) item.click!();
    expect(commands).toEqual(['guide', 'shortcuts', 'about']);
    for (const command of commands) expect(eventContract[EVENTS.menuCommand].safeParse({ command }).success).toBe(true);

    setActivePinia(createPinia());
    const transport = new FakeTransport();
    installTransport(transport);
    transport.answer(CHANNELS.projectCurrent, () => summaryOf(createEmptyProject('p', new Date(0), 'help-project')));
    await useProjectStore().init();
    const help = useHelpStore();
    expect(help.section).toBeNull();
    transport.emit(EVENTS.menuCommand, { command: 'about' });
    expect(help.section).toBe('about');
    transport.emit(EVENTS.menuCommand, { command: 'shortcuts' });
    expect(help.section).toBe('shortcuts');
  });
});
