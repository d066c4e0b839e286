/**
 * Web mode: the renderer served over HTTP on 127.0.0.1 and the IPC contract carried over one
 * WebSocket per page (protocol in src-shared/ipc/contract.ts), using the same handler table as
 * Electron.
 *
 * Access control (anything on this machine can reach a localhost port, and any web page the user
 * visits can try to):
 * - bound to 127.0.0.1 only;
 * - a random per-run token (32 bytes, base64url) is required: `?token=` for the page (the response
 *   then sets an HttpOnly SameSite=Strict cookie named after the port, `gainlab_token_PORT`, so the
 *   page's own scripts and styles load and another local service's cookie is never confused with
 *   ours), and `?token=` or the subprotocol `gainlab.TOKEN` for the WebSocket. Wrong/missing token → 403;
 * - the Host header must be 127.0.0.1:PORT or localhost:PORT (defeats DNS rebinding);
 * - a WebSocket upgrade with a foreign Origin is refused (403), even with the right token;
 * - the same Content-Security-Policy as the Electron window.
 *
 * Robustness (nothing a request or reply contains may end the process or exhaust it):
 * - frames are read by the shared WireReader (wire.ts): bounded depth, text and binary sizes; an
 *   unreadable frame with a readable id is answered with an error envelope;
 * - every reply is encoded inside a try: one too deep or too large to send is answered with an
 *   'internal' error envelope naming the channel; an event that cannot be encoded is dropped with
 *   a log line; events are encoded once for all pages;
 * - a page that stops reading is disconnected when its unsent queue passes `maxQueuedBytes`;
 *   a page with `maxInFlight` requests in flight is not read until some are answered;
 * - a handler that returns the same frozen object again (e.g. one project summary per revision)
 *   gets its cached encoding instead of a new one.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import path from 'node:path';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { errorEnvelope, type Envelope, type EventChannel } from '../../src-shared/ipc/contract.js';
import {
  BINARY_THRESHOLD_BYTES,
  DEFAULT_WIRE_LIMITS,
  WireError,
  WireReader,
  encodeValue,
  eventMessage,
  okEnvelopeJson,
  resultMessage,
  type EncodedValue,
  type WireLimits,
  type WireMessage,
} from '../../src-shared/ipc/wire.js';
import { contentSecurityPolicy, contentTypeFor, safeRelativePath, securityHeaders } from '../electron/security.js';
import { dispatch, type HandlerTable } from '../services/handlers.js';
import { describeFault } from '../services/processGuards.js';

export const WEB_HOST = '127.0.0.1';
export const TOKEN_SUBPROTOCOL_PREFIX = 'gainlab.';
/** Unsent bytes a page may leave queued before it is disconnected. */
export const DEFAULT_MAX_QUEUED_BYTES = 64 * 1024 * 1024;
/** Requests of one page being answered at once before its socket is paused. */
export const DEFAULT_MAX_IN_FLIGHT = 64;
/** Largest WebSocket message accepted: project imports arrive as one binary part. */
export const DEFAULT_MAX_PAYLOAD = 256 * 1024 * 1024;

/** The token cookie's name carries the port: cookies are shared by every port of a host. */
export function tokenCookieName(port: number): string {
  return `gainlab_token_${port}`;
}

export interface WebServerOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Per-run secret; default 32 random bytes. */
  token?: string;
  handlers: HandlerTable;
  /** Events to forward to every connected page (the app's event hub). */
  subscribe?: (listener: (channel: EventChannel, payload: unknown) => void) => () => void;
  /** Built renderer (out/renderer). */
  rendererDir: string;
  /** Largest WebSocket message accepted (bytes); default 256 MB (project imports). */
  maxPayload?: number;
  /** Unsent bytes per connection before it is dropped; default 64 MB. */
  maxQueuedBytes?: number;
  /** Requests per connection in flight before reading pauses; default 64. */
  maxInFlight?: number;
  /** Typed arrays from this size travel as binary parts (wire v2 pages); default 64 KB. */
  binaryThreshold?: number;
  /** Bounds on encoded replies/events and decoded requests (wire.ts defaults). */
  wireLimits?: Partial<WireLimits>;
  /** One line per refusal or dropped connection; default console.warn. */
  log?: (line: string) => void;
}

/** Counters for tests and diagnostics. */
export interface WebServerStats {
  repliesEncoded: number;
  /** Replies whose (frozen) value was encoded before and reused. */
  repliesFromCache: number;
  /** Replies too deep or too large to send, answered with an error envelope instead. */
  repliesRefused: number;
  eventsDropped: number;
  /** Connections closed because they stopped reading. */
  connectionsDropped: number;
}

