/**
 * jobs:start-experiment: check a request against the chosen definition, resolve the project
 * network (and fig1's target) it names to data, label the job, and hand it to the job manager.
 */
import { GainLabError, type ExperimentOptions, type NetworkPayload, type ResponseOf } from '../../src-shared/ipc/contract.js';
import { checkExperimentOptions, experimentInfo } from '../../src-shared/experiments/catalog.js';
import { DEFAULT_DYNAMICS, type DynamicsParams } from '../../src-shared/model/params.js';
import type { Project } from '../../src-shared/project/schema.js';
import type { JobManager, JobOwner } from './jobManager.js';
import { findNetwork, findTarget, networkPayload } from './modelSources.js';

export interface ResolvedExperiment {
  network: NetworkPayload | null;
  target: Float64Array | null;
  /** The target's name in the project (what the result's summary records as its target). */
  targetName?: string | null;
  label: string;
}

function sameDynamics(p: DynamicsParams): boolean {
  const d = DEFAULT_DYNAMICS;
  return p.tau === d.tau && p.r0 === d.r0 && p.rmax === d.rmax && p.duration === d.duration && p.nSamples === d.nSamples && p.gainFunction === d.gainFunction;
}

/** "Supp. Fig. 1f" from "Supp. Fig. 1f: gains vs …". */
export function experimentShortTitle(title: string): string {
  const colon = title.indexOf(':');
  return colon > 0 ? title.slice(0, colon) : title;
}

export function resolveExperiment(project: Project | null, options: ExperimentOptions): ResolvedExperiment {
  try {
    checkExperimentOptions(options);
  } catch (error) {
    throw new GainLabError('invalid-payload', error instanceof Error ? error.message : String(error));
  }
  const info = experimentInfo(options.experiment);
  let network: NetworkPayload | null = null;
  if (options.networkId) {
    if (!project) throw new GainLabError('not-found', 'No project is open.');
    const projectNetwork = findNetwork(project, options.networkId);
    if (!sameDynamics(projectNetwork.params)) {
      throw new GainLabError('invalid-payload', `The experiments use the paper's dynamics (τ = ${DEFAULT_DYNAMICS.tau} ms, r0 = ${DEFAULT_DYNAMICS.r0} Hz, T = ${DEFAULT_DYNAMICS.duration} ms, ${DEFAULT_DYNAMICS.nSamples} samples); network "${projectNetwork.name}" has other settings.`);
    }
    network = networkPayload(projectNetwork, 0);
  }
  let target: Float64Array | null = null;
  let targetName: string | null = null;
  let channels = 1;
  if (options.targetId) {
    if (!project) throw new GainLabError('not-found', 'No project is open.');
    const movement = findTarget(project, options.targetId);
    if (movement.nSamples !== DEFAULT_DYNAMICS.nSamples || movement.duration !== DEFAULT_DYNAMICS.duration) {
      throw new GainLabError('invalid-payload', `Target "${movement.name}" is not on the default movement grid (${DEFAULT_DYNAMICS.nSamples} samples over ${DEFAULT_DYNAMICS.duration} ms).`);
    }
    target = movement.values;
    targetName = movement.name;
    channels = movement.channels;
  }
  const readoutChannels = network ? network.readout.channels : 1;
  if (readoutChannels !== channels) {
    throw new GainLabError(
      'invalid-payload',
      target
        ? `The target has ${channels} channel(s) but the network's readout has ${readoutChannels}.`
        : `${options.experiment} generates single-channel targets; network "${network?.name}" has a ${readoutChannels}-channel readout.`,
    );
  }
  const label =
    options.label ??
    `${experimentShortTitle(info.title)} (${options.quick ? 'quick' : 'full'}, seed ${options.seed}) · ${network ? network.name : 'own SOC network'}`;
  return { network, target, targetName, label };
}

export function startExperimentJob(jobs: JobManager, project: Project | null, options: ExperimentOptions, owner: JobOwner | null = null): Promise<ResponseOf<'jobs:start-experiment'>> {
  return jobs.startExperiment(options, resolveExperiment(project, options), owner);
}
