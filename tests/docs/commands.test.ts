/**
 * The commands the documentation tells a reader to type exist as written:
 *  - every `gainlab COMMAND [SUBCOMMAND] … --option` in the Markdown files and in the renderer's
 *    texts names a command (and a `gainlab sweep` subcommand) of the CLI, and every option after it
 *    is one that command's `--help` lists (the help is generated from the option table the parser
 *    reads, so a listed option is an accepted one);
 *  - every `npm run SCRIPT` (and `npm start` / `npm test`) names a script of package.json, and the
 *    README states the two set-up commands exactly;
 *  - the Layout table of docs/ARCHITECTURE.md has a row for every folder of src-shared/ and
 *    src-main/ (scripts/check-doc-links.mjs already fails on a row naming a folder that is gone).
 * Each check also runs on a small made-up text that must fail, so it is known to bite.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src-cli/gainlab.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const read = (rel: string) => readFileSync(path.join(repoRoot, rel), 'utf8');

/** Markdown files of the repository (no dependencies or build output). */
function markdownFiles(dir = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(repoRoot, dir), { withFileTypes: true })) {
    if (entry.name.startsWith('.') || ['node_modules', 'out', 'reports', 'test-results', 'playwright-report'].includes(entry.name)) continue;
    const rel = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...markdownFiles(rel));
    else if (entry.name.endsWith('.md')) out.push(rel);
  }
  return out;
}

/** Renderer files that quote commands to the user (help, experiment and sweep views). */
function rendererFiles(dir = 'src-renderer'): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(repoRoot, dir), { withFileTypes: true })) {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) out.push(...rendererFiles(rel));
    else if (/\.(vue|ts)$/.test(entry.name)) out.push(rel);
  }
  return out;
}

/**
 * The pieces of text that are code: in Markdown the lines of fenced blocks (without a trailing
 * `# comment`) and inline code spans; elsewhere `<code>` elements and backtick spans.
 */