interface Peer {
  ws: WebSocket;
  /** The page speaks wire v2 (binary parts). */
  binaryWire: boolean;
  /** Bytes of the largest frame queued since the backlog was last under the limit. */
  allowance: number;
  inFlight: number;
  /** Requests read while `maxInFlight` were being served (the socket is paused meanwhile). */
  waiting: PendingRequest[];
  paused: boolean;
  reader: WireReader;
}

interface PendingRequest {
  id: number;
  channel: unknown;
  payload: unknown;
}

const MB = 1024 * 1024;
function megabytes(bytes: number): string {
  return `${(bytes / MB).toFixed(1)} MB`;
}

function toBytes(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** The one line a client gets when its answer cannot be sent. */
function refusalText(channel: string, error: unknown): string {
  const what = channel ? `The answer to ${channel}` : 'The answer';
  if (error instanceof WireError) {
    if (error.kind === 'too-large') return `${what} is too large to send (${error.message}).`;
    if (error.kind === 'too-deep') return `${what} is nested too deeply to send (${error.message}).`;
    return `${what} could not be encoded (${error.message}).`;
  }
  return `${what} could not be encoded (${describeFault(error)}).`;
}

export interface RunningWebServer {
  port: number;
  token: string;
  /** http://127.0.0.1:PORT/?token=TOKEN */
  url: string;
  close(): Promise<void>;
  stats(): Readonly<WebServerStats>;
}

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

function tokensEqual(given: string | null | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

function subprotocolToken(header: string | string[] | undefined): string | null {
  const list = (Array.isArray(header) ? header.join(',') : header ?? '').split(',').map((s) => s.trim());
  const entry = list.find((p) => p.startsWith(TOKEN_SUBPROTOCOL_PREFIX));
  return entry ? entry.slice(TOKEN_SUBPROTOCOL_PREFIX.length) : null;
}

export async function startWebServer(options: WebServerOptions): Promise<RunningWebServer> {
  const token = options.token ?? newToken();
  const rendererDir = path.resolve(options.rendererDir);
  const server = http.createServer();
  const maxPayload = options.maxPayload ?? DEFAULT_MAX_PAYLOAD;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload,
    handleProtocols: (protocols) => {
      for (const p of protocols) if (p.startsWith(TOKEN_SUBPROTOCOL_PREFIX)) return p;
      return false;
    },
  });
  let port = 0;
  let headers: Record<string, string> = {};

  const allowedHosts = () => new Set([`${WEB_HOST}:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://${WEB_HOST}:${port}`, `http://localhost:${port}`]);

  function refuse(res: http.ServerResponse, status: number, text: string): void {
    res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(text);
  }

  server.on('request', (req, res) => {
    void (async () => {
      if (!allowedHosts().has(req.headers.host ?? '')) return refuse(res, 403, 'Forbidden: unexpected Host header.\n');
      if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'Method not allowed.\n');
      const url = new URL(req.url ?? '/', `http://${WEB_HOST}:${port}`);
      const queryToken = url.searchParams.get('token');
      const authorised = tokensEqual(queryToken, token) || tokensEqual(cookieValue(req.headers.cookie, tokenCookieName(port)), token);
      if (!authorised) return refuse(res, 403, 'Forbidden: open the address GainLab printed, including its ?token=.\n');
      const relative = safeRelativePath(url.pathname);
      if (relative === null) return refuse(res, 404, 'Not found.\n');
      const file = path.join(rendererDir, relative);
      if (!file.startsWith(rendererDir + path.sep)) return refuse(res, 404, 'Not found.\n');
      let body: Buffer;
      try {
        const info = await stat(file);
        if (!info.isFile()) return refuse(res, 404, 'Not found.\n');
        body = await readFile(file);
      } catch {
        if (relative === 'index.html') return refuse(res, 503, 'The GainLab interface has not been built: run `npm run build`.\n');
        return refuse(res, 404, 'Not found.\n');
      }
      const extra: Record<string, string> = {};
      if (tokensEqual(queryToken, token)) {
        extra['Set-Cookie'] = `${tokenCookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`;
      }
      res.writeHead(200, {
        ...headers,
        ...extra,
        'Content-Type': contentTypeFor(file),
        'Content-Length': String(body.length),
        'Cache-Control': relative === 'index.html' ? 'no-store' : 'private, max-age=3600',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    })().catch(() => {
      if (!res.headersSent) refuse(res, 500, 'Internal error.\n');
      else res.destroy();
    });
  });

  function refuseUpgrade(socket: Duplex, status: 400 | 403 | 404, text: string): void {
    socket.write(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${text.length}\r\n\r\n${text}`);
    socket.destroy();
  }

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', `http://${WEB_HOST}:${port}`);
    if (url.pathname !== '/ws') return refuseUpgrade(socket, 404, 'Not Found');
    if (!allowedHosts().has(req.headers.host ?? '')) return refuseUpgrade(socket, 403, 'Forbidden');
    const origin = req.headers.origin;
    // browsers always send Origin; a page from any other origin must not drive GainLab
    if (origin !== undefined && !allowedOrigins().has(origin)) return refuseUpgrade(socket, 403, 'Forbidden');
    const given = url.searchParams.get('token') ?? subprotocolToken(req.headers['sec-websocket-protocol']);
    if (!tokensEqual(given, token)) return refuseUpgrade(socket, 403, 'Forbidden');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  const peers = new Set<Peer>();
  const stats: WebServerStats = { repliesEncoded: 0, repliesFromCache: 0, repliesRefused: 0, eventsDropped: 0, connectionsDropped: 0 };
  const wireLimits: WireLimits = { ...DEFAULT_WIRE_LIMITS, ...options.wireLimits };
  // requests may be as large as a WebSocket message (project imports)
  const requestLimits: WireLimits = { ...wireLimits, maxBinaryBytes: Math.min(wireLimits.maxBinaryBytes, maxPayload) };
  const maxQueuedBytes = options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES;
  const maxInFlight = options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
  const binaryThreshold = options.binaryThreshold ?? BINARY_THRESHOLD_BYTES;
  const log = options.log ?? ((line: string) => console.warn(line));
  // Replies that are the same frozen object as before reuse its encoding (one cache per flavour).
  // Frozen only: a frozen object cannot have changed since it was encoded; a mutable one could.
  const replyCache = { binary: new WeakMap<object, EncodedValue>(), inline: new WeakMap<object, EncodedValue>() };

  function encodeOk(peer: Peer, value: unknown): EncodedValue {
    const cacheable = value !== null && typeof value === 'object' && Object.isFrozen(value);
    const cache = peer.binaryWire ? replyCache.binary : replyCache.inline;
    if (cacheable) {
      const cached = cache.get(value);
      if (cached) {
        stats.repliesFromCache++;
        return okEnvelopeJson(cached);
      }
    }
    const encoded = encodeValue(value, { binaryThreshold: peer.binaryWire ? binaryThreshold : Infinity, limits: wireLimits });
    stats.repliesEncoded++;
    if (cacheable) cache.set(value, encoded);
    return okEnvelopeJson(encoded);
  }

  function reply(peer: Peer, id: number, channel: string, envelope: Envelope<unknown>): void {
    let encoded: EncodedValue;
    try {
      encoded = envelope.ok ? encodeOk(peer, envelope.value) : encodeValue(envelope, { binaryThreshold: Infinity, limits: wireLimits });
    } catch (error) {
      stats.repliesRefused++;
      const text = refusalText(channel, error);
      log(`GainLab web: ${text}`);
      encoded = encodeValue(errorEnvelope('internal', text), { binaryThreshold: Infinity });
    }
    deliver(peer, resultMessage(id, encoded));
  }

  /**
   * Queue a frame on one connection. A peer that stops reading would make us hold everything we
   * send it: beyond `maxQueuedBytes` unsent (plus the largest frame sent since it was last under
   * that mark, so one big legitimate answer is not mistaken for a stalled reader) it is dropped.
   */
  function deliver(peer: Peer, message: WireMessage, sharedText?: Buffer): boolean {
    const ws = peer.ws;
    if (ws.readyState !== ws.OPEN) return false;
    const queued = ws.bufferedAmount;
    if (queued <= maxQueuedBytes) peer.allowance = 0;
    else if (queued > maxQueuedBytes + peer.allowance) {
      stats.connectionsDropped++;
      log(
        `GainLab web: closed a connection that stopped reading (${megabytes(queued)} waiting to be sent; the limit is ${megabytes(maxQueuedBytes)}).`,
      );
      ws.terminate();
      return false;
    }
    try {
      if (sharedText) ws.send(sharedText, { binary: false });
      else ws.send(message.text);
      for (const part of message.binary) ws.send(part, { binary: true });
    } catch (error) {
      log(`GainLab web: could not send on a connection: ${describeFault(error)}`);
      return false;
    }
    peer.allowance = Math.max(peer.allowance, message.bytes);
    return true;
  }

  /**
   * Back-pressure: at most `maxInFlight` requests of one peer are served at once. Beyond that its
   * socket is paused (nothing more is read) and the requests already read wait in order.
   */
  function invoke(peer: Peer, request: PendingRequest): void {
    if (peer.inFlight >= maxInFlight) {
      peer.waiting.push(request);
      if (!peer.paused) {
        peer.paused = true;
        peer.ws.pause();
      }
      return;
    }
    const { id, channel, payload } = request;
    const name = typeof channel === 'string' ? channel.slice(0, 80) : String(channel).slice(0, 80);
    peer.inFlight++;
    void dispatch(options.handlers, channel, payload)
      .catch((error: unknown) => errorEnvelope('internal', describeFault(error)))
      .then((envelope) => reply(peer, id, name, envelope))
      .catch((error: unknown) => log(`GainLab web: could not answer ${name}: ${describeFault(error)}`))
      .finally(() => {
        peer.inFlight--;
        const next = peer.waiting.shift();
        if (next) invoke(peer, next);
        else if (peer.paused && peer.inFlight < maxInFlight / 2) {
          peer.paused = false;
          peer.ws.resume();
        }
      });
  }

  wss.on('connection', (ws: WebSocket, req: http.IncomingMessage) => {
    const url = new URL(req.url ?? '/', `http://${WEB_HOST}:${port}`);
    const peer: Peer = {
      ws,
      // pages announce wire v2 (binary parts); anything else gets every array inline (v1)
      binaryWire: Number(url.searchParams.get('wire')) >= 2,
      allowance: 0,
      inFlight: 0,
      waiting: [],
      paused: false,
      reader: null as unknown as WireReader,
    };
    peer.reader = new WireReader(
      {
        frame: (frame) => {
          const id = frame.id;
          if (frame.type !== 'invoke' || typeof id !== 'number' || !Number.isSafeInteger(id)) {
            log('GainLab web: ignored a frame that is not an invoke with a numeric id.');
            return;
          }
          invoke(peer, { id, channel: frame.channel, payload: frame.payload });
        },
        refused: ({ id, message }) => {
          if (id === null) {
            log(`GainLab web: ignored an unreadable message: ${message}.`);
            return;
          }
          reply(peer, id, '', errorEnvelope('invalid-payload', `GainLab could not read this request: ${message}.`));
        },
      },
      requestLimits,
    );
    peers.add(peer);
    ws.on('close', () => {
      peers.delete(peer);
      peer.waiting.length = 0;
    });
    ws.on('error', (error) => {
      peers.delete(peer);
      log(`GainLab web: connection error: ${describeFault(error)}`);
    });
    ws.on('message', (data, isBinary) => {
      try {
        const bytes = toBytes(data);
        if (isBinary) peer.reader.read(bytes);
        // refused from its first bytes, without decoding hundreds of MB of UTF-8 first
        else if (bytes.length > peer.reader.maxTextBytes) peer.reader.readOversizeText(bytes.subarray(0, 400).toString(), bytes.length);
        else peer.reader.read(bytes.toString());
      } catch (error) {
        // WireReader never throws; this is the last line of defence for the process
        log(`GainLab web: could not handle a message: ${describeFault(error)}`);
      }
    });
  });

  const unsubscribe = options.subscribe?.((channel, payload) => {
    if (peers.size === 0) return;
    // encoded once per flavour for every page, not once per page
    const encoded: { binary?: { message: WireMessage; text: Buffer } | null; inline?: { message: WireMessage; text: Buffer } | null } = {};
    const flavour = (binaryWire: boolean) => {
      const key = binaryWire ? 'binary' : 'inline';
      if (encoded[key] === undefined) {
        try {
          const message = eventMessage(channel, encodeValue(payload, { binaryThreshold: binaryWire ? binaryThreshold : Infinity, limits: wireLimits }));
          encoded[key] = { message, text: Buffer.from(message.text) };
        } catch (error) {
          encoded[key] = null;
          stats.eventsDropped++;
          log(`GainLab web: dropped a ${channel} event that cannot be sent (${error instanceof Error ? error.message : String(error)}).`);
        }
      }
      return encoded[key];
    };
    for (const peer of [...peers]) {
      const ready = flavour(peer.binaryWire);
      if (ready) deliver(peer, ready.message, ready.text);
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, WEB_HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  headers = securityHeaders(contentSecurityPolicy({ connect: [`ws://${WEB_HOST}:${port}`, `ws://localhost:${port}`] }));

  return {
    port,
    token,
    url: `http://${WEB_HOST}:${port}/?token=${token}`,
    stats: () => ({ ...stats }),
    close: async () => {
      unsubscribe?.();
      for (const peer of peers) peer.ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
