/**
 * Child process of abuse.test.ts: does one thing with one hostile path through the real projects
 * service and prints one JSON line with the outcome, the time it took and the peak RSS of the
 * whole process (process.resourceUsage().maxRSS), so the test can bound them without the test
 * runner's own memory in the way.
 *
 *   node --import tsx tests/project/abuseChild.ts open|save|ensure '"FILE"' [CONFIG_DIR]   (the path as JSON)
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ProjectFileError } from '../../src-shared/project/errors.js';
import { createEmptyProject } from '../../src-shared/project/schema.js';
import { ensureSaveFolder, ProjectService } from '../../src-main/services/projects.js';

export interface ChildOutcome {
  ok: boolean;
  code: string | null;
  message: string;
  /** Time of the operation itself, ms. */
  ms: number;
  /** Peak resident set size of the process, MB. */
  maxRssMB: number;
  /** Resident set size before the operation (node, tsx and the modules loaded), MB. */
  baselineRssMB: number;
}

async function main(): Promise<void> {
  const [mode, fileJson, config] = process.argv.slice(2);
  const file = JSON.parse(fileJson) as string; // JSON: argv cannot carry a NUL byte
  const configDir = config ?? mkdtempSync(path.join(tmpdir(), 'gainlab-abuse-config-'));
  const service = new ProjectService({ configDir, appVersion: 'abuse-test' });
  const baselineRssMB = process.memoryUsage().rss / 1e6;
  const started = performance.now();
  let outcome: Omit<ChildOutcome, 'ms' | 'maxRssMB' | 'baselineRssMB'>;
  try {
    if (mode === 'open') {
      const opened = await service.read(file);
      const ignored = opened.ignoredEntries.length ? `; ignored entries: ${opened.ignoredEntries.join(', ')}` : '';
      outcome = { ok: true, code: null, message: `opened "${opened.project.name}" (${opened.project.networks.length} networks${ignored})` };
    } else if (mode === 'save') {
      const saved = await service.saveAs(createEmptyProject('abuse', new Date(0), 'abuse-test'), file);
      outcome = { ok: true, code: null, message: `saved ${saved.path}` };
    } else if (mode === 'ensure') {
      await ensureSaveFolder(file);
      outcome = { ok: true, code: null, message: 'folder ready' };
    } else {
      throw new Error(`unknown mode ${mode}`);
    }
  } catch (error) {
    outcome = {
      ok: false,
      code: error instanceof ProjectFileError ? error.code : `not a ProjectFileError: ${(error as Error)?.name}`,
      message: error instanceof Error ? error.message : String(error),
    };
  }
  const ms = performance.now() - started;
  const result: ChildOutcome = { ...outcome, ms, maxRssMB: (process.resourceUsage().maxRSS * 1024) / 1e6, baselineRssMB };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

void main();
