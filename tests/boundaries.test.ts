import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileTree, runScript } from './helpers/scriptTree.js';

const script = path.resolve(import.meta.dirname, '../scripts/check-boundaries.mjs');
const repoRoot = path.resolve(import.meta.dirname, '..');

const run = (root: string) => runScript(script, root);
const tree = (files: Record<string, string>) => fileTree('boundaries', files);

describe('scripts/check-boundaries.mjs', () => {
  it('passes on this repository', () => {
    const { status, output } = run(repoRoot);
    expect(output).toMatch(/OK/);
    expect(status).toBe(0);
  });

  it('passes on a clean tree (comments and strings that mention forbidden things do not count)', () => {
    const root = tree({
      'src-shared/model/a.ts': "// import fs from 'node:fs'; window.alert()\nexport const text = 'document.title and window.open';\nexport const x = 1;\n",
      'src-renderer/main.ts': "import { x } from '../src-shared/model/a.js';\nconsole.log(window.location, x);\n",
      'src-shared/tasks/t.ts': "import { x } from '../model/a.js';\nexport const task = () => x;\n",
      'src-main/worker/w.ts': "import { task } from '../../src-shared/tasks/t.js';\nimport { readFile } from 'node:fs';\nexport default task;\n",
      'src-main/electron/main.ts': "import { app } from 'electron';\n",
    });
    expect(run(root)).toMatchObject({ status: 0 });
  });

  it('refuses a worker that reaches past the tasks into the model (rule 4)', () => {
    const root = tree({
      'src-shared/model/sim.ts': 'export const simulate = () => 1;\n',
      'src-main/worker/w.ts': "import { simulate } from '../../src-shared/model/sim.js';\nexport default simulate;\n",
    });
    const { status, output } = run(root);
    expect(status).toBe(1);
    expect(output).toContain("src-main/worker/w.ts:1: worker files run tasks (src-shared/tasks), not 'src-shared/model/sim.ts' directly");
  });

  it('refuses an import cycle and names its files once (rule 5)', () => {
    const root = tree({
      'src-shared/model/a.ts': "import { b } from './b.js';\nexport const a = () => b;\n",
      'src-shared/model/b.ts': "import { a } from './a.js';\nexport const b = () => a;\n",
    });
    const { status, output } = run(root);
    expect(status).toBe(1);
    expect(output).toMatch(/src-shared\/model\/a\.ts.*src-shared\/model\/b\.ts|src-shared\/model\/b\.ts.*src-shared\/model\/a\.ts/);
    expect(output.match(/cycle/gi)?.length).toBe(1);
  });

  it('reports each kind of violation with file:line and exits 1', () => {
    const root = tree({
      'src-shared/model/bad.ts': "export const a = 1;\nimport { readFileSync } from 'node:fs';\nimport os from 'os';\nconst el = document.createElement('div');\nimport { ipcRenderer } from 'electron';\n",
      'src-renderer/views/View.vue': "<script setup lang=\"ts\">\nimport { x } from '../../src-main/services/jobManager.js';\n</script>\n",
      'src-main/worker/modelWorker.ts': "import os from 'node:os';\nimport { helper } from './helper.js';\nexport default helper;\n",
      'src-main/worker/helper.ts': "import { sendStatus } from '../electron/status.js';\nexport const helper = sendStatus;\n",
      'src-main/electron/status.ts': "import { BrowserWindow } from 'electron';\nexport const sendStatus = () => BrowserWindow.getAllWindows();\n",
      'src-main/services/typesOnly.ts': "import type { BrowserWindow } from 'electron';\nexport type W = BrowserWindow;\n",
    });
    const { status, output } = run(root);
    expect(status).toBe(1);
    expect(output).toContain("src-shared/model/bad.ts:2: src-shared must not import Node modules ('node:fs')");
    expect(output).toContain("src-shared/model/bad.ts:3: src-shared must not import Node modules ('os')");
    expect(output).toContain("src-shared/model/bad.ts:4: src-shared must not use the DOM global 'document'");
    expect(output).toContain("src-shared/model/bad.ts:5: src-shared must not import electron ('electron')");
    expect(output).toContain('src-renderer/views/View.vue:2: src-renderer must not import src-main');
    // the worker reaches electron through two local files
    expect(output).toMatch(/src-main\/worker\/modelWorker\.ts:2: src-main\/worker must not import electron \(through src-main\/worker\/modelWorker\.ts → src-main\/worker\/helper\.ts → src-main\/electron\/status\.ts\)/);
    expect(output).toMatch(/src-main\/worker\/helper\.ts:1: src-main\/worker must not import electron/);
    // a type-only import is erased at build time and allowed
    expect(output).not.toContain('typesOnly.ts');
  });
});
