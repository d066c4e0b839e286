/**
 * Seeded, deterministic mutation fuzzing of GainLab's input boundaries (tests/fuzz/*.test.ts).
 *
 * Every case draws from its own generator, `new Fuzz(Rng.derive(seed, index))`, so a failure is
 * reproduced from the (seed, index) pair printed with it, whatever the other cases did. Mutators
 * work on JSON documents (semantic: delete, retype, extreme numbers, huge strings, deep nesting,
 * duplicated elements, strings swapped for other strings of the document) and on bytes (bit flips,
 * inserted/deleted runs, truncation, extreme header words). `runCases` runs the cases and collects
 * every failure (a wrong exception type, a message over one line, a slow or memory-hungry case)
 * into one list, so a test names all of them at once.
 */
import { expect } from 'vitest';
import { Rng } from '../../src-shared/model/rng.js';

/** Each case's generator, with the draws the mutators need. */
export class Fuzz {
  readonly rng: Rng;
  constructor(readonly seed: number) {
    this.rng = new Rng(seed);
  }
  /** Integer in [0, n). */
  int(n: number): number {
    return this.rng.int(Math.max(1, n));
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  chance(p: number): boolean {
    return this.rng.uniform() < p;
  }
}

// ---------------------------------------------------------------------------------------------
// JSON documents
// ---------------------------------------------------------------------------------------------

export type JsonPath = (string | number)[];


/** Replaced in the serialised text by deeply nested brackets (JSON.stringify could not write them). */
const DEEP_SENTINEL = '__FUZZ_DEEP_NESTING__';

/** Extreme or wrongly typed values, each with the text the failure report shows. */
export const NASTY_VALUES: readonly { label: string; make: () => unknown }[] = [
  { label: '1e308', make: () => 1e308 },
  { label: '-1e308', make: () => -1e308 },
  { label: '-0', make: () => -0 },
  { label: '5e-324', make: () => 5e-324 },
  { label: '"NaN"', make: () => 'NaN' },
  { label: '"Infinity"', make: () => 'Infinity' },
  { label: '2^53+2', make: () => 2 ** 53 + 2 },
  { label: '1e21', make: () => 1e21 },
  { label: '-1', make: () => -1 },
  { label: '0', make: () => 0 },
  { label: '0.5', make: () => 0.5 },
  { label: '2^31', make: () => 2 ** 31 },
  { label: '1e9', make: () => 1e9 },
  { label: '""', make: () => '' },
  { label: '"x"×1e6', make: () => 'x'.repeat(1_000_000) },
  { label: '"é"×5000', make: () => 'é'.repeat(5000) },
  { label: '"a\\nb"', make: () => 'line one\nline two' },
  { label: '"\\u0000"', make: () => '\u0000' },
  { label: '"../../x"', make: () => '../../x' },
  { label: '"__proto__"', make: () => '__proto__' },
  { label: 'null', make: () => null },
  { label: 'true', make: () => true },
  { label: '[]', make: () => [] },
  { label: '{}', make: () => ({}) },
  { label: '[1,2,3]', make: () => [1, 2, 3] },
  { label: '{"a":1}', make: () => ({ a: 1 }) },
  { label: '[[[…]]]×5000', make: () => `${DEEP_SENTINEL}5000` },
  { label: '{"__proto__":{"x":1}}', make: () => JSON.parse('{"__proto__":{"x":1}}') },
  // in requests (IPC): typed arrays where numbers or other arrays belong
  { label: 'Float64Array[NaN]', make: () => Float64Array.from([Number.NaN]) },
  { label: 'Float64Array(0)', make: () => new Float64Array(0) },
  { label: 'Uint8Array(16)', make: () => new Uint8Array(16) },
];

/** Every path below the root (object keys and array indices), depth first. */
export function jsonPaths(value: unknown, prefix: JsonPath = [], out: JsonPath[] = []): JsonPath[] {
  if (ArrayBuffer.isView(value)) return out; // a typed array is one value
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      out.push([...prefix, i]);
      jsonPaths(item, [...prefix, i], out);
    });
  } else if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      out.push([...prefix, key]);
      jsonPaths((value as Record<string, unknown>)[key], [...prefix, key], out);
    }
  }
  return out;
}

