/**
 * Free JSON values in a project: the settings of runs, manifolds and results, and a result's
 * summary, table cells and figures. One bounded walk checks them all (plain JSON only, nesting ≤
 * PROJECT_LIMITS.jsonDepth, strings and the serialised size bounded), and never recurses deeper
 * than the bound, so a value nested 5 000 levels deep is refused without exhausting the stack.
 *
 * project.json cannot hold NaN or ±Infinity as numbers, but a partial result legitimately has
 * them (a summary statistic over no sessions, a table cell not reached). Where they are allowed
 * (summary, table cells, figures) they are written as the strings "NaN", "Infinity" and
 * "-Infinity" and read back as numbers; so those three strings cannot be stored as strings there.
 */
import { PROJECT_LIMITS, bytesText, countText } from './limits.js';

export type JsonPath = (string | number)[];

export interface JsonValueProblem {
  /** Where, below the value itself. */
  path: JsonPath;
  message: string;
}

export interface JsonValueBounds {
  /** Serialised size of the whole value (an estimate that never undercounts by much: no escapes, no spaces). */
  maxBytes: number;
  /** NaN and ±Infinity allowed as numbers (in memory, where they are written as strings). */
  allowNonFinite?: boolean;
  /** The value must be a JSON object (settings, summary). */
  object?: boolean;
}

const NON_FINITE_STRINGS: Readonly<Record<string, number>> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, '-Infinity': Number.NEGATIVE_INFINITY };

function typeName(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value !== 'object' || value === null) return typeof value;
  return (value as object).constructor?.name ?? 'object';
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** The first problem of `value` as a bounded JSON value, or null. */
export function jsonValueProblem(value: unknown, bounds: JsonValueBounds): JsonValueProblem | null {
  const maxDepth = PROJECT_LIMITS.jsonDepth;
  const maxString = PROJECT_LIMITS.jsonStringChars;
  let bytes = 0;
  const path: JsonPath = [];
  const fail = (message: string): JsonValueProblem => ({ path: [...path], message });

  const walk = (item: unknown, depth: number): JsonValueProblem | null => {
    switch (typeof item) {
      case 'string':
        if (item.length > maxString) return fail(`a string of ${countText(item.length)} characters (at most ${countText(maxString)})`);
        bytes += item.length + 2;
        break;
      case 'number':
        if (!Number.isFinite(item) && !bounds.allowNonFinite) return fail(`${item} is not a finite number`);
        bytes += 12;
        break;
      case 'boolean':
        bytes += 5;
        break;
      case 'object': {
        if (item === null) {
          bytes += 4;
          break;
        }
        if (depth >= maxDepth) return fail(`nested deeper than ${maxDepth} levels`);
        if (Array.isArray(item)) {
          bytes += 2 + item.length;
          if (bytes > bounds.maxBytes) break;
          for (let i = 0; i < item.length; i++) {
            path.push(i);
            if (item[i] === undefined) return fail('undefined is not a JSON value');
            const problem = walk(item[i], depth + 1);
            if (problem) return problem;
            path.pop();
            if (bytes > bounds.maxBytes) break;
          }
          break;
        }
        if (!isPlainObject(item)) return fail(`a ${typeName(item)} is not a JSON value (store plain arrays and objects)`);
        bytes += 2;
        for (const key of Object.keys(item)) {
          const child = (item as Record<string, unknown>)[key];
          if (child === undefined) continue; // JSON has no undefined: the key is simply absent
          path.push(key);
          if (key.length > maxString) return fail(`a key of ${countText(key.length)} characters`);
          bytes += key.length + 4;
          const problem = walk(child, depth + 1);
          if (problem) return problem;
          path.pop();
          if (bytes > bounds.maxBytes) break;
        }
        break;
      }
      default:
        return fail(`${typeName(item)} is not a JSON value`);
    }
    return null;
  };

  if (bounds.object && (typeof value !== 'object' || value === null || Array.isArray(value))) {
    return { path: [], message: `must be a JSON object, not ${Array.isArray(value) ? 'an array' : typeName(value)}` };
  }
  const problem = walk(value, 0);
  if (problem) return problem;
  if (bytes > bounds.maxBytes) return { path: [], message: `larger than ${bytesText(bounds.maxBytes)} as JSON` };
  return null;
}

/**
 * A copy of a checked value with NaN and ±Infinity written as "NaN", "Infinity", "-Infinity"
 * (and undefined object values dropped). The value must have passed jsonValueProblem (bounded depth).
 */
export function encodeNonFinite(value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? value : Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(encodeNonFinite);
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) if (child !== undefined) out[key] = encodeNonFinite(child);
  return out;
}

/** The inverse of encodeNonFinite: "NaN", "Infinity" and "-Infinity" become numbers again. */
export function decodeNonFinite(value: unknown): unknown {
  if (typeof value === 'string') return Object.hasOwn(NON_FINITE_STRINGS, value) ? NON_FINITE_STRINGS[value] : value;
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(decodeNonFinite);
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) out[key] = decodeNonFinite(child);
  return out;
}

/**
 * A plain JSON copy of data made by GainLab's own code, e.g. a FigureSpec whose series hold
 * Float64Arrays: typed arrays become number arrays, NaN stays NaN (encodeNonFinite writes it
 * later). Use it when putting such data into an ExperimentResultRecord. Depth-bounded like the
 * check: deeper parts are kept as they are, for jsonValueProblem to report.
 */
export function toJsonValue(value: unknown, depth = 0): unknown {
  if (typeof value !== 'object' || value === null || depth > PROJECT_LIMITS.jsonDepth) return value;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>, Number);
  if (Array.isArray(value)) return value.map((item) => toJsonValue(item, depth + 1));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) if (child !== undefined) out[key] = toJsonValue(child, depth + 1);
  return out;
}

/**
 * Counts the objects/arrays and the values of a JSON text in one linear pass (strings and their
 * escapes skipped), so a text whose parse would take far more memory than its size is refused
 * before JSON.parse sees it. Returns the problem, or null. The text need not be valid JSON:
 * JSON.parse reports that.
 */
export function jsonTextProblem(bytes: Uint8Array, limits: { maxContainers: number; maxValues: number }): string | null {
  let containers = 0;
  let values = 1;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (inString) {
      if (b === 0x5c) i++; // backslash: skip the escaped character
      else if (b === 0x22) inString = false;
      continue;
    }
    if (b === 0x22) inString = true;
    else if (b === 0x2c) values++; // ','
    else if (b === 0x5b || b === 0x7b) {
      // '[' or '{': a container, and its first value
      if (++containers > limits.maxContainers) return `it holds more than ${countText(limits.maxContainers)} objects and arrays`;
      values++;
    }
    if (values > limits.maxValues) return `it holds more than ${countText(limits.maxValues)} values`;
  }
  return null;
}
