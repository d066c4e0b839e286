/**
 * `gainlab reproduce [--quick | --full] --out DIR [--seed S] [--net DIR]`: the paper claim by
 * claim (src-shared/reproduce). Writes DIR/report.html (one self-contained file: figures inline as
 * SVG, no network access) and DIR/claims.json; keeps every finished part and experiment
 * checkpoint in DIR, so the same command after a crash or Ctrl-C continues where it stopped.
 *
 * The published network (W.npy, x0.npy, readout.npy, initial_target.npy, novel_target.npy) comes
 * from --net DIR, else $GAINLAB_REFERENCE, else ../shared/reference/stroud2018 or
 * reference/stroud2018 under the working directory; without it the claims about the published
 * network are "not run" and the other parts use GainLab's own networks.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_DYNAMICS } from '../../src-shared/model/params.js';
import { PARTS } from '../../src-shared/reproduce/parts.js';
import { runReproduction, type PublishedData, type ReproductionStore } from '../../src-shared/reproduce/run.js';
import { encodeValue } from '../../src-shared/reproduce/codec.js';
import { rangeProblem, rangeText, SETTING_RANGES } from '../../src-shared/settingsRanges.js';
import { renderFigureSvg } from '../svg/figures.js';
import { CliError, ensureOutputDir, gainlabVersion, loadNetworkDir, loadTargetOnGrid, optionsLine, parseOptions, resolvePath, usageText, type CliIo, type CommandSpec } from '../cliSupport.js';
import { makeFoldersSync } from '../../src-main/services/makeFolders.js';

export const spec: CommandSpec = {
  name: 'reproduce',
  summary:
    'Reproduce the paper claim by claim: DIR/report.html with the paper’s value, GainLab’s measured value and a verdict for every claim, the figures, settings, seeds, machine and run time. --quick takes minutes; --full runs the paper’s set-up (hours) and resumes where it stopped.',
  options: {
    out: { type: 'string', value: 'DIR', description: 'output directory (finished parts are kept there)', required: true },
    quick: { type: 'flag', description: 'small networks and few trials (minutes; the default)' },
    full: { type: 'flag', description: 'the paper’s set-up (hours)' },
    seed: { type: 'integer', value: 'S', description: `master seed (${rangeText(SETTING_RANGES.seed)})`, default: 1 },
    net: { type: 'string', value: 'DIR', description: 'the published data (W.npy, x0.npy, readout.npy, initial_target.npy, novel_target.npy)' },
    parts: { type: 'string', value: 'LIST', description: `run only these parts, in this order (comma-separated: ${PARTS.map((p) => p.id).join(',')}); a second process with the reverse order shares a full run's work` },
  },
};

/** A directory as the reproduction's store; writes are atomic (temporary file, then rename). */
export function directoryStore(dir: string): ReproductionStore {
  return {
    read(name) {
      const file = path.join(dir, name);
      return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
    },
    write(name, text) {
      const file = path.join(dir, name);
      makeFoldersSync(path.dirname(file));
      const temporary = `${file}.${process.pid}.tmp`;
      writeFileSync(temporary, text);
      renameSync(temporary, file);
    },
  };
}

function findPublished(io: CliIo, given: string | undefined): { dir: string; data: PublishedData } | null {
  const candidates = given ? [resolvePath(io, given)] : [process.env.GAINLAB_REFERENCE, '../shared/reference/stroud2018', 'reference/stroud2018'].filter((c): c is string => Boolean(c)).map((c) => resolvePath(io, c));
  for (const dir of candidates) {
    if (!existsSync(path.join(dir, 'W.npy'))) {
      if (given) throw new CliError(`gainlab reproduce: --net ${given}: no W.npy there`);
      continue;
    }
    const network = loadNetworkDir(dir);
    // the published targets on the paper's grid, one channel (the published readout's)
    const target = (name: string) => loadTargetOnGrid(path.join(dir, name), 1, DEFAULT_DYNAMICS, { command: 'gainlab reproduce' }).values;
    return { dir, data: { network, novelTarget: target('novel_target.npy'), initialTarget: target('initial_target.npy') } };
  }
  return null;
}