function getAt(doc: unknown, path: JsonPath): unknown {
  let at = doc;
  for (const key of path) at = (at as Record<string | number, unknown>)[key];
  return at;
}

function setAt(doc: unknown, path: JsonPath, value: unknown): void {
  const parent = getAt(doc, path.slice(0, -1)) as Record<string | number, unknown>;
  parent[path[path.length - 1]] = value;
}

function deleteAt(doc: unknown, path: JsonPath): void {
  const parent = getAt(doc, path.slice(0, -1));
  const key = path[path.length - 1];
  if (Array.isArray(parent)) parent.splice(key as number, 1);
  else delete (parent as Record<string, unknown>)[key as string];
}

function pathText(path: JsonPath): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('') || '(root)';
}

function valueText(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 40)}…(${text.length} chars)` : text;
}

/** Strings anywhere in the document (ids, names, paths: what a dangling or swapped reference uses). */
function stringsOf(doc: unknown): string[] {
  return jsonPaths(doc)
    .map((p) => getAt(doc, p))
    .filter((v): v is string => typeof v === 'string' && v.length < 300);
}

/** One semantic mutation, in place; returns what it did. */
function mutateOnce(doc: unknown, fz: Fuzz, focus?: Focus): string {
  const all = jsonPaths(doc);
  const candidates = focus && fz.chance(0.7) ? all.filter((p) => focus(p, getAt(doc, p))) : all;
  const paths = candidates.length > 0 ? candidates : all;
  if (paths.length === 0) return 'nothing to mutate';
  const path = fz.pick(paths);
  const old = getAt(doc, path);
  const where = pathText(path);
  switch (fz.int(8)) {
    case 0:
      deleteAt(doc, path);
      return `delete ${where}`;
    case 1:
    case 2: {
      const nasty = fz.pick(NASTY_VALUES);
      setAt(doc, path, nasty.make());
      return `${where} = ${nasty.label}`;
    }
    case 3: {
      // the same value in the wrong type
      const swapped =
        typeof old === 'number' ? String(old) : typeof old === 'string' ? (Number.isFinite(Number(old)) ? Number(old) : old.length) : Array.isArray(old) ? { ...old } : old !== null && typeof old === 'object' ? Object.values(old) : old === null ? 0 : String(old);
      setAt(doc, path, swapped);
      return `${where} retyped to ${valueText(swapped)}`;
    }
    case 4: {
      if (old instanceof Float64Array || old instanceof Uint8Array) {
        const variant = fz.int(4);
        const next = variant === 0 ? old.slice(0, Math.max(0, old.length - 1)) : variant === 1 ? new (old.constructor as Float64ArrayConstructor)(old.length + 1) : old.slice();
        if (variant >= 2 && next.length > 0) next[fz.int(next.length)] = old instanceof Float64Array ? fz.pick([Number.NaN, Number.POSITIVE_INFINITY, 1e308, -1e308]) : 0xff;
        setAt(doc, path, next);
        return `${where}: typed array ${['one shorter', 'one longer', 'one element extreme', 'one element extreme'][variant]} (length ${old.length})`;
      }
      if (typeof old === 'number') {
        const next = fz.pick([old + 1, old - 1, old * 2, -old, old * 1e6, old + 0.5, Math.floor(old / 2)]);
        setAt(doc, path, next);
        return `${where}: ${old} → ${next}`;
      }
      if (typeof old === 'string') {
        const others = stringsOf(doc);
        const next = fz.chance(0.3) ? `${old}-dangling` : fz.pick(others);
        setAt(doc, path, next);
        return `${where}: ${valueText(old)} → ${valueText(next)}`;
      }
      if (Array.isArray(old) && old.length > 0) {
        // duplicate an element (duplicate ids), or grow a shape
        const k = fz.int(old.length);
        old.splice(k, 0, structuredClone(old[k]));
        return `${where}: element ${k} duplicated`;
      }
      setAt(doc, path, fz.pick(NASTY_VALUES).make());
      return `${where} replaced`;
    }
    case 5: {
      if (Array.isArray(old)) {
        if (old.length > 0 && fz.chance(0.5)) {
          old.pop();
          return `${where}: last element dropped`;
        }
        old.push(typeof old[0] === 'number' ? fz.pick([0, 1, 7, 1e6]) : structuredClone(old[0] ?? null));
        return `${where}: element appended`;
      }
      if (old !== null && typeof old === 'object') {
        (old as Record<string, unknown>)[fz.pick(['extra', 'id', 'constructor', 'shape', 'path', 'k'.repeat(5000), 'a\nb'])] = fz.pick(NASTY_VALUES).make();
        return `${where}: extra field added`;
      }
      setAt(doc, path, [old]);
      return `${where} wrapped in an array`;
    }
    case 6: {
      const depth = fz.pick([20, 1000, 100_000]);
      setAt(doc, path, `${DEEP_SENTINEL}${depth}`);
      return `${where} = nested ${depth} deep`;
    }
    default: {
      // move a value from elsewhere in the document here
      const other = getAt(doc, fz.pick(all));
      setAt(doc, path, structuredClone(other));
      return `${where} = ${valueText(other)}`;
    }
  }
}

/** 1–3 semantic mutations of a copy of `doc`, serialised (with deep nesting written as text). */
export function mutateJson(doc: unknown, fz: Fuzz, focus?: Focus): { text: string; value: unknown; description: string } {
  const copy = structuredClone(doc);
  const steps: string[] = [];
  const count = 1 + (fz.chance(0.3) ? fz.int(3) : 0);
  for (let i = 0; i < count; i++) steps.push(mutateOnce(copy, fz, focus));
  const text = JSON.stringify(copy, null, 1).replace(new RegExp(`"${DEEP_SENTINEL}(\\d+)"`, 'g'), (_, d: string) => {
    const depth = Number(d);
    return fz.chance(0.5) ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
  });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined; // deeper than JSON.parse goes: only the text is usable
  }
  return { text, value, description: steps.join('; ') };
}

/** Arrays nested `depth` deep, built without recursion. */
function nested(depth: number, object: boolean): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = object ? { a: value } : [value];
  return value;
}

/** Which places a mutation prefers (most of the time): given each path and the value there. */
export type Focus = (path: JsonPath, value: unknown) => boolean;

/** Numbers and typed arrays: changed in range they pass the schemas and reach the handlers. */
export const numericLeaves: Focus = (_path, value) => typeof value === 'number' || ArrayBuffer.isView(value);

/** Replaces the deep-nesting sentinels of mutateOnce by real nested values (for requests, which are never text). */
function realiseNesting(value: unknown, fz: Fuzz): unknown {
  if (typeof value === 'string' && value.startsWith(DEEP_SENTINEL)) return nested(Number(value.slice(DEEP_SENTINEL.length)), fz.chance(0.5));
  if (ArrayBuffer.isView(value) || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => realiseNesting(item, fz));
  for (const key of Object.keys(value)) (value as Record<string, unknown>)[key] = realiseNesting((value as Record<string, unknown>)[key], fz);
  return value;
}

/** 1–3 semantic mutations of a copy of a value that may hold typed arrays (an IPC request). */
export function mutateValue(doc: unknown, fz: Fuzz, focus?: Focus): { value: unknown; description: string } {
  const copy = structuredClone(doc);
  const steps: string[] = [];
  const count = 1 + (fz.chance(0.3) ? fz.int(3) : 0);
  for (let i = 0; i < count; i++) steps.push(mutateOnce(copy, fz, focus));
  return { value: realiseNesting(copy, fz), description: steps.join('; ') };
}

// ---------------------------------------------------------------------------------------------
// Bytes
// ---------------------------------------------------------------------------------------------

/** Offsets worth hitting first: `hot` ranges (headers), else anywhere. */
function offsetIn(fz: Fuzz, length: number, hot: readonly [number, number][]): number {
  if (hot.length > 0 && fz.chance(0.7)) {
    const [start, end] = fz.pick(hot);
    return Math.min(length - 1, start + fz.int(Math.max(1, end - start)));
  }
  return fz.int(length);
}

/** 1–4 byte-level mutations of a copy; `hot` are [start, end) ranges mutated more often (headers). */
export function mutateBytes(bytes: Uint8Array, fz: Fuzz, hot: readonly [number, number][] = []): { bytes: Uint8Array; description: string } {
  let out = Uint8Array.from(bytes);
  const steps: string[] = [];
  const count = 1 + fz.int(4);
  for (let i = 0; i < count && out.length > 0; i++) {
    const at = offsetIn(fz, out.length, hot);
    switch (fz.int(7)) {
      case 0: {
        const bit = fz.int(8);
        out[at] ^= 1 << bit;
        steps.push(`flip bit ${bit} of byte ${at}`);
        break;
      }
      case 1: {
        const value = fz.pick([0, 0xff, 0x7f, 0x80, 0x20, 0x0a, fz.int(256)]);
        out[at] = value;
        steps.push(`byte ${at} = 0x${value.toString(16)}`);
        break;
      }
      case 2: {
        const word = fz.pick([0, 0xffffffff, 0x7fffffff, 0x80000000, 0xffff, 1]);
        const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
        const o = Math.min(at, out.length - 4);
        if (o >= 0) view.setUint32(o, word, true);
        steps.push(`u32 at ${o} = 0x${word.toString(16)}`);
        break;
      }
      case 3: {
        const n = fz.pick([1, 2, 7, 64, 1000]);
        const inserted = new Uint8Array(n);
        for (let k = 0; k < n; k++) inserted[k] = fz.int(256);
        const next = new Uint8Array(out.length + n);
        next.set(out.subarray(0, at));
        next.set(inserted, at);
        next.set(out.subarray(at), at + n);
        out = next;
        steps.push(`insert ${n} random bytes at ${at}`);
        break;
      }
      case 4: {
        const n = Math.min(out.length - at, fz.pick([1, 4, 30, 500]));
        const next = new Uint8Array(out.length - n);
        next.set(out.subarray(0, at));
        next.set(out.subarray(at + n), at);
        out = next;
        steps.push(`delete ${n} bytes at ${at}`);
        break;
      }
      case 5: {
        out = out.slice(0, at);
        steps.push(`truncate to ${at} bytes`);
        break;
      }
      default: {
        const n = Math.min(out.length - at, fz.pick([4, 16, 200]));
        const copy = out.slice(at, at + n);
        const to = fz.int(out.length);
        out.set(copy.subarray(0, Math.min(copy.length, out.length - to)), to);
        steps.push(`copy ${n} bytes from ${at} to ${to}`);
        break;
      }
    }
  }
  return { bytes: out, description: steps.join('; ') };
}

// ---------------------------------------------------------------------------------------------
// Running cases
// ---------------------------------------------------------------------------------------------

/** What a refusal must look like: one line, short, no stack. Returns the problem, or null. */
export function messageProblem(message: string, maxChars = 300): string | null {
  if (message.includes('\n')) return `message has a newline: ${JSON.stringify(message.slice(0, 300))}`;
  if (/\n\s+at |\bat .*\(.*:\d+:\d+\)/.test(message)) return `message holds a stack: ${message.slice(0, 200)}`;
  if (message.length > maxChars) return `message is ${message.length} chars: ${message.slice(0, 160)}…`;
  if (message.trim() === '') return 'empty message';
  return null;
}

export interface FuzzCase {
  /** What was mutated and how (printed with a failure). */
  description: string;
  /** Runs the input; returns a problem when the outcome breaks the property, else null. `outcome` tallies what happened. */
  run: (outcome: (kind: string) => void) => Promise<string | null> | string | null;
}

export interface FuzzReport {
  name: string;
  cases: number;
  failures: string[];
  /** Outcomes by kind (e.g. accepted, ProjectFileError:invalid-schema), to see what the cases reached. */
  outcomes: Map<string, number>;
}

/** A generous bound on one case (behaviour, not speed: a case this slow is a hang on a real input). */
export const CASE_DEADLINE_MS = 2000;
/** Growth of the resident set over one case that counts as unbounded memory. */
const CASE_RSS_GROWTH = 1024 * 1024 * 1024;

/**
 * Runs `count` cases of `make(fz, index)`, each with its own generator Rng.derive(seed, index);
 * collects every failure as "seed S case I: <mutation>: <problem>".
 */
export async function runCases(name: string, seed: number, count: number, make: (fz: Fuzz, index: number) => FuzzCase): Promise<FuzzReport> {
  const failures: string[] = [];
  const outcomes = new Map<string, number>();
  for (let index = 0; index < count; index++) {
    const caseSeed = Rng.derive(seed, index);
    const fz = new Fuzz(caseSeed);
    const fuzzCase = make(fz, index);
    const rssBefore = process.memoryUsage().rss;
    const started = performance.now();
    let problem: string | null;
    try {
      problem = await fuzzCase.run((kind) => outcomes.set(kind, (outcomes.get(kind) ?? 0) + 1));
    } catch (error) {
      problem = `unexpected ${error instanceof Error ? error.name : typeof error}: ${String(error instanceof Error ? error.message : error).slice(0, 300)}`;
    }
    const ms = performance.now() - started;
    if (!problem && ms > CASE_DEADLINE_MS) problem = `took ${Math.round(ms)} ms (deadline ${CASE_DEADLINE_MS} ms)`;
    const growth = process.memoryUsage().rss - rssBefore;
    if (!problem && growth > CASE_RSS_GROWTH) problem = `resident memory grew by ${Math.round(growth / 2 ** 20)} MB`;
    if (problem) failures.push(`${name}: seed ${seed} case ${index} (Rng ${caseSeed}): ${fuzzCase.description}: ${problem}`);
  }
  return { name, cases: count, failures, outcomes };
}

/** Prints what the cases reached and asserts that none failed (every failure listed, with its seed). */
export function expectNoFailures(report: FuzzReport): void {
  console.log(`${report.name}: ${report.cases} cases; ${outcomeLine(report.outcomes)}`);
  expect(report.failures, report.failures.join('\n')).toEqual([]);
}

/** "accepted 12, ProjectFileError:invalid-schema 80, …" */
export function outcomeLine(outcomes: Map<string, number>): string {
  return [...outcomes.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}

/**
 * The property for a call that may refuse: it returns normally (then `check` validates the result),
 * or throws `ErrorType` with a one-line message. Anything else is the problem returned.
 */
export async function refusesCleanly<T>(
  call: () => Promise<T> | T,
  ErrorType: new (...args: never[]) => Error,
  check: (result: T) => string | null,
  outcome?: (kind: string) => void,
): Promise<string | null> {
  let result: T;
  try {
    result = await call();
  } catch (error) {
    if (!(error instanceof ErrorType)) {
      outcome?.(`other:${error instanceof Error ? error.name : typeof error}`);
      return `threw ${error instanceof Error ? `${error.name}: ${error.message.slice(0, 300)}` : String(error)} instead of ${ErrorType.name}`;
    }
    outcome?.(`${error.name}${(error as { code?: unknown }).code ? `:${String((error as { code?: unknown }).code)}` : ''}`);
    return messageProblem(error.message);
  }
  outcome?.('accepted');
  return check(result);
}
