/**
 * Conversions between the model-side primitive library / speed manifold and their project-file
 * records (project/schema.ts PrimitiveLibrary, SpeedManifold), so libraries and manifolds can be
 * stored in a .gainlab project. The project record keeps gains and outputs; targets and per-pattern
 * errors live in the training runs it names (runIds).
 */
import type { PrimitiveLibrary as ProjectPrimitiveLibrary, SpeedManifold as ProjectSpeedManifold } from '../project/schema.js';
import type { PrimitiveLibrary } from './library.js';

export function libraryToProject(
  library: PrimitiveLibrary,
  record: { id: string; name: string; networkId: string; runIds?: string[] },
): ProjectPrimitiveLibrary {
  return {
    id: record.id,
    name: record.name,
    networkId: record.networkId,
    runIds: record.runIds ?? [],
    gains: { shape: [library.size, library.n], data: Float64Array.from(library.gains) },
    outputs: { shape: [library.size, library.channels, library.nSamples], data: Float64Array.from(library.outputs) },
    notes: '',
  };
}

/** The model-side library of a project record (targets zero and errors NaN: not stored there). */
export function libraryFromProject(record: ProjectPrimitiveLibrary): PrimitiveLibrary {
  const [size, n] = record.gains.shape;
  const shape = record.outputs.shape;
  const channels = shape.length === 3 ? shape[1] : 1;
  const nSamples = shape[shape.length - 1];
  if (shape[0] !== size) throw new RangeError(`library "${record.name}": ${size} gain patterns but ${shape[0]} outputs`);
  return {
    size,
    n,
    channels,
    nSamples,
    gains: Float64Array.from(record.gains.data),
    outputs: Float64Array.from(record.outputs.data),
    targets: new Float64Array(size * channels * nSamples),
    errors: new Float64Array(size).fill(NaN),
  };
}

export function manifoldToProject(
  manifold: { durations: number[]; gains: Float64Array },
  n: number,
  record: { id: string; name: string; networkId: string },
): ProjectSpeedManifold {
  return {
    id: record.id,
    name: record.name,
    networkId: record.networkId,
    durations: [...manifold.durations],
    gains: { shape: [manifold.durations.length, n], data: Float64Array.from(manifold.gains) },
    notes: '',
  };
}
