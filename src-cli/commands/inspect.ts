/**
 * `gainlab inspect FILE.gainlab [--json]`: what a project file holds — networks (N, nE, α when an
 * SOC log is stored, initial conditions, readout), targets, training runs (rule, purpose, target,
 * network, best error, trials, status), primitive libraries, speed manifolds, experiment results
 * and every array's shape — read with the same loader as the app (ProjectService.read →
 * decodeProjectFile; older formats open through the migrations).
 * A file the app would refuse prints the app's message on stderr and exits with code 2.
 */
import os from 'node:os';
import path from 'node:path';
import { ProjectFileError } from '../../src-shared/project/errors.js';
import { PROJECT_SCHEMA_VERSION, type NdArray, type Project, type TargetSource, type TrainingRun } from '../../src-shared/project/schema.js';
import { shapeText } from '../../src-shared/project/validate.js';
import { sessionNumber } from '../../src-shared/formats/sessionNumbers.js';
import { ProjectService, type OpenedProject } from '../../src-main/services/projects.js';
import type { CliIo } from '../cliSupport.js';

/** The streams the command writes to (the CLI's io; process.stdout/stderr fit). */
export type InspectIo = CliIo;

export const USAGE = 'usage: gainlab inspect FILE.gainlab [--json]';

/** `gainlab inspect --help`: what the command prints, with the usage line first. */
export const HELP = `${USAGE}

Describe a .gainlab project file without opening the app: its networks (N, nE, α, initial
conditions, readout), targets, training runs (rule, sessions × trials, best error), primitive
libraries, speed manifolds and experiment results, with every array's shape. The file is read
with the app's own loader, so a file the app would refuse is refused here in the same words.

options:
  --json                         the same as one JSON object on stdout
  --help                         show this help
`;

function sourceText(source: TargetSource, names: Map<string, string>): string {
  switch (source.kind) {
    case 'generated':
      return `generated (seed ${source.seed})`;
    case 'imported':
      return source.fileName ? `imported from ${source.fileName}` : 'imported';
    case 'slow':
      return `slow variant ×${source.factor} of "${names.get(source.sourceId) ?? source.sourceId}"${source.amplitudeScaling ? ', amplitude × 1/s²' : ''}`;
    default:
      return source.kind;
  }
}

function kb(bytes: number): string {
  return bytes < 10_000 ? `${bytes} bytes` : `${(bytes / 1024).toFixed(0)} KB`;
}

