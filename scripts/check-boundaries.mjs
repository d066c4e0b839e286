#!/usr/bin/env node
/**
 * Architecture boundaries (docs/ARCHITECTURE.md), checked on the import graph:
 *  1. src-shared imports no electron, no node: or Node builtin module, and uses no DOM globals
 *     (window, document): it runs in workers, the CLI and the browser alike.
 *  2. src-renderer never imports src-main (it talks to main only through the IPC contract).
 *  3. src-main/worker, src-main/services, src-main/web and src-cli never reach electron, neither
 *     directly nor through the local files they import (followed transitively), so they run in
 *     plain Node (worker threads, the web server, the CLI, tests).
 *  4. Worker files run tasks: from src-shared they import src-shared/tasks (and types of the IPC
 *     contract), never a learning rule, a simulator or an analysis directly — the science lives once,
 *     in the tasks every host runs.
 *  5. No import cycles among the source files (type-only imports included: a cycle of types is
 *     a sign two modules should be one, or a third should hold what both need).
 * Usage: node scripts/check-boundaries.mjs [repoRoot]. Prints offending file:line entries and
 * exits 1, or prints a one-line OK and exits 0.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..'));
const SOURCE_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs', '.vue'];
const builtins = new Set(builtinModules.flatMap((m) => [m, m.split('/')[0]]));

function listFiles(dir) {
  const abs = path.join(root, dir);
  if (!existsSync(abs)) return [];
  const out = [];
  for (const entry of readdirSync(abs, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(rel));
    else if (SOURCE_EXTENSIONS.some((ext) => entry.name.endsWith(ext)) && !entry.name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

/**
 * Blank out comments (and, with blankStrings, string/template contents) keeping line structure,
 * so regexes see only code and line numbers stay right.
 */
