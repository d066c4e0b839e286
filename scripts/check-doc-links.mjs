#!/usr/bin/env node
/**
 * Documentation links, checked against the tree:
 *  1. Every file or folder path cited in a code comment (.ts, .mts, .js, .mjs, .vue, .css) or in a
 *     Markdown file exists in the repository. A path is resolved against the citing file's folder,
 *     then the repository root, then (for a path with a folder part, e.g. `speed/stretch.ts`) as
 *     the tail of some file's path; a bare file name (`rewardRule.ts`) must be the name of some
 *     file. Generated or external locations (build output, reports, the authors' published data
 *     in ../shared/reference, placeholders such as DIR/… or <stem>-W.npy) are not paths to check.
 *  2. Every "§N" (and "§N.M", and both ends of "§N–M") written anywhere in source code or
 *     documentation has a heading with that number in docs/METHODS.md, the methods document
 *     whose section numbers the code cites (as "model-spec §N").
 * Comments are found with the TypeScript parser (so a `//` inside a string or a regular
 * expression is not a comment); Markdown files are read whole.
 *
 * Usage: node scripts/check-doc-links.mjs [repoRoot]. Prints every dangling path and unresolved
 * section as file:line entries and exits 1, or prints a one-line OK and exits 0.
 * tests/docs/links.test.ts runs it on this repository and on small trees that must fail.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** Folders never scanned nor resolved against (dependencies, build output, reports). */
const SKIPPED_DIRS = new Set(['node_modules', 'out', 'dist', 'release', 'test-results', 'playwright-report', 'reports', 'coverage']);
const CODE_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs', '.vue', '.css'];
/** Top-level folders of the repository: a token starting with one of these and "/" is a path. */
const ROOTS = ['src-shared', 'src-main', 'src-cli', 'src-renderer', 'docs', 'scripts', 'tests', 'bench', 'e2e', 'assembly', 'resources'];
/** Extensions that make a token a file path. */
const PATH_EXTENSIONS = ['ts', 'mts', 'vue', 'mjs', 'js', 'md', 'css', 'json', 'html', 'yml', 'yaml', 'sh', 'wasm', 'png', 'svg'];
/** Bare file names (no folder) are checked only for these: other names are usually files a run writes. */
const BARE_NAME_EXTENSIONS = new Set(['ts', 'mts', 'vue', 'mjs', 'js', 'md', 'css', 'sh']);
/**
 * Locations that are not in the repository on purpose: build and test output, and the authors'
 * published data (read from ../shared/reference at test time, never copied into the repository).
 */
const EXTERNAL_PREFIXES = ['out/', 'node_modules/', 'dist/', 'release/', 'reports/', 'test-results/', 'playwright-report/', 'coverage/', '.bench/', '../shared/reference/', 'reference/stroud2018', '~/', '/tmp/', '/usr/', '/proc/', '/sys/', '/dev/'];
/** File names that stand for any name in an example (`NAME.sweep.json`). */
const PLACEHOLDER_NAMES = new Set(['NAME', 'FILE', 'STEM', 'DIR', 'OUT']);
/** Bare file names of build output or of other programs that comments name. */
const EXTERNAL_NAMES = new Set(['cli.js', 'electron.js', 'bench.js', 'gainlab.mjs']);

const PATH_PATTERN = new RegExp(
  String.raw`(?<![\w@/.\-$<>{}*])((?:\.{1,2}\/)*(?:[\w@][\w@.\-]*\/)*[\w][\w.\-]*\.(?:${PATH_EXTENSIONS.join('|')}))(?![\w/\-*<>{])`,
  'g',
);
const ROOT_DIR_PATTERN = new RegExp(String.raw`(?<![\w@/.\-$<>{}*])((?:${ROOTS.join('|')})\/(?:[\w.\-]+\/?)*)(?![\w/\-*<>{])`, 'g');
const SECTION_PATTERN = /§\s*(\d+(?:\.\d+)?)(?:\s*[–-]\s*(\d+(?:\.\d+)?))?/g;
const HEADING_PATTERN = /^#{1,4}\s+(?:§\s*)?(\d+(?:\.\d+)*)[.)]?\s/gm;

