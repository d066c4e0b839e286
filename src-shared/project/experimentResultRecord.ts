/**
 * Experiment results in project.json (format 4): the in-memory ExperimentResultRecord (schema.ts)
 * to and from its JSON form. Arrays go to arrays/results/<i>/<k>.npy; settings, summary, tables,
 * figures and texts stay in project.json, where NaN and ±Infinity in the summary, table cells and
 * figures are the strings "NaN", "Infinity", "-Infinity" (jsonValue.ts).
 */
import { decodeNonFinite, encodeNonFinite } from './jsonValue.js';
import type { ArrayRef, ExperimentResultJson, ExperimentResultRecord, NdArray } from './schema.js';

export function experimentResultToJson(
  result: ExperimentResultRecord,
  index: number,
  putNd: (path: string, array: NdArray) => ArrayRef,
): ExperimentResultJson {
  return {
    id: result.id,
    name: result.name,
    kind: result.kind,
    definition: result.definition,
    quick: result.quick,
    seed: result.seed,
    networkId: result.networkId,
    networkName: result.networkName,
    settings: result.settings,
    summary: encodeNonFinite(result.summary) as Record<string, unknown>,
    tables: result.tables.map((table) => ({
      name: table.name,
      columns: [...table.columns],
      rows: table.rows.map((row) => row.map((cell) => encodeNonFinite(cell) as number | string)),
    })),
    arrays: result.arrays.map((array, k) => ({ name: array.name, ...putNd(`results/${index}/${k}`, array) })),
    figures: encodeNonFinite(result.figures) as unknown[],
    texts: result.texts.map((text) => ({ name: text.name, mediaType: text.mediaType, text: text.text })),
    status: result.status,
    elapsedMs: result.elapsedMs,
    startedAt: result.startedAt,
    finishedAt: result.finishedAt,
    notes: result.notes,
  };
}

export function experimentResultFromJson(json: ExperimentResultJson, loadNd: (ref: ArrayRef, label: string) => NdArray): ExperimentResultRecord {
  const label = `experiment result "${json.name}"`;
  return {
    id: json.id,
    name: json.name,
    kind: json.kind,
    definition: json.definition,
    quick: json.quick,
    seed: json.seed,
    networkId: json.networkId,
    networkName: json.networkName,
    settings: json.settings,
    summary: decodeNonFinite(json.summary) as Record<string, unknown>,
    tables: json.tables.map((table) => ({
      name: table.name,
      columns: [...table.columns],
      rows: table.rows.map((row) => row.map((cell) => decodeNonFinite(cell) as number | string)),
    })),
    arrays: json.arrays.map((array) => {
      const { shape, data } = loadNd({ path: array.path, shape: array.shape }, `array "${array.name}" of ${label}`);
      return { name: array.name, shape, data };
    }),
    figures: decodeNonFinite(json.figures) as unknown[],
    texts: json.texts.map((text) => ({ name: text.name, mediaType: text.mediaType, text: text.text })),
    status: json.status,
    elapsedMs: json.elapsedMs,
    startedAt: json.startedAt,
    finishedAt: json.finishedAt,
    notes: json.notes,
  };
}