function stripCode(text, blankStrings) {
  let out = '';
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    const next = text[i + 1];
    if (c === '/' && next === '/') {
      while (i < n && text[i] !== '\n') i++;
    } else if (c === '/' && next === '*') {
      i += 2;
      while (i < n && !(text[i] === '*' && text[i + 1] === '/')) {
        out += text[i] === '\n' ? '\n' : ' ';
        i++;
      }
      i += 2;
    } else if (c === '"' || c === "'" || c === '`') {
      const quote = c;
      out += c;
      i++;
      while (i < n && text[i] !== quote) {
        if (text[i] === '\\') {
          out += blankStrings ? '  ' : text.slice(i, i + 2);
          i += 2;
          continue;
        }
        out += text[i] === '\n' ? '\n' : blankStrings ? ' ' : text[i];
        i++;
      }
      out += quote;
      i++;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

const IMPORT_PATTERNS = [
  /\bimport\s+(?:type\s+)?[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g,
  /\bexport\s+(?:type\s+)?[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g,
  /\bimport\s*['"]([^'"]+)['"]/g,
  /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
];

const importCache = new Map();
/** [{ specifier, line, typeOnly }] of one file. */
function importsOf(rel) {
  if (importCache.has(rel)) return importCache.get(rel);
  const code = stripCode(readFileSync(path.join(root, rel), 'utf8'), false);
  const found = [];
  for (const pattern of IMPORT_PATTERNS) {
    for (const match of code.matchAll(pattern)) {
      const line = code.slice(0, match.index).split('\n').length;
      const typeOnly = /^(import|export)\s+type\b/.test(match[0]);
      found.push({ specifier: match[1], line, typeOnly });
    }
  }
  importCache.set(rel, found);
  return found;
}

/** The repo-relative file a relative specifier points to (.js → .ts as TypeScript resolves), or null. */
function resolveLocal(fromRel, specifier) {
  if (!specifier.startsWith('.')) return null;
  const base = path.normalize(path.join(path.dirname(fromRel), specifier));
  const candidates = [base, base.replace(/\.js$/, '.ts'), base.replace(/\.mjs$/, '.mts'), `${base}.ts`, `${base}.js`, path.join(base, 'index.ts')];
  for (const candidate of candidates) {
    const abs = path.join(root, candidate);
    if (existsSync(abs) && statSync(abs).isFile()) return candidate;
  }
  return null;
}

const isElectron = (s) => s === 'electron' || s.startsWith('electron/');
const isNodeBuiltin = (s) => s.startsWith('node:') || builtins.has(s.split('/')[0]);
const problems = [];
const report = (file, line, message) => problems.push(`${file.split(path.sep).join('/')}:${line}: ${message}`);

// 1. src-shared: no electron, no node builtins, no DOM globals
for (const file of listFiles('src-shared')) {
  for (const { specifier, line } of importsOf(file)) {
    if (isElectron(specifier)) report(file, line, `src-shared must not import electron ('${specifier}')`);
    else if (isNodeBuiltin(specifier)) report(file, line, `src-shared must not import Node modules ('${specifier}')`);
  }
  const code = stripCode(readFileSync(path.join(root, file), 'utf8'), true);
  code.split('\n').forEach((text, index) => {
    const match = text.match(/(?<![.\w$])(window|document)(?=\s*[.[(]|\s*\?\.)/) ?? text.match(/\bglobalThis\s*\.\s*(window|document)\b/);
    if (match) report(file, index + 1, `src-shared must not use the DOM global '${match[1]}'`);
  });
}

// 2. src-renderer never imports src-main
for (const file of listFiles('src-renderer')) {
  for (const { specifier, line } of importsOf(file)) {
    const target = specifier.startsWith('.') ? path.normalize(path.join(path.dirname(file), specifier)) : specifier;
    if (target === 'src-main' || target.startsWith(`src-main${path.sep}`) || target.startsWith('src-main/')) {
      report(file, line, `src-renderer must not import src-main ('${specifier}'); use the IPC contract`);
    }
  }
}

// 3. Node-only code never reaches electron, directly or through local imports
const NODE_ONLY = ['src-main/worker', 'src-main/services', 'src-main/web', 'src-cli'];
for (const dir of NODE_ONLY) {
  for (const start of listFiles(dir)) {
    // breadth-first over local imports, remembering how each file was reached (parent, import line)
    const via = new Map([[start, null]]);
    const queue = [start];
    while (queue.length > 0) {
      const file = queue.shift();
      for (const { specifier, line, typeOnly } of importsOf(file)) {
        if (isElectron(specifier) && !typeOnly) {
          const chain = [];
          let lineInStart = line;
          for (let f = file; f; f = via.get(f)?.parent) {
            chain.unshift(f.split(path.sep).join('/'));
            const step = via.get(f);
            if (step && step.parent === start) lineInStart = step.line;
          }
          const through = chain.length > 1 ? ` (through ${chain.join(' → ')})` : '';
          report(start, lineInStart, `${dir} must not import electron${through}: '${specifier}' at ${file.split(path.sep).join('/')}:${line}`);
          continue;
        }
        const local = resolveLocal(file, specifier);
        if (local && !via.has(local)) {
          via.set(local, { parent: file, line });
          queue.push(local);
        }
      }
    }
  }
}

// 4. worker files import tasks, not rules or simulators
for (const file of listFiles('src-main/worker')) {
  for (const { specifier, line, typeOnly } of importsOf(file)) {
    const local = resolveLocal(file, specifier);
    if (!local) continue;
    const posix = local.split(path.sep).join('/');
    if (!posix.startsWith('src-shared/')) continue;
    // (the project-file worker encodes and decodes .gainlab files: src-shared/project is its task)
    // (and the kernel-thread host gives the kernels their helper threads: model/kernels is its contract)
    const allowed =
      posix.startsWith('src-shared/tasks/') ||
      posix.startsWith('src-shared/project/') ||
      posix.startsWith('src-shared/model/kernels/') ||
      (typeOnly && posix.startsWith('src-shared/ipc/'));
    if (!allowed) report(file, line, `worker files run tasks (src-shared/tasks), not '${posix}' directly`);
  }
}

// 5. no import cycles (depth-first search over local imports of every source tree)
{
  const files = ['src-shared', 'src-main', 'src-renderer', 'src-cli'].flatMap((dir) => listFiles(dir)).filter((f) => !f.endsWith('.vue'));
  const state = new Map(); // 1 = on the stack, 2 = done
  const stack = [];
  const cycles = new Set();
  const visit = (file) => {
    state.set(file, 1);
    stack.push(file);
    for (const { specifier } of importsOf(file)) {
      const local = resolveLocal(file, specifier);
      if (!local || local.endsWith('.vue')) continue;
      if (state.get(local) === 1) {
        const cycle = stack.slice(stack.indexOf(local)).map((f) => f.split(path.sep).join('/'));
        // one report per cycle, whichever file it was entered from
        const key = [...cycle].sort().join(' ');
        if (!cycles.has(key)) {
          cycles.add(key);
          report(cycle[0], 1, `import cycle: ${[...cycle, cycle[0]].join(' → ')}`);
        }
      } else if (!state.has(local)) visit(local);
    }
    stack.pop();
    state.set(file, 2);
  };
  for (const file of files) if (!state.has(file)) visit(file);
}

if (problems.length > 0) {
  console.error(`Boundary violations (${problems.length}):`);
  for (const problem of [...new Set(problems)]) console.error(`  ${problem}`);
  process.exit(1);
}
console.log('check-boundaries: OK (src-shared, src-renderer, Node-only src-main/src-cli, workers run tasks, no import cycles)');
