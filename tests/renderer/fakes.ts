/** Test doubles for the renderer: a scriptable WebSocket and an in-memory AppTransport. */
import { createProjectViewer } from '../../src-shared/project/view.js';
import {
  okEnvelope,
  type Envelope,
  type EventChannel,
  type EventPayloadOf,
  type InvokeChannel,
  type JobSummary,
  type RequestOf,
  type ResponseOf,
} from '../../src-shared/ipc/contract.js';
import { WireReader, encodeValue, type WireData } from '../../src-shared/ipc/wire.js';
import type { WebSocketLike } from '../../src-shared/ipc/wsTransport.js';
import type { AppTransport, ConnectionChange, ConnectionState } from '../../src-renderer/transport/reconnectingTransport.js';

type Listener = (event?: { data: unknown }) => void;

export class FakeSocket implements WebSocketLike {
  readyState = 0;
  binaryType?: string;
  /** Frames the client sent, decoded (binary parts reassembled by the real wire reader). */
  readonly sent: { type: string; id: number; channel: string; payload: unknown }[] = [];
  /** Every message the client sent, raw (text, or bytes of a binary part). */
  readonly sentMessages: Array<string | Uint8Array> = [];
  private readonly reader = new WireReader({
    frame: (frame) => this.sent.push(frame as FakeSocket['sent'][number]),
    refused: (refusal) => {
      throw new Error(`the client sent an unreadable frame: ${refusal.message}`);
    },
  });
  private readonly listeners: Record<string, Listener[]> = { open: [], close: [], error: [], message: [] };

  addEventListener(type: 'open' | 'close' | 'error', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: string, listener: (() => void) | ((event: { data: unknown }) => void)): void {
    this.listeners[type].push(listener as Listener);
  }
  send(data: string | ArrayBufferView<ArrayBuffer>): void {
    if (this.readyState !== 1) throw new Error('send on a socket that is not open');
    const copy = typeof data === 'string' ? data : new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
    this.sentMessages.push(copy);
    this.reader.read(copy);
  }
  close(): void {
    this.drop();
  }
  // --- driven by the test ---
  open(): void {
    this.readyState = 1;
    for (const l of this.listeners.open) l();
  }
  /** Deliver a frame as the server would: its JSON text, then its large arrays as binary messages. */
  receive(frame: Record<string, unknown>): void {
    const { json, binary } = encodeValue(frame);
    const text = binary.length > 0 ? `{"binary":${binary.length},${json.slice(1)}` : json;
    this.receiveRaw(text);
    for (const part of binary) this.receiveRaw(new Uint8Array(part).buffer);
  }
  /** Deliver one raw message (a string, or an ArrayBuffer as with binaryType 'arraybuffer'). */
  receiveRaw(data: WireData): void {
    for (const l of this.listeners.message) l({ data });
  }
  drop(): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    for (const l of this.listeners.close) l();
  }
}

/** A manual clock for the transport's timers. */
export class ManualTimers {
  private now = 0;
  private nextHandle = 1;
  private readonly timers = new Map<number, { at: number; callback: () => void }>();
  setTimer = (callback: () => void, ms: number): unknown => {
    const handle = this.nextHandle++;
    this.timers.set(handle, { at: this.now + ms, callback });
    return handle;
  };
  clearTimer = (handle: unknown): void => {
    this.timers.delete(handle as number);
  };
  /** Advance the clock, firing due timers in time order. */
  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      let next: [number, { at: number; callback: () => void }] | null = null;
      for (const entry of this.timers) if (entry[1].at <= until && (!next || entry[1].at < next[1].at)) next = entry;
      if (!next) break;
      this.timers.delete(next[0]);
      this.now = next[1].at;
      next[1].callback();
    }
    this.now = until;
  }
  get pending(): number {
    return this.timers.size;
  }
}

type Handler = (request: unknown) => Envelope<unknown> | Promise<Envelope<unknown>>;

/** An AppTransport whose channels are answered by test handlers and whose events the test emits. */
export class FakeTransport implements AppTransport {
  readonly mode = 'web' as const;
  readonly calls: { channel: string; request: unknown }[] = [];
  private readonly handlers = new Map<string, Handler>();
  private readonly eventListeners = new Map<string, Set<(payload: unknown) => void>>();
  private readonly stateListeners = new Set<(change: ConnectionChange) => void>();
  private state: ConnectionState = 'open';

