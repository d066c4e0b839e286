/**
 * The recipe of a run stored in the project (runs browser → Export recipe): the run's settings
 * with its network and targets as data, and its results, packed as the .zip `gainlab run` repeats
 * bit for bit (src-shared/runs/recipeArchive.ts).
 */
import { GainLabError, trainingRequestSchema, type TrainingOptions, type TrainingResult } from '../../src-shared/ipc/contract.js';
import { runArchive } from '../../src-shared/runs/recipeArchive.js';
import type { Project, TrainingRun } from '../../src-shared/project/schema.js';
import { findNetwork, findTarget, initialCondition, networkPayload, targetPayload } from './modelSources.js';

/** The training request a stored run was started with, its network and targets inline. */
export function runRequest(project: Project, run: TrainingRun): TrainingOptions {
  const network = findNetwork(project, run.networkId);
  const targets = run.targetIds.map((id) => targetPayload(findTarget(project, id)));
  const indices = run.initialConditionIndices;
  const inline = networkPayload(network, indices[0] ?? 0);
  // the groups the run actually used (specialised groups were resolved from runs when it started)
  const groups = run.groupLabels === null ? { kind: 'neuron' as const } : { kind: 'explicit' as const, labels: [...run.groupLabels] };
  const parsed = trainingRequestSchema.safeParse({
    ...run.settings,
    groups,
    source: { kind: 'inline', network: inline, targets },
    ...(run.initialGains ? { initialGains: run.initialGains } : {}),
    label: run.name,
  });
  if (!parsed.success) {
    throw new GainLabError('invalid-payload', `The settings of run “${run.name}” cannot be replayed: ${parsed.error.issues[0]?.message ?? 'invalid'}.`);
  }
  if (targets.length > 1 && indices.some((index) => index !== indices[0])) {
    // joint runs over several initial conditions: the recipe records one network x0
    for (const index of indices) initialCondition(network, index);
    throw new GainLabError('invalid-payload', `Run “${run.name}” learned over several initial conditions; its recipe cannot be exported yet.`);
  }
  return parsed.data;
}

export function runResult(run: TrainingRun): TrainingResult {
  let bestSession = 0;
  run.sessions.forEach((s, k) => {
    if (s.bestError < run.sessions[bestSession].bestError) bestSession = k;
  });
  return {
    kind: 'training',
    rule: run.rule,
    trainable: ((run.settings as { trainable?: string }).trainable ?? 'gains') as TrainingResult['trainable'],
    initialError: run.initialError ?? NaN,
    sessions: run.sessions.map((s) => ({
      session: s.session,
      seed: s.seed,
      bestGains: s.bestGains,
      bestError: s.bestError,
      bestTrial: s.bestTrial,
      errorCurve: s.errorCurve,
      trialsRun: s.trialsRun,
      ...(s.bestParameters ? { bestParameters: s.bestParameters } : {}),
    })),
    bestSession,
    groupLabels: run.groupLabels ?? [],
    partial: run.status !== 'done',
  };
}

export function runRecipeArchive(project: Project, runId: string, gainlabVersion: string): { fileName: string; bytes: Uint8Array } {
  const run = project.runs.find((r) => r.id === runId);
  if (!run) throw new GainLabError('not-found', `The project has no run "${runId}".`);
  const { fileName, bytes } = runArchive(runRequest(project, run), runResult(run), gainlabVersion, run.finishedAt ?? undefined);
  return { fileName, bytes };
}
