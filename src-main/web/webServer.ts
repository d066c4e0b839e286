/**
 * Web mode: the renderer served over HTTP on 127.0.0.1 and the IPC contract carried over one
 * WebSocket per page (protocol in src-shared/ipc/contract.ts), using the same handler table as
 * Electron.
 *
 * Access control (anything on this machine can reach a localhost port, and any web page the user
 * visits can try to):
 * - bound to 127.0.0.1 only;
 * - a random per-run token (32 bytes, base64url) is required: `?token=` for the page (the response
 *   then sets an HttpOnly SameSite=Strict cookie so the page's own scripts and styles load), and
 *   `?token=` or the subprotocol `gainlab.TOKEN` for the WebSocket. Wrong/missing token → 403;
 * - the Host header must be 127.0.0.1:PORT or localhost:PORT (defeats DNS rebinding);
 * - a WebSocket upgrade with a foreign Origin is refused (403), even with the right token;
 * - the same Content-Security-Policy as the Electron window.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { errorEnvelope, type ClientFrame, type EventChannel, type ServerFrame } from '../../src-shared/ipc/contract.js';
import { decodeWire, encodeWire } from '../../src-shared/ipc/wire.js';
import { contentSecurityPolicy, contentTypeFor, safeRelativePath, securityHeaders } from '../electron/security.js';
import { dispatch, type HandlerTable } from '../services/handlers.js';

export const WEB_HOST = '127.0.0.1';
export const TOKEN_COOKIE = 'gainlab_token';
export const TOKEN_SUBPROTOCOL_PREFIX = 'gainlab.';

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
}

export interface RunningWebServer {
  port: number;
  token: string;
  /** http://127.0.0.1:PORT/?token=TOKEN */
  url: string;
  close(): Promise<void>;
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
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxPayload ?? 256 * 1024 * 1024,
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
      const authorised = tokensEqual(queryToken, token) || tokensEqual(cookieValue(req.headers.cookie, TOKEN_COOKIE), token);
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
        extra['Set-Cookie'] = `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
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

  const clients = new Set<WebSocket>();
  const send = (ws: WebSocket, frame: ServerFrame) => {
    if (ws.readyState === ws.OPEN) ws.send(encodeWire(frame));
  };

  wss.on('connection', (ws: WebSocket) => {
    clients.add(ws);
    ws.on('close', () => clients.delete(ws));
    ws.on('error', () => clients.delete(ws));
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      let frame: Partial<ClientFrame>;
      try {
        frame = decodeWire(data.toString()) as Partial<ClientFrame>;
      } catch {
        return;
      }
      if (frame === null || typeof frame !== 'object' || frame.type !== 'invoke') return;
      const id = frame.id;
      if (typeof id !== 'number' || !Number.isSafeInteger(id)) return;
      void dispatch(options.handlers, frame.channel, frame.payload).then(
        (envelope) => send(ws, { type: 'result', id, envelope }),
        (error: unknown) => send(ws, { type: 'result', id, envelope: errorEnvelope('internal', String(error)) }),
      );
    });
  });

  const unsubscribe = options.subscribe?.((channel, payload) => {
    for (const ws of clients) send(ws, { type: 'event', channel, payload });
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
    close: async () => {
      unsubscribe?.();
      for (const ws of clients) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
