/**
 * Child process of abuse.test.ts: does one thing with one hostile path through the real projects
 * service and prints one JSON line with the outcome, the time it took and the peak RSS of the
 * whole process (process.resourceUsage().maxRSS), so the test can bound them without the test
 * runner's own memory in the way.
 *
 *   node --import tsx tests/project/abuseChild.ts MODE '"FILE"' [CONFIG_DIR]   (the path as JSON)
 *
 * MODE: open, save (an empty project), ensure (ensureSaveFolder), or large (save and reopen a
 * legitimate project with random N = 2 000 and N = 1 000 networks).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ProjectFileError } from '../../src-shared/project/errors.js';
import { DEFAULT_DYNAMICS } from '../../src-shared/model/params.js';
import { Rng } from '../../src-shared/model/rng.js';
import { createEmptyProject, type Project, type ProjectNetwork } from '../../src-shared/project/schema.js';
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

function network(id: string, n: number, fill: (rng: Rng) => number): ProjectNetwork {
  const rng = new Rng(n);
  return {
    id,
    name: id,
    n,
    nE: n / 2,
    W: Float64Array.from({ length: n * n }, () => fill(rng)),
    initialConditions: Float64Array.from({ length: n }, () => rng.normal()),
    nInitialConditions: 1,
    readout: null,
    params: { ...DEFAULT_DYNAMICS },
    seed: n,
    soc: null,
    origin: 'soc',
    createdAt: '2026-01-01T00:00:00.000Z',
  };
}

/** Save `project` to `file`, reopen it and compare every W bit for bit. */
async function roundTrip(service: ProjectService, project: Project, file: string): Promise<string> {
  const saved = await service.save(project, file);
  const opened = await service.read(saved.path);
  project.networks.forEach((net, i) => {
    const back = opened.project.networks[i].W;
    const a = new Uint8Array(net.W.buffer);
    const b = new Uint8Array(back.buffer, back.byteOffset, back.byteLength);
    if (a.length !== b.length || a.some((x, k) => x !== b[k])) throw new Error(`W of ${net.id} differs after the round trip`);
  });
  const arrays = project.networks.reduce((sum, net) => sum + net.W.byteLength + net.initialConditions.byteLength, 0);
  return `saved and reopened bit for bit: file ${(saved.sizeBytes / 1e6).toFixed(1)} MB, arrays ${(arrays / 1e6).toFixed(1)} MB`;
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
    } else if (mode === 'large') {
      const project = createEmptyProject('large', new Date(0), 'abuse-large');
      project.networks.push(network('n2000', 2000, (rng) => rng.normal() / 45), network('n1000', 1000, (rng) => rng.normal() / 32));
      outcome = { ok: true, code: null, message: await roundTrip(service, project, file) };
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