/**
 * "GainLab 0.1.0 (commit abc1234)" when this code runs from a GainLab git checkout, else the version
 * alone. git is asked in this module's folder, never the working directory: run from inside another
 * repository (a user's analysis folder), the report named that repository's commit as GainLab's.
 */
export function versionLine(): string {
  const git = (cwd: string, args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 }).trim();
  try {
    const top = git(path.dirname(fileURLToPath(import.meta.url)), ['rev-parse', '--show-toplevel']);
    // the bundle copied into some other repository is not a GainLab checkout
    if ((JSON.parse(readFileSync(path.join(top, 'package.json'), 'utf8')) as { name?: string }).name !== 'gainlab') return `GainLab ${gainlabVersion()}`;
    const commit = git(top, ['rev-parse', '--short', 'HEAD']);
    const dirty = git(top, ['status', '--porcelain', '--untracked-files=no']) !== '';
    return `GainLab ${gainlabVersion()} (commit ${commit}${dirty ? ', with local changes' : ''})`;
  } catch {
    return `GainLab ${gainlabVersion()}`;
  }
}

export function machineLine(): string {
  const cpus = os.cpus();
  return `${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GB`;
}

export async function run(argv: string[], io: CliIo): Promise<number> {
  const o = parseOptions(spec, argv);
  if (!o) {
    io.stdout.write(usageText(spec));
    return 0;
  }
  if (o.quick && o.full) throw new CliError('gainlab reproduce: give --quick or --full, not both', optionsLine(spec));
  // the seed range of train, soc and experiment (a negative seed ran, recorded as given)
  const seedProblem = rangeProblem(SETTING_RANGES.seed, o.seed as number, '--seed');
  if (seedProblem) throw new CliError(`gainlab reproduce: ${seedProblem}`, optionsLine(spec));
  const mode = o.full ? 'full' : 'quick';
  const only = o.parts === undefined ? undefined : (o.parts as string).split(',').map((id) => id.trim()).filter(Boolean);
  for (const id of only ?? []) {
    if (!PARTS.some((p) => p.id === id)) throw new CliError(`gainlab reproduce: --parts: no part "${id}"`, `parts: ${PARTS.map((p) => p.id).join(', ')}`);
  }
  const outDir = resolvePath(io, o.out as string);
  // the published data read first: a refused target leaves no output folder behind
  const published = findPublished(io, o.net as string | undefined);
  ensureOutputDir(outDir);
  io.stderr.write(published ? `reproduce: published network from ${published.dir}\n` : 'reproduce: published network not found (claims about it will be "not run"; give --net DIR)\n');
  let lastLine = 0;
  const result = runReproduction({
    mode,
    seed: o.seed as number,
    published: published?.data ?? null,
    store: directoryStore(outDir),
    environment: { version: versionLine(), machine: machineLine(), runtime: `Node ${process.version} (${process.platform} ${process.arch})` },
    renderSvg: (figure) => renderFigureSvg(figure),
    onProgress: (p) => {
      const now = Date.now();
      if (now - lastLine < 1000 && !p.message.startsWith('starting')) return;
      lastLine = now;
      io.stderr.write(`reproduce [${p.index + 1}/${p.parts} ${p.part}, ${Math.round(p.percent)} %]: ${p.message}\n`);
    },
    shouldStop: io.shouldStop,
    ...(only ? { only } : {}),
  });
  const store = directoryStore(outDir);
  store.write('report.html', result.html);
  store.write('claims.json', encodeValue({ mode, seed: o.seed, stopped: result.stopped, wallMs: result.wallMs, computeMs: result.computeMs, claims: result.claims }, 1));
  const counts: Record<string, number> = {};
  for (const c of result.claims) counts[c.verdict] = (counts[c.verdict] ?? 0) + 1;
  io.stdout.write(`${JSON.stringify({ mode, report: path.join(outDir, 'report.html'), claims: result.claims.length, verdicts: counts, stopped: result.stopped, wallMs: result.wallMs, computeMs: result.computeMs })}\n`);
  return 0;
}