  handle<C extends InvokeChannel>(channel: C, handler: (request: RequestOf<C>) => Envelope<ResponseOf<C>> | Promise<Envelope<ResponseOf<C>>>): void {
    this.handlers.set(channel, handler as Handler);
  }
  answer<C extends InvokeChannel>(channel: C, value: (request: RequestOf<C>) => ResponseOf<C>): void {
    this.handle(channel, (request) => okEnvelope(value(request)));
  }
  async invoke<C extends InvokeChannel>(channel: C, request: RequestOf<C>): Promise<Envelope<ResponseOf<C>>> {
    this.calls.push({ channel, request });
    const handler = this.handlers.get(channel);
    if (!handler) return { ok: false, error: { code: 'not-found', message: `no handler for ${channel}` } };
    return (await handler(request)) as Envelope<ResponseOf<C>>;
  }
  on<E extends EventChannel>(channel: E, listener: (payload: EventPayloadOf<E>) => void): () => void {
    let set = this.eventListeners.get(channel);
    if (!set) this.eventListeners.set(channel, (set = new Set()));
    set.add(listener as (payload: unknown) => void);
    return () => set!.delete(listener as (payload: unknown) => void);
  }
  emit<E extends EventChannel>(channel: E, payload: EventPayloadOf<E>): void {
    for (const listener of this.eventListeners.get(channel) ?? []) listener(payload);
  }
  connectionState(): ConnectionState {
    return this.state;
  }
  onConnectionChange(listener: (change: ConnectionChange) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }
  setState(state: ConnectionState, reconnected = false): void {
    this.state = state;
    for (const l of this.stateListeners) l({ state, reconnected });
  }
  close(): void {}
  callsTo(channel: string): unknown[] {
    return this.calls.filter((c) => c.channel === channel).map((c) => c.request);
  }
}

/** Let queued promise callbacks run. */
export async function flushPromises(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** A project summary as main sends it (the project's view, no bulk arrays), for store tests. */
export function summaryOf(
  project: import('../../src-shared/project/schema.js').Project,
  fields: Partial<Omit<import('../../src-shared/ipc/contract.js').ProjectSummary, 'project'>> = {},
): import('../../src-shared/ipc/contract.js').ProjectSummary {
  return {
    path: null,
    name: project.name,
    dirty: false,
    revision: 1,
    undo: null,
    redo: null,
    autosave: { state: 'idle', at: null, message: null },
    pending: null,
    recoveryOffer: null,
    ...fields,
    project: viewer(project),
  };
}
const viewer = createProjectViewer();

/** A 3-sample target movement on the tiny network's grid. */
export function tinyTarget(id: string, name: string): import('../../src-shared/project/schema.js').TargetMovement {
  return { id, name, channels: 1, nSamples: 3, duration: 500, values: new Float64Array(3), source: { kind: 'published' }, createdAt: 'x' };
}

/** A project network with N = 2 (no real dynamics): what the stores need of one. */
export function tinyNetwork(id: string, withReadout = true): import('../../src-shared/project/schema.js').ProjectNetwork {
  return {
    id,
    name: id,
    n: 2,
    nE: 1,
    W: new Float64Array(4),
    initialConditions: new Float64Array([1, 2]),
    nInitialConditions: 1,
    readout: withReadout ? { channels: 1, weights: new Float64Array(2), fittedTo: null, fitError: null } : null,
    params: { tau: 200, r0: 20, rmax: 100, duration: 500, nSamples: 3, gainFunction: 'tanh' },
    seed: null,
    soc: null,
    origin: 'published',
    createdAt: 'x',
  };
}

/** A running training job's summary as main lists it (jobs:list), with `patch` applied. */
export function jobSummary(jobId: string, patch: Partial<JobSummary> = {}): JobSummary {
  return {
    jobId,
    kind: 'training',
    label: `job ${jobId}`,
    status: 'running',
    percent: 10,
    trial: 10,
    totalTrials: 100,
    bestError: 3,
    createdAt: 1000,
    startedAt: 1000,
    finishedAt: null,
    error: null,
    projectId: null,
    projectName: null,
    queuePosition: null,
    etaMs: null,
    ...patch,
  };
}

/** A reward-rule training job's detail as main sends it (jobs:get): `sessions` of `trials` trials on a project's network and target, no points yet. */
export function rewardJobDetail(summary: JobSummary, run: { trials: number; sessions: number; networkId: string; targetId: string }): import('../../src-shared/ipc/contract.js').JobDetail {
  return {
    ...summary,
    request: {
      rule: 'reward',
      trials: run.trials,
      groups: { kind: 'neuron' },
      seed: 1,
      sessions: run.sessions,
      sigma: 0.001,
      alpha: 0.3,
      learningRate: 0.01,
      trainable: 'gains',
      purpose: 'train',
      source: { kind: 'project', networkId: run.networkId, targetIds: [run.targetId] },
    },
    errorsBySession: [],
    result: null,
  };
}
