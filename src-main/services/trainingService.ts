/**
 * Training requests in main: what the renderer names by reference is resolved here from the
 * project main owns, so a run records exactly what it trained with.
 */
import { GainLabError, type GroupsSpec, type ParsedRequestOf } from '../../src-shared/ipc/contract.js';
import { specialisedGroups } from '../../src-shared/model/groups.js';
import type { Project } from '../../src-shared/project/schema.js';
import { findNetwork } from './modelSources.js';

type TrainingRequestParsed = ParsedRequestOf<'jobs:start-training'>;

/**
 * Specialised groups [GainLab definition, model-spec §7]: the neurons clustered (k-means,
 * seeded by the run's seed) by their gain changes g − 1 across the chosen neuron-specific runs'
 * best patterns. Becomes explicit labels, which the run records.
 */
export function resolveTrainingGroups(project: Project, request: TrainingRequestParsed): GroupsSpec {
  const groups = request.groups;
  if (groups.kind !== 'specialised') return groups;
  if (request.source.kind !== 'project') {
    throw new GainLabError('invalid-payload', 'Specialised groups are learned from runs of the open project; train on a project network.');
  }
  const network = findNetwork(project, request.source.networkId);
  const patterns = groups.runIds.map((runId) => {
    const run = project.runs.find((r) => r.id === runId);
    if (!run) throw new GainLabError('not-found', `The project has no run "${runId}" to learn groups from.`);
    if (run.networkId !== network.id) throw new GainLabError('invalid-payload', `Run “${run.name}” was trained on another network; specialised groups need runs on “${network.name}”.`);
    if (run.groupLabels !== null) throw new GainLabError('invalid-payload', `Run “${run.name}” learned grouped gains; specialised groups need neuron-specific runs.`);
    if (run.sessions.length === 0) throw new GainLabError('invalid-payload', `Run “${run.name}” has no finished session.`);
    let best = run.sessions[0];
    for (const session of run.sessions) if (session.bestError < best.bestError) best = session;
    return best.bestGains.map((g) => g - 1);
  });
  if (groups.count > network.n) throw new GainLabError('invalid-payload', `Cannot make ${groups.count} groups of ${network.n} neurons.`);
  return { kind: 'explicit', labels: Array.from(specialisedGroups(patterns, groups.count, request.seed)) };
}
