/**
 * Speed manifold records in project.json (format 3 and 4, model-spec §10): the in-memory SpeedManifold
 * (schema.ts; its format-3 fields optional) to and from its JSON form, with the defaults a
 * manifold gets when a field is missing (format 2 files, records built by older code).
 */
import type { ArrayRef, NdArray, Project, SpeedManifold, SpeedManifoldJson } from './schema.js';

/** Duration factors of a manifold: durations / T of its network (durations / durations[0] without one). */
export function defaultSpeedFactors(durations: readonly number[], networkDuration: number | null | undefined): number[] {
  const T = networkDuration && networkDuration > 0 ? networkDuration : durations[0] > 0 ? durations[0] : 1;
  return durations.map((d) => d / T);
}

export function speedManifoldToJson(
  manifold: SpeedManifold,
  index: number,
  project: Pick<Project, 'networks'>,
  putNd: (path: string, array: NdArray) => ArrayRef,
): SpeedManifoldJson {
  const network = project.networks.find((n) => n.id === manifold.networkId);
  return {
    id: manifold.id,
    name: manifold.name,
    networkId: manifold.networkId,
    durations: [...manifold.durations],
    gains: putNd(`speed_manifolds/${index}/gains`, manifold.gains),
    factors: manifold.factors ? [...manifold.factors] : defaultSpeedFactors(manifold.durations, network?.params.duration),
    initialConditions: manifold.initialConditions ? putNd(`speed_manifolds/${index}/initial_conditions`, manifold.initialConditions) : null,
    amplitudeScaling: manifold.amplitudeScaling ?? false,
    rule: manifold.rule ?? null,
    settings: { ...(manifold.settings ?? {}) },
    seed: manifold.seed ?? null,
    groupLabels: manifold.groupLabels ? [...manifold.groupLabels] : null,
    initialErrors: manifold.initialErrors ? [...manifold.initialErrors] : null,
    errors: manifold.errors ? [...manifold.errors] : null,
    status: manifold.status ?? 'done',
    notes: manifold.notes ?? '',
    // written only when recorded (files of manifolds kept before they were have neither)
    ...(manifold.startedAt ? { startedAt: manifold.startedAt } : {}),
    ...(manifold.finishedAt ? { finishedAt: manifold.finishedAt } : {}),
  };
}

export function speedManifoldFromJson(json: SpeedManifoldJson, loadNd: (ref: ArrayRef, label: string) => NdArray): SpeedManifold {
  return {
    id: json.id,
    name: json.name,
    networkId: json.networkId,
    durations: [...json.durations],
    gains: loadNd(json.gains, `gains of speed manifold "${json.name}"`),
    factors: [...json.factors],
    initialConditions: json.initialConditions ? loadNd(json.initialConditions, `initial conditions of speed manifold "${json.name}"`) : null,
    amplitudeScaling: json.amplitudeScaling,
    rule: json.rule,
    settings: { ...json.settings },
    seed: json.seed,
    groupLabels: json.groupLabels ? [...json.groupLabels] : null,
    initialErrors: json.initialErrors ? [...json.initialErrors] : null,
    errors: json.errors ? [...json.errors] : null,
    status: json.status,
    notes: json.notes,
    ...(json.startedAt ? { startedAt: json.startedAt } : {}),
    ...(json.finishedAt ? { finishedAt: json.finishedAt } : {}),
  };
}
