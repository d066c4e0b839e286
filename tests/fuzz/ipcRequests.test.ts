/**
 * Fuzzing IPC requests: a valid request of each in-memory channel (against the synthetic example
 * project, loaded afresh for every case) mutated semantically — fields deleted, retyped, extreme,
 * nested, typed arrays shortened, lengthened or holding NaN — and dispatched through the real
 * handler table (src-main/services/handlers.ts dispatch), interactive simulations run in this
 * thread. Each answer must be an envelope (dispatch never throws), and an error envelope must have
 * a code other than 'internal' (an exception that leaked) and a one-line message; after an
 * accepted one the open project must still save.
 * Channels that write files or plan sweeps (save, saveAs, sweeps:plan/run/export) are fuzzed in
 * tests/fuzz/fileWrites.test.ts, with a sandbox folder to check what they write.
 */
import { afterAll, describe, it } from 'vitest';
import type { Envelope, InvokeChannel, ProjectSummary } from '../../src-shared/ipc/contract.js';
import { encodeProject } from '../../src-shared/project/archive.js';
import { createHandlers, dispatch, type AppServices } from '../../src-main/services/handlers.js';
import { createJobManager } from '../../src-main/services/jobManager.js';
import { resolveSource } from '../../src-main/services/modelSources.js';
import { syntheticExampleProject } from '../../src-main/services/example.js';
import runModelTask from '../../src-main/worker/modelWorker.js';
import type { WorkerTask } from '../../src-main/worker/protocol.js';
import { testProjects } from '../main/fixtures/testProjects.js';
import { syntheticNetwork, syntheticTarget } from '../main/fixtures/syntheticModel.js';
import { expectNoFailures, messageProblem, mutateValue, numericLeaves, runCases } from './fuzz.js';

const projects = testProjects({ loadExample: () => syntheticExampleProject(new Date(0), 20) });
const jobs = createJobManager({
  // long jobs never run here: a started job fails at once, after dispatch has answered
  pool: { run: async () => Promise.reject(new Error('no long jobs in the fuzz tests')), destroy: async () => undefined },
  interactivePool: { run: (task: WorkerTask) => runModelTask(task), destroy: async () => undefined },
  emit: () => undefined,
  // as the app wires it (appServices.ts)
  resolveSource: (source) => resolveSource(projects.project(), source),
});
const services: AppServices = { mode: 'web', version: '0.0.0-fuzz', platform: 'test', workerThreads: 1, jobs, projects };
const handlers = createHandlers(services);
afterAll(() => jobs.dispose());

const network = syntheticNetwork();
const target = { ...syntheticTarget(network) };

async function loadExample(): Promise<ProjectSummary> {
  const loaded = (await dispatch(handlers, 'example:load', {})) as Envelope<ProjectSummary>;
  if (!loaded.ok) throw new Error(`example:load failed: ${loaded.error.message}`);
  return loaded.value;
}

describe('fuzzing IPC requests', () => {
  it('valid requests of each channel, mutated', async () => {
    const summary = await loadExample();
    const view = summary.project;
    const networkId = view.networks[0].id;
    const targetId = view.targets[0].id;
    const runId = view.runs[0]?.id ?? 'no-run';
    const projectBytes = encodeProject(syntheticExampleProject(new Date(0), 20));
    const requests: [InvokeChannel, unknown][] = [
      ['jobs:start-training', { source: { kind: 'project', networkId, targetIds: [targetId] }, rule: 'reward', trials: 10, sigma: 0.01, alpha: 0.3, groups: { kind: 'random', count: 4 }, seed: 1, sessions: 1 }],
      ['jobs:start-training', { source: { kind: 'inline', network, targets: [target] }, rule: 'gradient', trials: 5, learningRate: 0.01, groups: { kind: 'neuron' }, seed: 2, initialGains: new Float64Array(network.n).fill(1) }],
      ['jobs:start-soc', { n: 20, seed: 3, recipe: 'adaptive', p: 0.2, R: 10, gamma: 3, targetAlpha: 0.15 }],
      ['jobs:get', { jobId: 'job-1' }],
      ['simulate:run', { network: { networkId, initialConditionIndex: 0 }, target: { targetId }, includeRates: false }],
      ['simulate:run', { network, gains: new Float64Array(network.n).fill(1.1), target, includeRates: true }],
      ['project:update', { name: 'Renamed', notes: 'notes', upsertTargets: [{ id: 'fuzz-target', name: 'Fuzz', channels: 1, nSamples: target.nSamples, duration: target.duration, values: target.values, source: { kind: 'drawn' }, createdAt: '2026-01-01T00:00:00.000Z' }] }],
      ['project:update', { importNetwork: { name: 'Imported', n: network.n, W: network.W, x0: network.x0, readout: { channels: 1, weights: network.readout.weights } } }],
      ['project:network', { networkId, withoutWeights: true }],
      ['project:network-rows', { networkId, from: 0, to: 4 }],
      ['project:run', { runId }],
      ['project:edit-item', { item: { collection: 'networks', id: networkId }, name: 'Renamed network', notes: 'n' }],
      ['project:dependents', { items: [{ collection: 'targets', id: targetId }] }],
      ['project:remove-items', { items: [{ collection: 'targets', id: targetId }], withDependents: true }],
      ['project:import', { fileName: 'fuzz.gainlab', bytes: projectBytes }],
      ['project:open', { path: '/nonexistent/fuzz.gainlab' }],
      ['runs:recipe', { runId }],
      ['project:pending', { action: 'discard' }],
      ['jobs:start-speed', { networkId, initialConditions: 1, speeds: 3, maxFactor: 2, amplitude: 'scaled', rule: 'reward', trials: 10, sigma: 0.001, groups: { kind: 'random', count: 4 }, seed: 5 }],
      ['jobs:start-experiment', { experiment: 'fig1', quick: true, seed: 1, networkId, targetId }],
      ['jobs:cancel', { jobId: 'job-1' }],
      ['primitives:create-library', { networkId, name: 'Library', runIds: [runId], jobIds: [] }],
      ['primitives:fit', { libraryId: view.primitiveLibraries[0]?.id ?? 'no-library', networkId, target: { targetId }, ridge: 0.1 }],
      ['project:library', { libraryId: view.primitiveLibraries[0]?.id ?? 'no-library' }],
      ['project:result', { resultId: view.experimentResults[0]?.id ?? 'no-result' }],
      ['project:recover', { restore: false }],
      ['sweeps:import', { fileName: 'results.gainlab-sweep', bytes: projectBytes }],
    ];
    const result = await runCases('ipc', 8086, 400, (fz) => {
      const [channel, request] = fz.pick(requests);
      // half the cases mostly change numbers and arrays, which reach the handlers more often than retyped fields
      const mutated = mutateValue(request, fz, fz.chance(0.5) ? numericLeaves : undefined);
      return {
        description: `${channel}: ${mutated.description}`,
        run: async (outcome) => {
          await loadExample();
          const envelope = await dispatch(handlers, channel, mutated.value);
          outcome(envelope.ok ? 'ok' : envelope.error.code);
          if (envelope.ok) {
            // no accepted request leaves the open project in a state it cannot be saved in
            try {
              encodeProject(projects.project());
              return null;
            } catch (error) {
              return `accepted, but the project no longer saves: ${String(error).slice(0, 300)}`;
            }
          }
          if (envelope.error.code === 'internal') return `internal error: ${envelope.error.message.slice(0, 300)}`;
          return messageProblem(envelope.error.message);
        },
      };
    });
    expectNoFailures(result);
  });
});