function codePieces(text: string, markdown: boolean): string[] {
  const pieces: string[] = [];
  if (markdown) {
    let rest = text.replace(/^\s*```[^\n]*\n([\s\S]*?)^\s*```/gm, (_whole, body: string) => {
      for (const line of body.split('\n')) pieces.push(line.replace(/\s#\s.*$/, ''));
      return '';
    });
    rest = rest.replace(/`([^`\n]+)`/g, (_whole, code: string) => {
      pieces.push(code);
      return '';
    });
  } else {
    for (const m of text.matchAll(/<code>([^<]+)<\/code>/g)) pieces.push(m[1]);
    for (const m of text.matchAll(/`([^`\n]+)`/g)) pieces.push(m[1]);
  }
  return pieces;
}

interface CommandUse {
  command: string;
  /** `gainlab sweep`'s subcommand, if one is named. */
  sub?: string;
  options: string[];
  text: string;
}

const INVOCATION = /(?:(?<![\w./-])gainlab|gainlab\.mjs|out\/main\/cli\.js|src-cli\/gainlab\.ts)\s+([a-z][\w-]*(?:\|[a-z][\w-]*)*)((?:\s+(?:[a-z][\w-]*(?:\|[a-z][\w-]*)*))?)/;

/** Every `gainlab …` invocation written in a piece of code, one use per alternative of `a|b`. */
function commandUses(piece: string): CommandUse[] {
  // prose often drops the program name: `sweep slurm --together`
  const match = INVOCATION.exec(/^\s*sweep\s+[a-z]/.test(piece) ? `gainlab ${piece}` : piece);
  if (!match) return [];
  const after = match.input.slice(match.index + match[0].length);
  const options = [...after.matchAll(/(?<![\w-])--[a-z][\w-]*/g)].map((m) => m[0]);
  const uses: CommandUse[] = [];
  for (const command of match[1].split('|')) {
    const subs = command === 'sweep' && match[2].trim() ? match[2].trim().split('|') : [undefined];
    for (const sub of subs) uses.push({ command, sub, options: command === 'sweep' && !sub ? [] : options, text: piece.trim() });
  }
  return uses;
}

async function helpOf(argv: string[]): Promise<{ code: number; text: string }> {
  let text = '';
  const sink = { write: (t: string) => (text += t) };
  const code = await main([...argv, '--help'], { stdout: sink, stderr: sink });
  return { code, text };
}

/** Problems with the uses: unknown commands, subcommands or options. */
async function checkUses(uses: { where: string; use: CommandUse }[]): Promise<string[]> {
  const problems: string[] = [];
  const helps = new Map<string, { code: number; text: string }>();
  for (const { where, use } of uses) {
    const argv = use.sub ? [use.command, use.sub] : [use.command];
    const key = argv.join(' ');
    if (!helps.has(key)) helps.set(key, await helpOf(argv));
    const help = helps.get(key)!;
    if (help.code !== 0) {
      problems.push(`${where}: \`gainlab ${key}\` is not a command (${use.text})`);
      continue;
    }
    for (const option of use.options) {
      const listed = new RegExp(`(^|[\\s\\[|(])${option}(?![\\w-])`, 'm').test(help.text);
      if (!listed) problems.push(`${where}: \`gainlab ${key}\` has no option ${option} (${use.text})`);
    }
  }
  return problems;
}

function usesIn(file: string, text: string): { where: string; use: CommandUse }[] {
  const markdown = file.endsWith('.md');
  return codePieces(text, markdown).flatMap((piece) => commandUses(piece).map((use) => ({ where: file, use })));
}

describe('gainlab commands quoted in the documentation', () => {
  let allUses: { where: string; use: CommandUse }[] = [];
  beforeAll(() => {
    const files = [...markdownFiles(), ...rendererFiles()];
    allUses = files.flatMap((file) => usesIn(file, read(file)));
  });

  it('finds the quoted commands (README, ARCHITECTURE, reproduction notes, the app)', () => {
    const commands = new Set(allUses.map(({ use }) => use.command));
    for (const name of ['soc', 'fit-readout', 'simulate', 'train', 'run', 'experiment', 'reproduce', 'sweep', 'inspect']) expect(commands, name).toContain(name);
    expect(allUses.length).toBeGreaterThan(30);
  });

  it('names only commands, subcommands and options the CLI accepts', async () => {
    expect(await checkUses(allUses)).toEqual([]);
  });

  it('bites: a made-up command, subcommand or option is reported', async () => {
    const text = [
      'Run `gainlab simulate --net DIR --out DIR --speed 3` and `gainlab teleport --now`.',
      '```sh',
      'node gainlab.mjs sweep launch plan.json   # no such subcommand',
      'gainlab sweep run FILE --out DIR --jobs 2 --turbo',
      '```',
      'With `sweep slurm --together --fast` …',
    ].join('\n');
    const problems = await checkUses(usesIn('MADE-UP.md', text));
    expect(problems).toHaveLength(5);
    expect(problems.join('\n')).toContain('`gainlab sweep slurm` has no option --fast');
    expect(problems.join('\n')).toContain('`gainlab simulate` has no option --speed');
    expect(problems.join('\n')).toContain('`gainlab teleport` is not a command');
    expect(problems.join('\n')).toContain('`gainlab sweep launch` is not a command');
    expect(problems.join('\n')).toContain('`gainlab sweep run` has no option --turbo');
  });
});

describe('npm scripts named in the documentation', () => {
  const scripts = Object.keys((JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts);

  function npmProblems(file: string, text: string): string[] {
    const problems: string[] = [];
    for (const piece of codePieces(text, true)) {
      for (const m of piece.matchAll(/\bnpm\s+(run\s+([\w:-]+)|start|test)\b/g)) {
        const script = m[2] ?? m[1];
        if (!scripts.includes(script)) problems.push(`${file}: npm script '${script}' is not in package.json (${piece.trim()})`);
      }
    }
    return problems;
  }

  it('every npm run SCRIPT, npm start and npm test in a Markdown file is a script of package.json', () => {
    expect(markdownFiles().flatMap((file) => npmProblems(file, read(file)))).toEqual([]);
  });

  it('bites: a script that does not exist is reported', () => {
    expect(npmProblems('MADE-UP.md', 'Run `npm run deploy` then `npm test`.')).toEqual([`MADE-UP.md: npm script 'deploy' is not in package.json (npm run deploy)`]);
  });

  it('the README gives the two set-up commands exactly: install and start, install and run every test', () => {
    const readme = read('README.md');
    expect(readme).toContain('```sh\nnpm install && npm start\n```');
    expect(readme).toContain('```sh\nnpm install && npm test\n```');
    // CI runs the README's test command (with quieter install flags)
    expect(read('.ci/run')).toMatch(/^npm install\b[^\n]*&& npm test$/m);
  });
});

describe('docs/ARCHITECTURE.md layout table', () => {
  function layoutProblems(architecture: string, roots: string[]): string[] {
    const layout = architecture.slice(architecture.indexOf('## Layout'), architecture.indexOf('\n## ', architecture.indexOf('## Layout') + 1));
    const named = new Set([...layout.matchAll(/^\| `([^`]+)`/gm)].map((m) => m[1].replace(/\/$/, '')));
    const problems: string[] = [];
    for (const root of roots) {
      for (const entry of readdirSync(path.join(repoRoot, root), { withFileTypes: true })) {
        if (entry.isDirectory() && !named.has(`${root}/${entry.name}`)) problems.push(`${root}/${entry.name}/ has no row`);
      }
    }
    return problems;
  }

  it('has a row for every folder of src-shared/ and src-main/', () => {
    expect(layoutProblems(read('docs/ARCHITECTURE.md'), ['src-shared', 'src-main'])).toEqual([]);
  });

  it('bites: a folder without a row is reported', () => {
    const problems = layoutProblems('## Layout\n| `src-shared/model/` | the model | — |\n\n## Next\n', ['src-shared']);
    expect(problems).toContain('src-shared/tasks/ has no row');
    expect(problems).not.toContain('src-shared/model/ has no row');
  });
});