function nd(array: NdArray): string {
  return shapeText(array.shape);
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function bestError(run: TrainingRun): number | null {
  return run.sessions.length ? Math.min(...run.sessions.map((s) => s.bestError)) : null;
}

function trialsOf(run: TrainingRun): number {
  return run.sessions.reduce((sum, s) => sum + s.trialsRun, 0);
}

/**
 * Sessions and their trials as a run is set up: "2 sessions × 10 trials" — not "20 trials, 2
 * sessions", which read as 20 trials per session next to a run named "…, 10 trials"; sessions of
 * different lengths (a stopped run): "2 sessions, 15 trials in all".
 */
function sessionsText(run: TrainingRun, step: string): string {
  const counts = new Set(run.sessions.map((s) => s.trialsRun));
  if (run.sessions.length === 0) return plural(0, 'session');
  if (counts.size === 1) return `${plural(run.sessions.length, 'session')} × ${plural(run.sessions[0].trialsRun, step)}`;
  return `${plural(run.sessions.length, 'session')}, ${plural(trialsOf(run), step)} in all`;
}

/** Notes on one line, cut at 120 characters. */
function noteLine(notes: string): string {
  const line = notes.replace(/\s+/g, ' ').trim();
  return line.length > 120 ? `${line.slice(0, 120)}…` : line;
}

export function describeProject(opened: OpenedProject): string {
  const { project } = opened;
  const lines: string[] = [];
  const migrated = opened.fromVersion < PROJECT_SCHEMA_VERSION ? ` (file format ${opened.fromVersion}, read by migration)` : '';
  lines.push(`${path.basename(opened.path)}: GainLab project, ${kb(opened.sizeBytes)}${migrated}${opened.writtenBy ? `, written by ${opened.writtenBy}` : ''}`);
  lines.push(`name: ${project.name}`);
  lines.push(`id: ${project.id}`);
  lines.push(`created ${project.createdAt}, modified ${project.modifiedAt}`);
  if (project.notes) lines.push(`notes: ${project.notes.length > 300 ? `${project.notes.slice(0, 300)}…` : project.notes}`);
  if (opened.ignoredEntries.length) {
    const shown = opened.ignoredEntries.slice(0, 10).join(', ');
    lines.push(`ignored zip entries (not referenced by project.json, never read): ${shown}${opened.ignoredEntries.length > 10 ? `, and ${opened.ignoredEntries.length - 10} more` : ''}`);
  }

  lines.push('', `Networks (${project.networks.length})`);
  for (const net of project.networks) {
    const alpha = net.soc ? `, α = ${net.soc.finalAlpha.toFixed(5)}` : '';
    lines.push(`  ${net.id}  "${net.name}"  N = ${net.n} (nE = ${net.nE})${alpha}, origin ${net.origin}${net.seed !== null ? `, seed ${net.seed}` : ''}`);
    lines.push(`    W ${shapeText([net.n, net.n])}, initial conditions ${shapeText([net.nInitialConditions, net.n])}`);
    if (net.readout) {
      const fit = net.readout.fittedTo ? `, fitted to ${net.readout.fittedTo}${net.readout.fitError !== null ? ` (E = ${net.readout.fitError.toPrecision(3)})` : ''}` : '';
      lines.push(`    readout ${shapeText([net.readout.channels, 1 + net.nE])}${fit}`);
    } else {
      lines.push('    no readout');
    }
    const p = net.params;
    lines.push(`    dynamics: τ = ${p.tau} ms, r0 = ${p.r0}, rmax = ${p.rmax}, T = ${p.duration} ms, ${p.nSamples} samples, gain function ${p.gainFunction}`);
    if (net.soc) {
      lines.push(`    SOC: recipe ${net.soc.recipe}, seed ${net.soc.seed}, ${net.soc.iterations} iterations, α history ${shapeText([net.soc.alphaHistory.length])}`);
    }
  }

  const targetNames = new Map(project.targets.map((t) => [t.id, t.name]));
  lines.push('', `Targets (${project.targets.length})`);
  for (const t of project.targets) {
    lines.push(
      `  ${t.id}  "${t.name}"  ${plural(t.channels, 'channel')} × ${t.nSamples} samples, ${t.duration} ms, ${sourceText(t.source, targetNames)}; values ${shapeText([t.channels, t.nSamples])}`,
    );
  }

  lines.push('', `Training runs (${project.runs.length})`);
  for (const run of project.runs) {
    const best = bestError(run);
    // a gradient run counts Adam iterations, as the app and `gainlab train` call them
    const step = run.rule === 'gradient' ? 'iteration' : 'trial';
    lines.push(
      `  ${run.id}  "${run.name}"  ${run.rule} rule, ${run.purpose}, on ${run.networkId} → ${run.targetIds.join(', ')}, ` +
        `best E ${best !== null ? best.toPrecision(3) : '–'}${run.initialError !== null ? ` (from ${run.initialError.toPrecision(3)})` : ''}, ` +
        `${sessionsText(run, step)}, seed ${run.seed}, ${run.status}`,
    );
    if (run.notes) lines.push(`    notes: ${noteLine(run.notes)}`);
    for (const s of run.sessions) {
      lines.push(
        `    session ${sessionNumber(s.session)}: seed ${s.seed}, best E = ${s.bestError.toPrecision(3)} at ${step} ${s.bestTrial}/${s.trialsRun}; error curve ${shapeText([s.errorCurve.length])}, best gains ${shapeText([s.bestGains.length])}${s.output ? `, output ${nd(s.output)}` : ''}`,
      );
    }
  }

  lines.push('', `Primitive libraries (${project.primitiveLibraries.length})`);
  for (const lib of project.primitiveLibraries) {
    lines.push(`  ${lib.id}  "${lib.name}"  on ${lib.networkId}: gains ${nd(lib.gains)}, outputs ${nd(lib.outputs)}`);
  }
  lines.push('', `Speed manifolds (${project.speedManifolds.length})`);
  for (const m of project.speedManifolds) {
    lines.push(`  ${m.id}  "${m.name}"  on ${m.networkId}: durations ${m.durations.join(', ')} ms, gains ${nd(m.gains)}`);
  }
  lines.push('', `Experiment results (${project.experimentResults.length})`);
  for (const r of project.experimentResults) {
    const on = r.networkId !== null ? `on ${r.networkId}` : `own network "${r.networkName}"`;
    lines.push(
      `  ${r.id}  "${r.name}"  ${r.kind} ${r.definition}${r.quick ? ' (quick)' : ''}, ${r.status}, ${on}, ` +
        `${plural(r.figures.length, 'figure')}, ${plural(r.arrays.length, 'array')}, ${plural(r.tables.length, 'table')}, ${plural(r.texts.length, 'text')}` +
        `${r.seed !== null ? `, seed ${r.seed}` : ''}, ${(r.elapsedMs / 1000).toFixed(1)} s`,
    );
    for (const a of r.arrays) lines.push(`    array "${a.name}" ${nd(a)}`);
    if (r.notes) lines.push(`    notes: ${noteLine(r.notes)}`);
  }
  return lines.join('\n') + '\n';
}

/** A JSON summary (no array values, only shapes). */
export function summariseProject(opened: OpenedProject): Record<string, unknown> {
  const project: Project = opened.project;
  return {
    file: opened.path,
    sizeBytes: opened.sizeBytes,
    fromVersion: opened.fromVersion,
    writtenBy: opened.writtenBy,
    ignoredEntries: opened.ignoredEntries,
    id: project.id,
    name: project.name,
    createdAt: project.createdAt,
    modifiedAt: project.modifiedAt,
    networks: project.networks.map((n) => ({
      id: n.id,
      name: n.name,
      n: n.n,
      nE: n.nE,
      alpha: n.soc?.finalAlpha ?? null,
      seed: n.seed,
      shapes: {
        W: [n.n, n.n],
        initialConditions: [n.nInitialConditions, n.n],
        readout: n.readout ? [n.readout.channels, 1 + n.nE] : null,
      },
    })),
    targets: project.targets.map((t) => ({ id: t.id, name: t.name, channels: t.channels, nSamples: t.nSamples, duration: t.duration, source: t.source })),
    runs: project.runs.map((r) => ({
      id: r.id,
      name: r.name,
      rule: r.rule,
      purpose: r.purpose,
      networkId: r.networkId,
      targetIds: r.targetIds,
      sessions: r.sessions.length,
      trials: trialsOf(r),
      bestError: bestError(r),
      status: r.status,
    })),
    primitiveLibraries: project.primitiveLibraries.length,
    speedManifolds: project.speedManifolds.length,
    experimentResults: project.experimentResults.map((r) => ({
      id: r.id,
      name: r.name,
      kind: r.kind,
      definition: r.definition,
      quick: r.quick,
      status: r.status,
      networkId: r.networkId,
      figures: r.figures.length,
      arrays: r.arrays.map((a) => ({ name: a.name, shape: a.shape })),
      tables: r.tables.length,
      texts: r.texts.length,
    })),
  };
}

export async function run(argv: string[], io: InspectIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const args = argv.filter((a) => a !== '--json');
  const json = args.length !== argv.length;
  if (args.includes('-h') || args.includes('--help')) {
    io.stdout.write(HELP);
    return 0;
  }
  // one line, as every command refuses its arguments (the usage after a semicolon)
  const unknown = args.find((a) => a.startsWith('-'));
  if (unknown) {
    io.stderr.write(`gainlab inspect: unknown option ${unknown}; ${USAGE}\n`);
    return 2;
  }
  if (args.length !== 1) {
    io.stderr.write(`gainlab inspect: ${args.length === 0 ? 'give the project file' : 'one file at a time'}; ${USAGE}\n`);
    return 2;
  }
  const file = path.resolve(io.cwd ?? process.cwd(), args[0]);
  // read() never touches the config directory (no recent list, no recovery copies).
  const service = new ProjectService({ configDir: path.join(os.tmpdir(), 'gainlab-inspect-unused') });
  let opened: OpenedProject;
  try {
    opened = await service.read(file);
  } catch (error) {
    if (error instanceof ProjectFileError) {
      io.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
  io.stdout.write(json ? `${JSON.stringify(summariseProject(opened), null, 2)}\n` : describeProject(opened));
  return 0;
}
