/**
 * The web-mode Transport: one WebSocket at a time to the GainLab server (protocol in
 * src-shared/ipc/contract.ts), re-opened with back-off when it drops.
 *
 * Why not src-shared/ipc/wsTransport.ts directly: that client lives for one socket. A researcher
 * leaves the page open for hours while jobs run in main; a server restart or a laptop sleep must
 * not leave the page dead. So this wrapper
 * - keeps the event listeners across sockets (a new socket gets the same subscribers),
 * - rejects the calls that were in flight when a socket closes, with a ConnectionLostError that
 *   says so in plain words (their answer can never arrive: ids are per socket),
 * - queues calls made while (re)connecting and sends them once open, or rejects them after
 *   `queueTimeoutMs` so nothing hangs forever,
 * - rejects a call whose answer has not come within `requestTimeoutMs` (default 120 s; 10 min
 *   for channels that may work for minutes, see wsTransport.ts) with a RequestTimeoutError naming
 *   the channel (a late answer is then ignored),
 * - speaks wire v2 (wire.ts): large typed arrays as binary messages, both ways,
 * - reports its state so the UI can show a banner and the stores can re-sync after a reconnect
 *   (events sent while we were away are lost; jobs:list / jobs:get fill the gap).
 *
 * No DOM types here (the unit tests run in Node): the socket comes from a factory.
 */
import {
  isEventChannel,
  type Envelope,
  type EventChannel,
  type EventPayloadOf,
  type InvokeChannel,
  type RequestOf,
  type ResponseOf,
  type Transport,
} from '../../src-shared/ipc/contract.js';
import { WireReader } from '../../src-shared/ipc/wire.js';
import {
  encodeInvoke,
  requestTimeoutMessage,
  sendWireMessage,
  timeoutFor,
  unreadableAnswer,
  wireData,
  type RequestTimeout,
  type WebSocketLike,
} from '../../src-shared/ipc/wsTransport.js';

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface ConnectionChange {
  state: ConnectionState;
  /** true on an 'open' that follows a lost connection: state on the page may be stale. */
  reconnected: boolean;
}

/** A transport the UI can observe: Electron's is always 'open'. */
export interface AppTransport extends Transport {
  readonly mode: 'electron' | 'web';
  connectionState(): ConnectionState;
  onConnectionChange(listener: (change: ConnectionChange) => void): () => void;
  close(): void;
}

/** Thrown (as a rejection) when a call cannot get an answer because the connection is gone. */
export class ConnectionLostError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConnectionLostError';
  }
}

/** Thrown (as a rejection) when the server has not answered a call within its timeout. */
export class RequestTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RequestTimeoutError';
  }
}

