/**
 * Documentation links (scripts/check-doc-links.mjs): every path a comment or a Markdown file cites
 * exists, and every "§N" the code cites has a heading in docs/METHODS.md. Run on this repository
 * (must pass) and on small trees that must fail, so the check itself is known to bite. Also: the
 * registry of GainLab definitions (src-shared/definitions.ts) and METHODS.md's index and sections
 * name the same definitions with the same sections.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFINITIONS, DEFINITION_IDS } from '../../src-shared/definitions.js';
import { fileTree, runScript } from '../helpers/scriptTree.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const script = path.join(repoRoot, 'scripts/check-doc-links.mjs');

const run = (root: string) => runScript(script, root);
const tree = (files: Record<string, string>) => fileTree('doclinks', files);

// The test trees' section signs are written \u00a7 so that they are not citations of this file.
const METHODS = '# Methods\n\n## 1. Dynamics\n\ntext\n\n## 2. Readout\n\n### 2.1 Fit\n\n## 3. Initial conditions\n';

describe('scripts/check-doc-links.mjs', () => {
  it('passes on this repository: no dangling path, every § citation has a METHODS.md heading', () => {
    const { status, output } = run(repoRoot);
    expect(output).toMatch(/check-doc-links: OK/);
    expect(status).toBe(0);
  });

  it('passes on a clean tree (paths that exist, relative or by layer; paths in strings and external data do not count)', () => {
    const root = tree({
      'docs/METHODS.md': METHODS,
      'src-shared/model/rng.ts': 'export const x = 1;\n',
      'src-shared/model/dynamics.ts': [
        '/** Uses ./rng.js and src-shared/model/rng.ts (model-spec \u00a71, \u00a72.1, \u00a71–3). */',
        "export const url = 'http://example.org/docs/missing.md'; // strings are not comments",
        "export const re = /\\/\\/ src-shared\\/gone.ts/; // a regex with slashes is code too",
        '// data lives in ../shared/reference/stroud2018/W.npy; output in out/main/cli.js',
        '',
      ].join('\n'),
      'src-shared/speed/speed.ts': '// see model/rng.ts and dynamics.ts, the folder src-shared/model/; words such as tests and docs are not paths\nexport {};\n',
      'README.md': 'See `docs/METHODS.md` \u00a73 and [the model](src-shared/model/dynamics.ts); example DIR/claims.json.\n',
    });
    const { status, output } = run(root);
    expect(output).toMatch(/OK/);
    expect(status).toBe(0);
  });

  it('fails on a comment citing a file that does not exist, naming file and line', () => {
    const root = tree({
      'docs/METHODS.md': METHODS,
      'src-shared/model/a.ts': 'export const a = 1;\n',
      'src-main/worker/b.ts': "// the task lives in\n// worker/speedTask.ts and model/npy.ts\nexport const b = 'docs/fine-in-a-string.md'; /* see src-shared/gone/ */\n",
    });
    const { status, output } = run(root);
    expect(status).toBe(1);
    expect(output).toContain('src-main/worker/b.ts:2: cites worker/speedTask.ts');
    expect(output).toContain('src-main/worker/b.ts:2: cites model/npy.ts');
    expect(output).toContain('src-main/worker/b.ts:3: cites src-shared/gone/');
    expect(output).not.toContain('fine-in-a-string');
  });

  it('fails on a Markdown file citing a path outside the repository or a removed file', () => {
    const root = tree({
      'docs/METHODS.md': METHODS,
      'docs/ARCHITECTURE.md': 'Read `../shared/docs/model-spec.md`; the worker rows: `experimentTask.ts`.\n',
    });
    const { status, output } = run(root);
    expect(status).toBe(1);
    expect(output).toContain('docs/ARCHITECTURE.md:1: cites ../shared/docs/model-spec.md');
    expect(output).toContain('docs/ARCHITECTURE.md:1: cites experimentTask.ts');
  });

  it('fails on a "§N" in code without a heading in METHODS.md (also the end of a range, also in strings)', () => {
    const root = tree({
      'docs/METHODS.md': METHODS,
      'src-shared/a.ts': "/** model-spec \u00a72 and \u00a73–4 */\nexport const label = 'see model-spec \u00a712';\n",
    });
    const { status, output } = run(root);
    expect(status).toBe(1);
    expect(output).toContain('src-shared/a.ts:1: cites \u00a74, which has no heading');
    expect(output).toContain('src-shared/a.ts:2: cites \u00a712, which has no heading');
    expect(output).not.toContain('cites \u00a72,');
    expect(output).not.toContain('cites \u00a73,');
  });

  it('fails on every § citation when METHODS.md is missing', () => {
    const root = tree({ 'src-shared/a.ts': '// model-spec \u00a71\nexport {};\n' });
    const { status, output } = run(root);
    expect(status).toBe(1);
    expect(output).toContain('src-shared/a.ts:1: cites \u00a71, which has no heading in docs/METHODS.md');
  });
});

describe('docs/METHODS.md and the registry of GainLab definitions', () => {
  const methods = readFileSync(path.join(repoRoot, 'docs/METHODS.md'), 'utf8');

  /** Body text of each numbered top-level section ("## N. Title"), and of the other "## " sections by title. */
  function sections(): Map<string, string> {
    const out = new Map<string, string>();
    const parts = methods.split(/^## /m).slice(1);
    for (const part of parts) {
      const title = part.slice(0, part.indexOf('\n'));
      const numbered = /^(\d+)\.\s/.exec(title);
      out.set(numbered ? `§${numbered[1]}` : title, part);
    }
    return out;
  }

  /** The index table: id → section text as written. */
  function indexTable(): Map<string, string> {
    const index = methods.slice(methods.indexOf('## Index of GainLab definitions'));
    const rows = new Map<string, string>();
    for (const match of index.matchAll(/^\| `([\w-]+)` \| [^|]+ \| ([^|]+) \|$/gm)) rows.set(match[1], match[2].trim());
    return rows;
  }

  it('numbers sections 1–11 in order, as the code cites them', () => {
    const numbers = [...methods.matchAll(/^## (\d+)\. /gm)].map((m) => Number(m[1]));
    expect(numbers).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('the index lists every registry entry with the same section, and nothing else', () => {
    const rows = indexTable();
    expect([...rows.keys()].sort()).toEqual([...DEFINITION_IDS].sort());
    for (const id of DEFINITION_IDS) expect(rows.get(id), id).toBe(DEFINITIONS[id].section);
  });

  it('every definition is described in (one of) the section(s) the registry names', () => {
    const bySection = sections();
    for (const id of DEFINITION_IDS) {
      const named = DEFINITIONS[id].section.split(',').map((s) => s.trim());
      const bodies = named.map((section) => (section === 'report' ? [...bySection.entries()].find(([title]) => /report/i.test(title))?.[1] : bySection.get(section)));
      expect(bodies.every((body) => body !== undefined), `${id}: section ${DEFINITIONS[id].section} exists`).toBe(true);
      expect(bodies.some((body) => body!.includes(`\`${id}\``)), `${id} is described under ${DEFINITIONS[id].section}`).toBe(true);
    }
  });

  it('every definition id METHODS.md names exists in the registry', () => {
    const cited = new Set([...methods.matchAll(/GainLab definition `([\w-]+)`/g)].map((m) => m[1]));
    expect(cited.size).toBeGreaterThan(10);
    for (const id of cited) expect(DEFINITION_IDS as string[], id).toContain(id);
  });
});
