/**
 * The set-up the tests of main's services share (projectOwnership, sweepService): calling a
 * channel through the real handlers as web mode does (`call` throws on a refusal, `refused`
 * expects one), the synthetic model as a project network and target, and a fresh project
 * holding them.
 */
import { expect } from 'vitest';
import type { Envelope, InvokeChannel, ProjectSummary, RequestOf, ResponseOf } from '../../src-shared/ipc/contract.js';
import type { ProjectNetwork, TargetMovement } from '../../src-shared/project/schema.js';
import type { AppContext } from '../../src-main/services/appServices.js';
import { dispatch } from '../../src-main/services/handlers.js';
import { syntheticNetwork, syntheticTarget } from './fixtures/syntheticModel.js';

export interface HandlerCalls {
  /** The channel's answer; a refusal throws with its code and message. */
  call<C extends InvokeChannel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>>;
  /** The refusal of a request that must be refused (the request may be malformed on purpose). */
  refused(channel: InvokeChannel, request: unknown): Promise<{ code: string; message: string }>;
  /** project:new, then the synthetic network and target (and `name`, when given). */
  freshProject(options?: { name?: string; initialConditions?: 1 | 2 }): Promise<ProjectSummary>;
}

/** Calls through the handlers of the context `context()` returns (created in a beforeAll). */
export function handlerCalls(context: () => AppContext): HandlerCalls {
  async function call<C extends InvokeChannel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
    const envelope = (await dispatch(context().handlers, channel, request)) as Envelope<ResponseOf<C>>;
    if (!envelope.ok) throw new Error(`${channel}: ${envelope.error.code}: ${envelope.error.message}`);
    return envelope.value;
  }
  async function refused(channel: InvokeChannel, request: unknown): Promise<{ code: string; message: string }> {
    const envelope = await dispatch(context().handlers, channel, request);
    expect(envelope.ok).toBe(false);
    return (envelope as { ok: false; error: { code: string; message: string } }).error;
  }
  async function freshProject(options: { name?: string; initialConditions?: 1 | 2 } = {}): Promise<ProjectSummary> {
    await call('project:new', {});
    const { network, target } = syntheticProjectPieces(options.initialConditions);
    return call('project:update', { ...(options.name ? { name: options.name } : {}), upsertNetworks: [network], upsertTargets: [target] });
  }
  return { call, refused, freshProject };
}

const CREATED_AT = '2026-12-02T00:00:00.000Z';

/**
 * The synthetic model (N = 20, 60 samples) as the project network 'net' and target 'tgt'. With
 * two initial conditions the second is −x0/2 (a distinct start the runs can pick).
 */
export function syntheticProjectPieces(initialConditions: 1 | 2 = 1): { network: ProjectNetwork; target: TargetMovement } {
  const payload = syntheticNetwork();
  const target = syntheticTarget(payload);
  const x0 = Float64Array.from(payload.x0);
  return {
    network: {
      id: 'net',
      name: 'Synthetic N = 20',
      n: payload.n,
      nE: payload.nE,
      W: payload.W,
      initialConditions: initialConditions === 1 ? x0 : Float64Array.from([...x0, ...x0.map((v) => -0.5 * v)]),
      nInitialConditions: initialConditions,
      readout: { channels: 1, weights: payload.readout.weights, fittedTo: null, fitError: null },
      params: { ...payload.params },
      seed: null,
      soc: null,
      origin: 'test',
      createdAt: CREATED_AT,
    },
    target: { id: 'tgt', name: 'Synthetic target', channels: 1, nSamples: target.nSamples, duration: target.duration, values: target.values, source: { kind: 'drawn' }, createdAt: CREATED_AT },
  };
}
