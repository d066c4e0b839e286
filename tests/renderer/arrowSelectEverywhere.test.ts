/**
 * Every radio group and tab list of the renderer answers the arrow keys: each element with
 * role="radiogroup" or role="tablist" in a .vue file of src-renderer/ carries the v-arrow-select
 * directive (src-renderer/lib/arrowSelect.ts), which e2e/keyboard.spec.ts tests in the browser. A
 * screen reader announces "radio button 1 of 2", and its users then press the arrows; groups added
 * later get the same.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function vueFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? vueFiles(join(dir, entry.name)) : entry.name.endsWith('.vue') ? [join(dir, entry.name)] : [],
  );
}

describe('radio groups and tab lists', () => {
  it('all carry v-arrow-select', () => {
    const groups: string[] = [];
    const missing: string[] = [];
    for (const file of vueFiles('src-renderer')) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/<[a-z]+\b[^>]*role="(radiogroup|tablist)"[^>]*>/g)) {
        groups.push(file);
        if (!match[0].includes('v-arrow-select')) missing.push(`${file}: ${match[0].slice(0, 90)}`);
      }
    }
    expect(groups.length).toBeGreaterThanOrEqual(10);
    expect(missing).toEqual([]);
  });
});
