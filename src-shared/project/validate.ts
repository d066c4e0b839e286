/**
 * Checks of an in-memory Project that the zod schema cannot express: array sizes against the
 * fields that imply them, finite values, unique ids and references between items. The same checks
 * run before saving (so GainLab never writes a file it could not open) and after loading.
 */
import { ProjectFileError } from './errors.js';
import { jsonValueProblem, type JsonValueBounds } from './jsonValue.js';
import { PROJECT_LIMITS } from './limits.js';
import { formatPath, type NdArray, type Project } from './schema.js';

export function shapeText(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

export function shapesEqual(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Index of the first NaN or ±Infinity, or −1. */
export function firstNonFinite(data: Float64Array): number {
  for (let i = 0; i < data.length; i++) {
    // x − x is NaN exactly for NaN and ±Infinity; one comparison per value.
    const v = data[i];
    if (v - v !== 0) return i;
  }
  return -1;
}

export function nonFiniteError(label: string, data: Float64Array, index: number, where = ''): ProjectFileError {
  const value = data[index];
  const what = Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
  return new ProjectFileError('non-finite', `${label}${where} contains ${what} at index ${index}; every stored number must be finite`);
}

function checkFinite(label: string, data: Float64Array): void {
  const bad = firstNonFinite(data);
  if (bad >= 0) throw nonFiniteError(label, data, bad);
}

/** Index of the first value that is NaN, ±Infinity or larger than `bound` in magnitude, or −1. */
export function firstBeyond(data: Float64Array, bound: number): number {
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!(v <= bound && v >= -bound)) return i;
  }
  return -1;
}

/**
 * Why a model input (W, x0, readout, target, gains) is out of bounds — "holds 1e+308 at index 5;
 * GainLab accepts …", after the field's name — or null when every value is finite and within
 * PROJECT_LIMITS.modelValueMagnitude. The project's checks and the IPC contract's import share it.
 */
export function modelValueProblem(data: Float64Array): { index: number; finite: boolean; message: string } | null {
  const bound = PROJECT_LIMITS.modelValueMagnitude;
  const index = firstBeyond(data, bound);
  if (index < 0) return null;
  const value = data[index];
  return {
    index,
    finite: Number.isFinite(value),
    message: `holds ${Number.isFinite(value) ? value.toExponential() : value} at index ${index}; GainLab accepts values from -${bound.toExponential()} to ${bound.toExponential()} there (the published network's are below 25)`,
  };
}

/** A model input: finite ('non-finite') and within the bound ('too-large'). */
function checkModelValues(label: string, data: Float64Array): void {
  const problem = modelValueProblem(data);
  if (!problem) return;
  if (!problem.finite) throw nonFiniteError(label, data, problem.index);
  throw new ProjectFileError('too-large', `${label} ${problem.message}`);
}

function checkLength(label: string, data: Float64Array, shape: readonly number[], reason: string): void {
  const expected = shape.reduce((a, b) => a * b, 1);
  if (data.length !== expected) {
    throw new ProjectFileError(
      'shape-mismatch',
      `${label} has ${data.length} values but ${reason} needs shape ${shapeText(shape)} (${expected} values)`,
    );
  }
}

/** `model`: a model input (gains, initial conditions), bounded as checkModelValues says; else finite. */
function checkNdArray(label: string, array: NdArray, model = false): void {
  if (!array.shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new ProjectFileError('shape-mismatch', `${label} has an invalid shape ${shapeText(array.shape)}`);
  }
  checkLength(label, array.data, array.shape, 'its shape');
  if (model) checkModelValues(label, array.data);
  else checkFinite(label, array.data);
}

function checkUnique(kind: string, ids: readonly string[]): void {
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) throw new ProjectFileError('bad-reference', `two ${kind} have the same id "${id}"`);
    seen.add(id);
  }
}

function checkNumber(label: string, value: number): void {
  if (!Number.isFinite(value)) throw new ProjectFileError('non-finite', `${label} is ${value}; it must be a finite number`);
}

/** A free JSON field (settings, summary, figures, table rows) within its bounds (jsonValue.ts). */
function checkJson(label: string, field: string, value: unknown, bounds: JsonValueBounds): void {
  const problem = jsonValueProblem(value, bounds);
  if (!problem) return;
  const code = /not a finite number/.test(problem.message) ? 'non-finite' : 'invalid-schema';
  throw new ProjectFileError(code, `${label}: ${formatPath([field, ...problem.path])}: ${problem.message}`);
}

