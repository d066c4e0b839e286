/**
 * The renderer's Transport over the web-mode WebSocket (protocol: see contract.ts header).
 * Takes a WebSocket-like object so this file needs no DOM types (src-shared rule); in the browser:
 *   createWebSocketTransport(new WebSocket(webSocketUrl(location)))
 */
import {
  errorEnvelope,
  isEventChannel,
  type Envelope,
  type EventChannel,
  type EventPayloadOf,
  type InvokeChannel,
  type RequestOf,
  type ResponseOf,
  type ServerFrame,
  type Transport,
} from './contract.js';
import { decodeWire, encodeWire } from './wire.js';

/** The subset of the browser WebSocket (and of npm `ws`) this transport uses. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(): void;
  addEventListener(type: 'open' | 'close' | 'error', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

const OPEN = 1;

/**
 * URL of the web-mode WebSocket for a page served at `location` (token taken from ?token=).
 * Pass `{ protocol, host, search }` of window.location.
 */
export function webSocketUrl(location: { protocol: string; host: string; search: string }): string {
  const token = tokenFromSearch(location.search);
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/ws?token=${encodeURIComponent(token)}`;
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

export function createWebSocketTransport(socket: WebSocketLike): WebSocketTransport {
  let nextId = 1;
  const pending = new Map<number, (envelope: Envelope<unknown>) => void>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let closed = false;

  const ready = new Promise<void>((resolve, reject) => {
    if (socket.readyState === OPEN) resolve();
    socket.addEventListener('open', () => resolve());
    socket.addEventListener('error', () => reject(new Error('WebSocket connection failed')));
  });
  ready.catch(() => undefined);

  socket.addEventListener('close', () => {
    closed = true;
    for (const settle of pending.values()) settle(errorEnvelope('io', 'The connection to GainLab closed.'));
    pending.clear();
  });

  socket.addEventListener('message', (event: { data: unknown }) => {
    if (typeof event.data !== 'string') return;
    let frame: ServerFrame;
    try {
      frame = decodeWire(event.data) as ServerFrame;
    } catch {
      return;
    }
    if (frame.type === 'result') {
      const settle = pending.get(frame.id);
      if (settle) {
        pending.delete(frame.id);
        settle(frame.envelope);
      }
    } else if (frame.type === 'event' && isEventChannel(frame.channel)) {
      for (const listener of listeners.get(frame.channel) ?? []) listener(frame.payload);
    }
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
      return new Promise((resolve) => {
        pending.set(id, resolve as (envelope: Envelope<unknown>) => void);
        socket.send(encodeWire({ type: 'invoke', id, channel, payload: request }));
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
