/**
 * Issue 14: the README's Node requirement agrees with what the installed packages declare. Every
 * package in package-lock.json must accept the README's minimum Node version, or be named in the
 * README as one whose EBADENGINE warning is explained (before: README said "Node 20 or newer"
 * while @electron/rebuild and node-abi ask for ≥ 22.12 and Vite for ≥ 20.19, unexplained).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { engines?: { node?: string } | string[] }> };

type Version = [number, number, number];
function parse(text: string): Version {
  const [major = 0, minor = 0, patch = 0] = text.split('.').map((part) => Number.parseInt(part, 10));
  return [major, minor, patch];
}
function compare(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** The subset of npm's range syntax engines use: "A || B", each ">=x.y.z", "^x.y.z", "x" or "x.y", or "*". */
export function satisfies(version: Version, range: string): boolean {
  return range.split('||').some((alternative) => {
    const term = alternative.trim();
    if (term === '' || term === '*') return true;
    // ">= 10" → ">=10", "6.*" / "20.x" → "6" / "20"
    const parts = term.replace(/(>=|<=|>|<|\^|~)\s+/g, '$1').replace(/\.[x*]/g, '').split(/\s+/);
    return parts.every((part) => {
      const match = /^(>=|>|<=|<|\^|~)?\s*v?(\d+(?:\.\d+){0,2})$/.exec(part);
      if (!match) throw new Error(`unsupported range "${range}"`);
      const [, op, text] = match;
      const bound = parse(text);
      const c = compare(version, bound);
      switch (op) {
        case '>=':
          return c >= 0;
        case '>':
          return c > 0;
        case '<=':
          return c <= 0;
        case '<':
          return c < 0;
        case '^':
          return c >= 0 && version[0] === bound[0];
        case '~':
          return c >= 0 && version[0] === bound[0] && version[1] === bound[1];
        default: {
          const digits = text.split('.').length;
          return version.slice(0, digits).every((v, i) => v === bound[i]);
        }
      }
    });
  });
}

describe('README Node requirement', () => {
  it('the range parser reads the forms engines use', () => {
    expect(satisfies([20, 19, 0], '^20.19.0 || >=22.12.0')).toBe(true);
    expect(satisfies([20, 0, 0], '^20.19.0 || >=22.12.0')).toBe(false);
    expect(satisfies([20, 19, 0], '>=22.12.0')).toBe(false);
    expect(satisfies([20, 19, 0], '18 || 20 || >=22')).toBe(true);
    expect(satisfies([21, 1, 0], '18 || 20 || >=22')).toBe(false);
    expect(satisfies([20, 19, 0], '6.* || 8.* || >= 10.*')).toBe(true);
    expect(satisfies([20, 19, 0], '>=6 <7 || >=8')).toBe(true);
    expect(satisfies([20, 19, 0], '>=20.x')).toBe(true);
  });

  it('every installed package accepts the README minimum, or the README names it and explains its warning', () => {
    const stated = /Install and start \(Node (\d+(?:\.\d+)*) or newer\)/.exec(readme);
    expect(stated, 'README states "Install and start (Node X or newer)"').not.toBeNull();
    const minimum = parse(stated![1]);
    const refusing: string[] = [];
    for (const [key, entry] of Object.entries(lock.packages)) {
      const node = entry.engines && !Array.isArray(entry.engines) ? entry.engines.node : undefined;
      if (!node || !key.startsWith('node_modules/')) continue;
      const name = key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
      if (!satisfies(minimum, node)) refusing.push(name);
    }
    for (const name of refusing) expect(readme, `${name} refuses Node ${stated![1]}`).toContain(`\`${name}\``);
    if (refusing.length > 0) expect(readme).toMatch(/EBADENGINE/);
  });
});