function walk(root, dir, out) {
  const abs = path.join(root, dir);
  if (!existsSync(abs)) return out;
  for (const entry of readdirSync(abs, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || SKIPPED_DIRS.has(entry.name)) continue;
    const rel = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      out.dirs.add(rel);
      walk(root, rel, out);
    } else out.files.add(rel);
  }
  return out;
}

function lineOf(text, index) {
  let line = 1;
  for (let i = 0; i < index && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Comments of a TypeScript/JavaScript text as { text, start } (start: offset into `text`). */
function scriptComments(text, fileName) {
  const kind = /\.(m?js)$/.test(fileName) ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, kind);
  const seen = new Map();
  const add = (ranges) => {
    for (const range of ranges ?? []) if (!seen.has(range.pos)) seen.set(range.pos, { text: text.slice(range.pos, range.end), start: range.pos });
  };
  const visit = (node) => {
    add(ts.getLeadingCommentRanges(text, node.pos));
    add(ts.getTrailingCommentRanges(text, node.end));
    for (const child of node.getChildren(source)) visit(child);
  };
  visit(source);
  // a file's first comment is leading trivia of its first token, which the walk visits; a
  // shebang line is not a comment
  return [...seen.values()];
}

/** Comments of a Vue single-file component: its script blocks, template and style comments. */
function vueComments(text, fileName) {
  const out = [];
  const blocks = /<(script|style)\b[^>]*>([\s\S]*?)<\/\1>/g;
  let rest = text;
  for (const match of text.matchAll(blocks)) {
    const bodyStart = match.index + match[0].indexOf('>') + 1;
    const body = match[2];
    if (match[1] === 'script') {
      for (const c of scriptComments(body, `${fileName}.ts`)) out.push({ text: c.text, start: bodyStart + c.start });
    } else {
      for (const c of body.matchAll(/\/\*[\s\S]*?\*\//g)) out.push({ text: c[0], start: bodyStart + c.index });
    }
    rest = rest.replace(match[0], ' '.repeat(match[0].length));
  }
  for (const c of rest.matchAll(/<!--[\s\S]*?-->/g)) out.push({ text: c[0], start: c.index });
  return out;
}

function commentsOf(text, file) {
  if (file.endsWith('.vue')) return vueComments(text, file);
  if (file.endsWith('.css')) return [...text.matchAll(/\/\*[\s\S]*?\*\//g)].map((c) => ({ text: c[0], start: c.index }));
  return scriptComments(text, file);
}

/** Is `candidate` a placeholder or an external location rather than a path to check? */
function notAPath(candidate) {
  if (EXTERNAL_PREFIXES.some((prefix) => candidate.startsWith(prefix))) return true;
  // placeholders: DIR/parts/…, S.sweeps/NAME.sweep.json, docs/screenshots/NAME.png
  const segments = candidate.replace(/^(\.{1,2}\/)+/, '').split('/');
  const stems = segments.map((segment) => segment.split('.')[0]);
  if (stems.slice(0, -1).some((stem) => /^[A-Z][A-Z0-9_]*$/.test(stem))) return true;
  return PLACEHOLDER_NAMES.has(stems[stems.length - 1]);
}

function createResolver(root, tree) {
  const files = [...tree.files];
  const isFile = (rel) => tree.files.has(rel);
  const isDir = (rel) => tree.dirs.has(rel.replace(/\/$/, ''));
  /** A cited name and the names it may stand for: a `.js` name in an import-style citation is the `.ts` source. */
  const variants = (p) => {
    const out = [p];
    if (p.endsWith('.js')) out.push(p.replace(/\.js$/, '.ts'), p.replace(/\.js$/, '.vue'), p.replace(/\.js$/, '.mts'));
    // a module named without its extension (src-main/worker/modelWorker)
    else if (!/\.[\w]+$/.test(p.slice(p.lastIndexOf('/') + 1))) out.push(...['.ts', '.mts', '.mjs', '.js', '.vue'].map((ext) => p + ext));
    return out;
  };
  const normal = (p) => path.posix.normalize(p);
  const baseNames = new Set(files.map((f) => f.slice(f.lastIndexOf('/') + 1)));
  return (candidate, fromFile) => {
    const cleaned = candidate.replace(/\/$/, '');
    const fromDir = path.posix.dirname(fromFile);
    const exists = (rel) => !rel.startsWith('..') && variants(rel).some((v) => isFile(v) || isDir(v));
    if (!cleaned.includes('/')) {
      const ext = cleaned.slice(cleaned.lastIndexOf('.') + 1);
      if (!BARE_NAME_EXTENSIONS.has(ext) || EXTERNAL_NAMES.has(cleaned)) return true;
      return variants(cleaned).some((v) => baseNames.has(v));
    }
    const fromHere = normal(path.posix.join(fromDir, cleaned));
    if (exists(fromHere) || exists(normal(cleaned))) return true;
    if (fromHere.startsWith('..')) return notAPath(fromHere);
    // a path written relative to some layer (speed/stretch.ts, kernels/layout.ts, or './rng.js' in
    // an example of src-shared/model): the tail of a file's or a folder's path
    const tail = cleaned.replace(/^(\.{1,2}\/)+/, '');
    return variants(tail).some((v) => files.some((f) => f.endsWith(`/${v}`)) || [...tree.dirs].some((d) => d.endsWith(`/${v}`)));
  };
}

function pathCandidates(text) {
  const out = [];
  for (const pattern of [PATH_PATTERN, ROOT_DIR_PATTERN]) {
    // a sentence may end right after a folder path: "… in src-shared/tasks."
    for (const match of text.matchAll(pattern)) out.push({ path: match[1].replace(/[.\-]+$/, ''), index: match.index });
  }
  return out;
}

/** Section numbers with a heading in a methods document's text. */
export function methodsHeadings(text) {
  const headings = new Set();
  for (const match of text.matchAll(HEADING_PATTERN)) headings.add(match[1]);
  return headings;
}

/**
 * Check the repository at `root`. Returns the dangling paths and the unresolved "§N" citations
 * (each with file and line) and the section numbers METHODS.md has.
 */
export function checkDocLinks(root) {
  const tree = walk(root, '', { files: new Set(), dirs: new Set() });
  const resolves = createResolver(root, tree);
  const methodsFile = 'docs/METHODS.md';
  const headings = tree.files.has(methodsFile) ? methodsHeadings(readFileSync(path.join(root, methodsFile), 'utf8')) : new Set();
  const dangling = [];
  const unresolvedSections = [];
  const sources = [...tree.files].filter((f) => f.endsWith('.md') || CODE_EXTENSIONS.some((ext) => f.endsWith(ext))).sort();
  for (const file of sources) {
    if (file.endsWith('.d.ts')) continue;
    const text = readFileSync(path.join(root, file), 'utf8');
    const markdown = file.endsWith('.md');
    const pieces = markdown ? [{ text, start: 0 }] : commentsOf(text, file);
    const reported = new Set();
    for (const piece of pieces) {
      for (const { path: candidate, index } of pathCandidates(piece.text)) {
        if (notAPath(candidate) || resolves(candidate, file)) continue;
        const line = lineOf(text, piece.start + index);
        const key = `${line}:${candidate}`;
        if (reported.has(key)) continue;
        reported.add(key);
        dangling.push({ file, line, path: candidate });
      }
    }
    // section citations count wherever they are written (comments, strings shown to the user, docs)
    if (file === methodsFile) continue;
    for (const match of text.matchAll(SECTION_PATTERN)) {
      for (const section of [match[1], match[2]]) {
        if (section !== undefined && !headings.has(section)) unresolvedSections.push({ file, line: lineOf(text, match.index), section: `§${section}` });
      }
    }
  }
  return { dangling, unresolvedSections, headings: [...headings] };
}

const invokedDirectly = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const root = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..'));
  const { dangling, unresolvedSections, headings } = checkDocLinks(root);
  for (const d of dangling) console.log(`${d.file}:${d.line}: cites ${d.path}, which does not exist`);
  for (const s of unresolvedSections) console.log(`${s.file}:${s.line}: cites ${s.section}, which has no heading in docs/METHODS.md`);
  if (dangling.length + unresolvedSections.length > 0) {
    console.log(`check-doc-links: ${dangling.length} dangling path(s), ${unresolvedSections.length} unresolved section citation(s)`);
    process.exit(1);
  }
  console.log(`check-doc-links: OK (every cited path exists; every § citation has one of the ${headings.length} headings of docs/METHODS.md)`);
}