/** Throws ProjectFileError on the first problem found. */
export function validateProject(project: Project): void {
  checkUnique('networks', project.networks.map((n) => n.id));
  checkUnique('targets', project.targets.map((t) => t.id));
  checkUnique('training runs', project.runs.map((r) => r.id));
  checkUnique('primitive libraries', project.primitiveLibraries.map((p) => p.id));
  checkUnique('speed manifolds', project.speedManifolds.map((s) => s.id));
  checkUnique('experiment results', project.experimentResults.map((r) => r.id));

  const networks = new Map(project.networks.map((n) => [n.id, n]));
  const targetIds = new Set(project.targets.map((t) => t.id));
  const runIds = new Set(project.runs.map((r) => r.id));

  for (const net of project.networks) {
    const label = `network "${net.name}"`;
    if (!Number.isInteger(net.n) || net.n < 2) throw new ProjectFileError('invalid-schema', `${label}: n must be a whole number ≥ 2, got ${net.n}`);
    if (!Number.isInteger(net.nE) || net.nE < 1 || net.nE > net.n) {
      throw new ProjectFileError('invalid-schema', `${label}: nE must be between 1 and n = ${net.n}, got ${net.nE}`);
    }
    checkLength(`W of ${label}`, net.W, [net.n, net.n], `n = ${net.n}`);
    checkModelValues(`W of ${label}`, net.W);
    if (!Number.isInteger(net.nInitialConditions) || net.nInitialConditions < 1) {
      throw new ProjectFileError('invalid-schema', `${label}: nInitialConditions must be ≥ 1, got ${net.nInitialConditions}`);
    }
    checkLength(
      `initial conditions of ${label}`,
      net.initialConditions,
      [net.nInitialConditions, net.n],
      `${net.nInitialConditions} initial condition(s) of n = ${net.n}`,
    );
    checkModelValues(`initial conditions of ${label}`, net.initialConditions);
    if (net.readout) {
      checkLength(
        `readout of ${label}`,
        net.readout.weights,
        [net.readout.channels, 1 + net.nE],
        `${net.readout.channels} channel(s) with nE = ${net.nE}`,
      );
      checkModelValues(`readout of ${label}`, net.readout.weights);
      if (net.readout.fittedTo !== null && !targetIds.has(net.readout.fittedTo)) {
        throw new ProjectFileError('bad-reference', `readout of ${label} was fitted to target "${net.readout.fittedTo}", which is not in the project`);
      }
    }
    if (net.soc) checkFinite(`SOC α history of ${label}`, net.soc.alphaHistory);
    for (const key of ['tau', 'r0', 'rmax', 'duration'] as const) checkNumber(`${label}: params.${key}`, net.params[key]);
  }

  for (const target of project.targets) {
    const label = `target "${target.name}"`;
    checkLength(label, target.values, [target.channels, target.nSamples], `${target.channels} channel(s) × ${target.nSamples} samples`);
    checkModelValues(label, target.values);
    checkNumber(`${label}: duration`, target.duration);
    if (target.source.kind === 'slow') {
      if (!targetIds.has(target.source.sourceId)) {
        throw new ProjectFileError('bad-reference', `${label} is a slow variant of target "${target.source.sourceId}", which is not in the project`);
      }
      if (target.source.sourceId === target.id) {
        throw new ProjectFileError('bad-reference', `${label} is a slow variant of itself`);
      }
    }
  }

  for (const run of project.runs) {
    const label = `training run "${run.name}"`;
    const net = networks.get(run.networkId);
    if (!net) throw new ProjectFileError('bad-reference', `${label} uses network "${run.networkId}", which is not in the project`);
    for (const id of run.targetIds) {
      if (!targetIds.has(id)) throw new ProjectFileError('bad-reference', `${label} uses target "${id}", which is not in the project`);
    }
    for (const index of run.initialConditionIndices) {
      if (index >= net.nInitialConditions) {
        throw new ProjectFileError('bad-reference', `${label} uses initial condition ${index}, but network "${net.name}" has ${net.nInitialConditions}`);
      }
    }
    checkJson(label, 'settings', run.settings, SETTINGS);
    if (run.groupLabels !== null && run.groupLabels.length !== net.n) {
      throw new ProjectFileError('shape-mismatch', `${label}: groupLabels has ${run.groupLabels.length} entries but the network has n = ${net.n}`);
    }
    run.sessions.forEach((session, k) => {
      const where = `${label}, session ${k + 1}`; // sessions are numbered from 1, as the app shows them
      checkFinite(`error curve of ${where}`, session.errorCurve);
      checkLength(`best gains of ${where}`, session.bestGains, [net.n], `n = ${net.n}`);
      checkModelValues(`best gains of ${where}`, session.bestGains);
      if (session.output) checkNdArray(`output of ${where}`, session.output);
      if (session.bestParameters) checkFinite(`best parameters of ${where}`, session.bestParameters);
    });
    if (run.initialGains) {
      checkLength(`starting gains of ${label}`, run.initialGains, [net.n], `n = ${net.n}`);
      checkModelValues(`starting gains of ${label}`, run.initialGains);
    }
  }

  for (const library of project.primitiveLibraries) {
    const label = `primitive library "${library.name}"`;
    const net = networks.get(library.networkId);
    if (!net) throw new ProjectFileError('bad-reference', `${label} uses network "${library.networkId}", which is not in the project`);
    for (const id of library.runIds) {
      if (!runIds.has(id)) throw new ProjectFileError('bad-reference', `${label} uses training run "${id}", which is not in the project`);
    }
    checkNdArray(`gains of ${label}`, library.gains, true);
    if (library.gains.shape.length !== 2 || library.gains.shape[1] !== net.n) {
      throw new ProjectFileError('shape-mismatch', `gains of ${label} have shape ${shapeText(library.gains.shape)} but need (l, ${net.n})`);
    }
    checkNdArray(`outputs of ${label}`, library.outputs);
  }

  for (const manifold of project.speedManifolds) {
    const label = `speed manifold "${manifold.name}"`;
    const net = networks.get(manifold.networkId);
    if (!net) throw new ProjectFileError('bad-reference', `${label} uses network "${manifold.networkId}", which is not in the project`);
    checkNdArray(`gains of ${label}`, manifold.gains, true);
    if (!shapesEqual(manifold.gains.shape, [manifold.durations.length, net.n])) {
      throw new ProjectFileError(
        'shape-mismatch',
        `gains of ${label} have shape ${shapeText(manifold.gains.shape)} but ${manifold.durations.length} durations and n = ${net.n} need ${shapeText([manifold.durations.length, net.n])}`,
      );
    }
    // format 3 fields (speed manifolds learned in the app)
    const count = manifold.durations.length;
    const perDuration: [string, readonly number[] | null | undefined][] = [
      ['factors', manifold.factors],
      ['initialErrors', manifold.initialErrors],
      ['errors', manifold.errors],
    ];
    for (const [field, values] of perDuration) {
      if (values && values.length !== count) {
        throw new ProjectFileError('shape-mismatch', `${label}: ${field} has ${values.length} entries for ${count} durations`);
      }
    }
    if (manifold.initialConditions) {
      checkNdArray(`initial conditions of ${label}`, manifold.initialConditions, true);
      const shape = manifold.initialConditions.shape;
      if (shape.length !== 2 || shape[1] !== net.n || shape[0] < 1) {
        throw new ProjectFileError('shape-mismatch', `initial conditions of ${label} have shape ${shapeText(shape)} but need (m, ${net.n})`);
      }
    }
    if (manifold.groupLabels && manifold.groupLabels.length !== net.n) {
      throw new ProjectFileError('shape-mismatch', `${label}: groupLabels has ${manifold.groupLabels.length} entries but the network has n = ${net.n}`);
    }
    if (manifold.settings) checkJson(label, 'settings', manifold.settings, SETTINGS);
  }

  for (const result of project.experimentResults) {
    const label = `experiment result "${result.name}"`;
    if (result.networkId !== null && !networks.has(result.networkId)) {
      throw new ProjectFileError('bad-reference', `${label} ran on network "${result.networkId}", which is not in the project`);
    }
    checkNumber(`${label}: elapsedMs`, result.elapsedMs);
    checkJson(label, 'settings', result.settings, SETTINGS);
    // a partial result may hold NaN or ±Infinity in its summary, tables and figures (stored as strings)
    checkJson(label, 'summary', result.summary, { ...SETTINGS, allowNonFinite: true });
    checkJson(label, 'figures', result.figures, { maxBytes: PROJECT_LIMITS.resultFiguresBytes, allowNonFinite: true });
    checkJson(label, 'tables', result.tables, { maxBytes: PROJECT_LIMITS.resultTablesBytes, allowNonFinite: true });
    result.tables.forEach((table, t) => {
      table.rows.forEach((row, r) => {
        if (row.length !== table.columns.length) {
          throw new ProjectFileError('shape-mismatch', `${label}: row ${r} of table "${table.name}" (tables[${t}]) has ${row.length} cells for ${table.columns.length} columns`);
        }
        for (const cell of row) {
          if (typeof cell !== 'number' && typeof cell !== 'string') {
            throw new ProjectFileError('invalid-schema', `${label}: row ${r} of table "${table.name}" holds a ${cell === null ? 'null' : typeof cell}; cells are numbers or strings`);
          }
        }
      });
    });
    result.arrays.forEach((array) => checkNdArray(`array "${array.name}" of ${label}`, array));
  }
}

const SETTINGS: JsonValueBounds = { maxBytes: PROJECT_LIMITS.settingsBytes, object: true };
