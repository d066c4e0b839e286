import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** GainLab's version from the nearest package.json above `fromUrl` (a bundle's import.meta.url). */
export function packageVersion(fromUrl: string): string {
  let dir = path.dirname(fileURLToPath(fromUrl));
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, 'package.json');
    if (existsSync(candidate)) {
      try {
        const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
        if (pkg.name === 'gainlab' && typeof pkg.version === 'string') return pkg.version;
      } catch {
        // keep walking up
      }
    }
    dir = path.dirname(dir);
  }
  return '0.0.0';
}
