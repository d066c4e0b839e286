/**
 * The renderer's Transport over the web-mode WebSocket (protocol: see contract.ts header).
 * Takes a WebSocket-like object so this file needs no DOM types (src-shared rule); in the browser:
 *   createWebSocketTransport(new WebSocket(webSocketUrl(location)))
 */
import {
  CHANNELS,
  errorEnvelope,
  isEventChannel,
  type Envelope,
  type EventChannel,
  type EventPayloadOf,
  type InvokeChannel,
  type RequestOf,
  type ResponseOf,
  type Transport,
} from './contract.js';
import { WireReader, encodeValue, invokeMessage, type WireData, type WireFrame, type WireMessage, type WireRefusal } from './wire.js';

/** The subset of the browser WebSocket (and of npm `ws`) this transport uses. */
export interface WebSocketLike {
  readonly readyState: number;
  /** Set to 'arraybuffer' so binary parts arrive as bytes (browsers default to Blob). */
  binaryType?: string;
  send(data: string | ArrayBufferView<ArrayBuffer>): void;
  close(): void;
  addEventListener(type: 'open' | 'close' | 'error', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

const OPEN = 1;

/** The wire version this client speaks, announced in the WebSocket URL (`&wire=2`). */
export const CLIENT_WIRE_VERSION = 2;

/** How long a call waits for its answer by default. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 120_000;
/**
 * Calls that may legitimately work for minutes in main: whole-project file work (open, save,
 * import, export of large projects) and computations answered inline (initial conditions and
 * readout fits of a large network inside project:update, simulations, primitive fits).
 */
export const SLOW_CHANNEL_TIMEOUT_MS = 600_000;
const SLOW_CHANNELS: ReadonlySet<string> = new Set([
  CHANNELS.projectOpen,
  CHANNELS.projectSave,
  CHANNELS.projectSaveAs,
  CHANNELS.projectImport,
  CHANNELS.projectExport,
  CHANNELS.projectUpdate,
  CHANNELS.simulateRun,
  CHANNELS.primitivesFit,
  CHANNELS.primitivesCreateLibrary,
]);

/** The default timeout of a channel (ms). */
export function defaultRequestTimeoutMs(channel: string): number {
  return SLOW_CHANNELS.has(channel) ? SLOW_CHANNEL_TIMEOUT_MS : DEFAULT_REQUEST_TIMEOUT_MS;
}

/** One timeout for every channel, or one per channel (ms). */
export type RequestTimeout = number | ((channel: string) => number);

export function timeoutFor(option: RequestTimeout | undefined, channel: string): number {
  if (option === undefined) return defaultRequestTimeoutMs(channel);
  return typeof option === 'function' ? option(channel) : option;
}

export function requestTimeoutMessage(channel: string, ms: number): string {
  const seconds = ms >= 10_000 ? String(Math.round(ms / 1000)) : String(Math.round(ms / 100) / 10);
  return `GainLab did not answer ${channel} within ${seconds} s.`;
}

/** The invoke frame for a request, or an error envelope when the request cannot be encoded. */
export function encodeInvoke(id: number, channel: string, payload: unknown): WireMessage | Envelope<never> {
  try {
    return invokeMessage(id, channel, encodeValue(payload));
  } catch (error) {
    return errorEnvelope('invalid-payload', `The request ${channel} cannot be sent (${error instanceof Error ? error.message : String(error)}).`);
  }
}

/** A frame's messages, back to back (nothing else can be sent in between: send is synchronous). */
export function sendWireMessage(socket: WebSocketLike, message: WireMessage): void {
  socket.send(message.text);
  // parts are views of the payload's own typed arrays (never shared memory in GainLab)
  for (const part of message.binary) socket.send(part as Uint8Array<ArrayBuffer>);
}

/** Message data of a WebSocket event as the WireReader takes it (null for anything else, e.g. a Blob). */
export function wireData(data: unknown): WireData | null {
  if (typeof data === 'string' || data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return data;
  return null;
}

/** The error envelope a call gets when its answer arrived but could not be read. */
export function unreadableAnswer(channel: string, refusal: WireRefusal): Envelope<never> {
  return errorEnvelope('internal', `GainLab's answer to ${channel} could not be read: ${refusal.message}.`);
}

export type { WireFrame };

/**
 * URL of the web-mode WebSocket for a page served at `location` (token taken from ?token=).
 * Pass `{ protocol, host, search }` of window.location.
 */
export function webSocketUrl(location: { protocol: string; host: string; search: string }): string {
  const token = tokenFromSearch(location.search);
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/ws?token=${encodeURIComponent(token)}&wire=${CLIENT_WIRE_VERSION}`;
}

/** The `token` query parameter of a `?a=b&token=...` search string ('' when absent). */
export function tokenFromSearch(search: string): string {
  for (const part of search.replace(/^\?/, '').split('&')) {
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    if (key === 'token') return decodeURIComponent(eq < 0 ? '' : part.slice(eq + 1).replace(/\+/g, ' '));
  }
  return '';
}

export interface WebSocketTransport extends Transport {
  /** Resolves once the socket is open (invoke waits for it anyway). */
  ready: Promise<void>;
  close(): void;
}

export interface WebSocketTransportOptions {
  /** How long a call waits for its answer (default: 120 s, 10 min for slow channels); it then gets an 'io' error envelope. */
  requestTimeoutMs?: RequestTimeout;
  setTimer?: (callback: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

/** The host's timers (browser, Node and workers all have them; src-shared declares no host types). */
const hostTimers = globalThis as unknown as {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
};

interface PendingCall {
  channel: string;
  settle: (envelope: Envelope<unknown>) => void;
  timer: unknown;
}

export function createWebSocketTransport(socket: WebSocketLike, options: WebSocketTransportOptions = {}): WebSocketTransport {
  const setTimer = options.setTimer ?? ((callback: () => void, ms: number) => hostTimers.setTimeout(callback, ms));
  const clearTimer = options.clearTimer ?? ((handle: unknown) => hostTimers.clearTimeout(handle));
  let nextId = 1;
  const pending = new Map<number, PendingCall>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let closed = false;
  socket.binaryType = 'arraybuffer';

  const ready = new Promise<void>((resolve, reject) => {
    if (socket.readyState === OPEN) resolve();
    socket.addEventListener('open', () => resolve());
    socket.addEventListener('error', () => reject(new Error('WebSocket connection failed')));
  });
  ready.catch(() => undefined);

  function settle(id: number, envelope: Envelope<unknown>): void {
    const call = pending.get(id);
    if (!call) return;
    pending.delete(id);
    clearTimer(call.timer);
    call.settle(envelope);
  }

  socket.addEventListener('close', () => {
    closed = true;
    for (const id of [...pending.keys()]) settle(id, errorEnvelope('io', 'The connection to GainLab closed.'));
  });

  const reader = new WireReader({
    frame(frame) {
      if (frame.type === 'result' && typeof frame.id === 'number') {
        settle(frame.id, frame.envelope as Envelope<unknown>);
      } else if (frame.type === 'event' && isEventChannel(frame.channel)) {
        for (const listener of listeners.get(frame.channel) ?? []) listener(frame.payload);
      }
    },
    refused(refusal) {
      const call = refusal.id === null ? undefined : pending.get(refusal.id);
      if (call) settle(refusal.id!, unreadableAnswer(call.channel, refusal));
    },
  });

  socket.addEventListener('message', (event: { data: unknown }) => {
    const data = wireData(event.data);
    if (data !== null) reader.read(data);
  });

  return {
    ready,
    async invoke<C extends InvokeChannel>(channel: C, request: RequestOf<C>): Promise<Envelope<ResponseOf<C>>> {
      try {
        await ready;
      } catch {
        return errorEnvelope('io', 'Could not connect to GainLab.');
      }
      if (closed) return errorEnvelope('io', 'The connection to GainLab closed.');
      const id = nextId++;
      const message = encodeInvoke(id, channel, request);
      if ('ok' in message) return message;
      return new Promise((resolve) => {
        const ms = timeoutFor(options.requestTimeoutMs, channel);
        const timer = setTimer(() => settle(id, errorEnvelope('io', requestTimeoutMessage(channel, ms))), ms);
        pending.set(id, { channel, settle: resolve as (envelope: Envelope<unknown>) => void, timer });
        sendWireMessage(socket, message);
      });
    },
    on<E extends EventChannel>(channel: E, listener: (payload: EventPayloadOf<E>) => void): () => void {
      let set = listeners.get(channel);
      if (!set) listeners.set(channel, (set = new Set()));
      const untyped = listener as (payload: unknown) => void;
      set.add(untyped);
      return () => set!.delete(untyped);
    },
    close() {
      socket.close();
    },
  };
}