export interface ReconnectOptions {
  /** Delays before successive reconnect attempts; the last one repeats. */
  retryDelaysMs?: number[];
  /** How long a call made while disconnected waits for the connection before it is rejected. */
  queueTimeoutMs?: number;
  /** How long a sent call waits for its answer (default 120 s, 10 min for slow channels; a number or one per channel). */
  requestTimeoutMs?: RequestTimeout;
  setTimer?: (callback: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

const SOCKET_OPEN = 1;

interface Call {
  resolve: (envelope: Envelope<unknown>) => void;
  reject: (error: Error) => void;
  channel: string;
  payload: unknown;
  /** The queue timer while waiting for a connection, then the answer timer. */
  timer: unknown;
}

export function createReconnectingTransport(
  openSocket: () => WebSocketLike,
  options: ReconnectOptions = {},
): AppTransport {
  const retryDelaysMs = options.retryDelaysMs ?? [300, 1000, 2000, 4000];
  const queueTimeoutMs = options.queueTimeoutMs ?? 15_000;
  const setTimer = options.setTimer ?? ((callback: () => void, ms: number) => setTimeout(callback, ms));
  const clearTimer = options.clearTimer ?? ((handle: unknown) => clearTimeout(handle as ReturnType<typeof setTimeout>));

  let socket: WebSocketLike | null = null;
  let state: ConnectionState = 'connecting';
  let everOpened = false;
  let attempt = 0;
  let retryTimer: unknown = null;
  let nextId = 1;
  const pending = new Map<number, Call>();
  const queued: Call[] = [];
  const eventListeners = new Map<string, Set<(payload: unknown) => void>>();
  const stateListeners = new Set<(change: ConnectionChange) => void>();

  function setState(next: ConnectionState, reconnected = false): void {
    if (next === state && !reconnected) return;
    state = next;
    for (const listener of [...stateListeners]) listener({ state: next, reconnected });
  }

  /** Send a call on the open socket and start its answer timer. */
  function send(call: Call): void {
    const id = nextId++;
    const message = encodeInvoke(id, call.channel, call.payload);
    // the payload itself cannot travel (too deep, too large): answer at once, nothing was sent
    if ('ok' in message) return call.resolve(message);
    call.payload = null; // the frame holds it now; do not keep a second reference while waiting
    const ms = timeoutFor(options.requestTimeoutMs, call.channel);
    call.timer = setTimer(() => {
      if (pending.get(id) !== call) return;
      pending.delete(id);
      call.reject(new RequestTimeoutError(`${requestTimeoutMessage(call.channel, ms)} It may still be working; try again in a moment.`));
    }, ms);
    pending.set(id, call);
    sendWireMessage(socket!, message);
  }

  function settle(id: number, envelope: Envelope<unknown>): void {
    const call = pending.get(id);
    if (!call) return; // timed out already, or a stale id
    pending.delete(id);
    clearTimer(call.timer);
    call.resolve(envelope);
  }

  function connect(): void {
    let current: WebSocketLike;
    try {
      current = openSocket();
    } catch {
      scheduleReconnect();
      return;
    }
    socket = current;
    current.binaryType = 'arraybuffer';
    let opened = false;
    let ended = false;
    const reader = new WireReader({
      frame(frame) {
        if (frame.type === 'result' && typeof frame.id === 'number') {
          settle(frame.id, frame.envelope as Envelope<unknown>);
        } else if (frame.type === 'event' && isEventChannel(frame.channel)) {
          for (const listener of [...(eventListeners.get(frame.channel) ?? [])]) {
            try {
              listener(frame.payload);
            } catch (error) {
              // one faulty listener must not starve the others
              console.error(`GainLab: listener for ${frame.channel} failed`, error);
            }
          }
        }
      },
      refused(refusal) {
        const call = refusal.id === null ? undefined : pending.get(refusal.id);
        if (call) settle(refusal.id!, unreadableAnswer(call.channel, refusal));
        else console.error(`GainLab: ignored a message from the server that could not be read: ${refusal.message}`);
      },
    });

    current.addEventListener('open', () => {
      if (socket !== current) return;
      opened = true;
      attempt = 0;
      const reconnected = everOpened;
      everOpened = true;
      setState('open', reconnected);
      // flush calls that waited for the connection, in the order they were made
      for (const call of queued.splice(0)) {
        clearTimer(call.timer);
        send(call);
      }
    });

    current.addEventListener('message', (event: { data: unknown }) => {
      if (socket !== current) return;
      const data = wireData(event.data);
      // a malformed message is the server's bug; the reader reports it and never throws
      if (data !== null) reader.read(data);
    });

    const onEnd = (): void => {
      if (ended || socket !== current) return;
      ended = true;
      socket = null;
      for (const [id, call] of pending) {
        pending.delete(id);
        clearTimer(call.timer);
        call.reject(
          new ConnectionLostError(
            `The connection to the GainLab server closed before "${call.channel}" was answered. ` +
              'GainLab is reconnecting; try again in a moment.',
          ),
        );
      }
      if (state === 'closed') return;
      if (!opened && !everOpened) setState('connecting');
      scheduleReconnect();
    };
    current.addEventListener('close', onEnd);
    current.addEventListener('error', onEnd);
  }

  function scheduleReconnect(): void {
    if (state === 'closed') return;
    if (everOpened) setState('reconnecting');
    const delay = retryDelaysMs[Math.min(attempt, retryDelaysMs.length - 1)];
    attempt++;
    retryTimer = setTimer(() => {
      retryTimer = null;
      connect();
    }, delay);
  }

  connect();

  return {
    mode: 'web',
    invoke<C extends InvokeChannel>(channel: C, request: RequestOf<C>): Promise<Envelope<ResponseOf<C>>> {
      return new Promise<Envelope<ResponseOf<C>>>((resolve, reject) => {
        const resolveUntyped = resolve as (envelope: Envelope<unknown>) => void;
        if (state === 'closed') {
          reject(new ConnectionLostError('The connection to the GainLab server was closed.'));
          return;
        }
        const call: Call = { resolve: resolveUntyped, reject, channel, payload: request, timer: null };
        if (socket && socket.readyState === SOCKET_OPEN && state === 'open') {
          send(call);
          return;
        }
        call.timer = setTimer(() => {
          const index = queued.indexOf(call);
          if (index >= 0) queued.splice(index, 1);
          reject(
            new ConnectionLostError(
              `Could not reach the GainLab server for "${channel}" (waited ${Math.round(queueTimeoutMs / 1000)} s). ` +
                'Is `npm run serve` still running?',
            ),
          );
        }, queueTimeoutMs);
        queued.push(call);
      });
    },
    on<E extends EventChannel>(channel: E, listener: (payload: EventPayloadOf<E>) => void): () => void {
      let set = eventListeners.get(channel);
      if (!set) eventListeners.set(channel, (set = new Set()));
      const untyped = listener as (payload: unknown) => void;
      set.add(untyped);
      return () => {
        set!.delete(untyped);
      };
    },
    connectionState: () => state,
    onConnectionChange(listener) {
      stateListeners.add(listener);
      return () => {
        stateListeners.delete(listener);
      };
    },
    close() {
      setState('closed');
      if (retryTimer !== null) clearTimer(retryTimer);
      for (const call of queued.splice(0)) {
        clearTimer(call.timer);
        call.reject(new ConnectionLostError('The connection to the GainLab server was closed.'));
      }
      const current = socket;
      socket = null;
      for (const [id, call] of pending) {
        pending.delete(id);
        clearTimer(call.timer);
        call.reject(new ConnectionLostError('The connection to the GainLab server was closed.'));
      }
      current?.close();
    },
  };
}
