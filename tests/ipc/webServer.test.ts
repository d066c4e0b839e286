import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { NETWORK_ROWS_MAX_BYTES, type EventChannel } from '../../src-shared/ipc/contract.js';
import { sameBits } from '../helpers/expectClose.js';
import { createWebSocketTransport, webSocketUrl, type WebSocketLike } from '../../src-shared/ipc/wsTransport.js';
import { createReconnectingTransport, type ConnectionChange } from '../../src-renderer/transport/reconnectingTransport.js';
import { decodeWire, encodeWire } from '../../src-shared/ipc/wire.js';
import { createEventHub } from '../../src-main/services/appServices.js';
import { syntheticExampleProject } from '../../src-main/services/example.js';
import { createHandlers } from '../../src-main/services/handlers.js';
import { createJobManager } from '../../src-main/services/jobManager.js';
import { testProjects } from '../main/fixtures/testProjects.js';
import { tempDir } from '../helpers/tempDirs.js';
import { startWebServer, type RunningWebServer } from '../../src-main/web/webServer.js';

// the served folder, with a file right outside it that no URL may reach (both removed after the file)
const rendererParent = tempDir('renderer');
const rendererDir = path.join(rendererParent, 'renderer');
mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>GainLab</title><script type="module" src="./assets/app.js"></script>');
writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log("app")');
writeFileSync(path.join(rendererParent, 'gainlab-secret.txt'), 'outside the renderer dir');

const hub = createEventHub();
const jobs = createJobManager({
  pool: { run: async () => Promise.reject(new Error('no pool in this test')), destroy: async () => undefined },
  emit: hub.emit,
});
const projects = testProjects({
  loadExample: () => syntheticExampleProject(new Date(0), 20),
  onChange: (summary) => hub.emit('project:changed', summary),
});
const handlers = createHandlers({ mode: 'web', version: '9.9.9', platform: 'test', workerThreads: 1, jobs, projects });

let server: RunningWebServer;
let base: string;

beforeAll(async () => {
  server = await startWebServer({ port: 0, handlers, subscribe: hub.subscribe, rendererDir });
  base = `http://127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server.close();
  await jobs.dispose();
});

function get(urlPath: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${base}${urlPath}`, { headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
  });
}

/** Try a WebSocket upgrade; resolves with the open socket or the HTTP status it was refused with. */
function connect(url: string, options: { origin?: string; protocols?: string[] } = {}): Promise<{ socket?: WebSocket; status?: number }> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, options.protocols ?? [], options.origin ? { origin: options.origin } : {});
    socket.once('open', () => resolve({ socket }));
    socket.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode });
      socket.terminate();
    });
    socket.once('error', () => resolve({ status: -1 }));
  });
}

describe('web mode server', () => {
  it('listens on 127.0.0.1 and prints a tokenised URL', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    expect(server.token.length).toBeGreaterThanOrEqual(40);
  });

  it('refuses the page without or with a wrong token (403) and serves it with the right one', async () => {
    expect((await get('/')).status).toBe(403);
    expect((await get('/?token=wrong')).status).toBe(403);
    expect((await get(`/?token=${server.token}x`)).status).toBe(403);
    const ok = await get(`/?token=${server.token}`);
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('<title>GainLab</title>');
    const csp = String(ok.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*(https?:|\*|'unsafe-inline'|'unsafe-eval')/);
    // cross-origin isolated (the speed worker's kernels use shared WebAssembly memory)
    expect(ok.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(ok.headers['cross-origin-embedder-policy']).toBe('require-corp');
    expect(ok.headers['cross-origin-resource-policy']).toBe('same-origin');
    // the cookie is named after the port (cookies are shared by every port of 127.0.0.1) and
    // scoped: not readable by scripts, never sent cross-site, the whole app
    const cookies = ok.headers['set-cookie'] ?? [];
    expect(cookies).toHaveLength(1);
    const attributes = cookies[0].split(';').map((part) => part.trim());
    expect(attributes[0]).toBe(`gainlab_token_${server.port}=${server.token}`);
    expect(attributes.slice(1).sort()).toEqual(['HttpOnly', 'Path=/', 'SameSite=Strict']);
  });

  it('serves assets only with the token cookie, never outside the renderer dir', async () => {
    expect((await get('/assets/app.js')).status).toBe(403);
    // the right token under another port's name, or the old unscoped name, is not our cookie
    expect((await get('/assets/app.js', { cookie: `gainlab_token=${server.token}` })).status).toBe(403);
    expect((await get('/assets/app.js', { cookie: `gainlab_token_${server.port + 1}=${server.token}` })).status).toBe(403);
    const cookie = `other=1; gainlab_token_${server.port}=${server.token}`;
    const asset = await get('/assets/app.js', { cookie });
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    // a worker script must carry COEP too, or a cross-origin isolated page cannot start it
    expect(asset.headers['cross-origin-embedder-policy']).toBe('require-corp');
    expect(asset.headers['cross-origin-resource-policy']).toBe('same-origin');
    expect((await get('/../gainlab-secret.txt', { cookie })).status).toBe(404);
    expect((await get('/%2e%2e/gainlab-secret.txt', { cookie })).status).toBe(404);
    expect((await get('/assets/..%2f..%2fgainlab-secret.txt', { cookie })).status).toBe(404);
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    expect((await get(`/?token=${server.token}`, { host: `evil.example:${server.port}` })).status).toBe(403);
  });

  it('refuses WebSocket upgrades without or with a wrong token, or from a foreign Origin', async () => {
    const ws = `ws://127.0.0.1:${server.port}/ws`;
    expect((await connect(ws)).status).toBe(403);
    expect((await connect(`${ws}?token=nope`)).status).toBe(403);
    expect((await connect(`${ws}?token=${server.token}`, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await connect(`${ws}?token=${server.token}`, { origin: `http://127.0.0.1:${server.port + 1}` })).status).toBe(403);
    const good = await connect(`${ws}?token=${server.token}`, { origin: base });
    expect(good.socket).toBeDefined();
    good.socket!.close();
    const viaProtocol = await connect(ws, { origin: base, protocols: [`gainlab.${server.token}`] });
    expect(viaProtocol.socket?.protocol).toBe(`gainlab.${server.token}`);
    viaProtocol.socket!.close();
  });

  it('carries invokes, envelopes and events over the wire protocol', async () => {
    const { socket } = await connect(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`, { origin: base });
    const frames: unknown[] = [];
    socket!.on('message', (data) => frames.push(decodeWire(data.toString())));
    socket!.send(encodeWire({ type: 'invoke', id: 1, channel: 'app:info', payload: {} }));
    socket!.send(encodeWire({ type: 'invoke', id: 2, channel: 'jobs:get', payload: { jobId: 3 } }));
    socket!.send(encodeWire({ type: 'invoke', id: 3, channel: 'no:such', payload: {} }));
    socket!.send('not json at all');
    hub.emit('menu:command', { command: 'save' });
    await waitFor(() => frames.length >= 4);
    expect(frames).toContainEqual({ type: 'result', id: 1, envelope: { ok: true, value: { name: 'GainLab', version: '9.9.9', mode: 'web', platform: 'test', workerThreads: 1 } } });
    expect(frames).toContainEqual(expect.objectContaining({ type: 'result', id: 2, envelope: expect.objectContaining({ ok: false, error: expect.objectContaining({ code: 'invalid-payload' }) }) }));
    expect(frames).toContainEqual(expect.objectContaining({ type: 'result', id: 3, envelope: expect.objectContaining({ ok: false }) }));
    expect(frames).toContainEqual({ type: 'event', channel: 'menu:command', payload: { command: 'save' } });
    socket!.close();
  });

  it('the shared WebSocket transport works end to end (typed arrays included)', async () => {
    const url = webSocketUrl({ protocol: 'http:', host: `127.0.0.1:${server.port}`, search: `?token=${server.token}` });
    const transport = createWebSocketTransport(new WebSocket(url, { origin: base }) as never);
    const seen: EventChannel[] = [];
    transport.on('project:changed', () => seen.push('project:changed'));
    const example = await transport.invoke('example:load', {});
    expect(example.ok).toBe(true);
    if (example.ok) {
      // the summary leaves W out; the full network (typed arrays) is fetched by id
      const view = example.value.project.networks[0];
      expect(view.W).toMatchObject({ shape: [view.n, view.n], length: view.n * view.n });
      expect(view.initialConditions).toBeInstanceOf(Float64Array);
      const full = await transport.invoke('project:network', { networkId: view.id });
      expect(full.ok).toBe(true);
      if (full.ok) {
        expect(full.value.W).toBeInstanceOf(Float64Array);
        expect(full.value.W.length).toBe(view.n * view.n);
        // a large W is read as the rest of the network, then blocks of rows (stores/project.ts):
        // the blocks put together are W bit for bit
        const head = await transport.invoke('project:network', { networkId: view.id, withoutWeights: true });
        expect(head.ok && head.value.W.length).toBe(0);
        expect(head.ok && sameBits(head.value.initialConditions, full.value.initialConditions)).toBe(true);
        const W = new Float64Array(view.n * view.n);
        const rows = 7; // uneven blocks: the last one is shorter
        for (let from = 0; from < view.n; from += rows) {
          const to = Math.min(view.n, from + rows);
          const block = await transport.invoke('project:network-rows', { networkId: view.id, from, to });
          expect(block.ok, `rows ${from}–${to}`).toBe(true);
          if (block.ok) {
            expect(block.value).toMatchObject({ n: view.n, from, to });
            W.set(block.value.values, from * view.n);
          }
        }
        expect(sameBits(W, full.value.W)).toBe(true);
        // ranges outside W, and blocks over NETWORK_ROWS_MAX_BYTES, are refused with one line
        for (const [from, to] of [
          [5, 5],
          [0, view.n + 1],
        ]) {
          const refused = await transport.invoke('project:network-rows', { networkId: view.id, from, to });
          expect(refused.ok ? '' : refused.error.message).toMatch(/^Rows \d+ to \d+ are not a row range of W \(N = \d+\)/);
        }
        const unknown = await transport.invoke('project:network-rows', { networkId: 'no-such-network', from: 0, to: 1 });
        expect(unknown.ok).toBe(false);
        expect(NETWORK_ROWS_MAX_BYTES).toBeGreaterThanOrEqual(2 ** 20);
      }
    }
    await waitFor(() => seen.length > 0);
    const exported = await transport.invoke('project:export', {});
    expect(exported.ok && exported.value.bytes instanceof Uint8Array).toBe(true);
    transport.close();
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('a page when the server restarts', () => {
  it('reconnects by itself when the server comes back on the same port with the same token, and says so', async () => {
    const token = 'a'.repeat(43);
    const first = await startWebServer({ port: 0, token, handlers, rendererDir });
    const port = first.port;
    const url = webSocketUrl({ protocol: 'http:', host: `127.0.0.1:${port}`, search: `?token=${token}` });
    const page = createReconnectingTransport(() => new WebSocket(url, { origin: `http://127.0.0.1:${port}` }) as unknown as WebSocketLike, {
      retryDelaysMs: [50, 100],
    });
    const changes: ConnectionChange[] = [];
    page.onConnectionChange((change) => changes.push(change));
    expect((await page.invoke('app:info', {})).ok).toBe(true);
    await first.close();
    await waitFor(() => page.connectionState() === 'reconnecting');
    // while it is down, calls wait for the connection (up to the queue timeout)
    const waiting = page.invoke('jobs:list', {});
    const second = await startWebServer({ port, token, handlers, rendererDir });
    try {
      await waitFor(() => page.connectionState() === 'open', 5000);
      expect(changes.map((c) => c.state)).toEqual(['open', 'reconnecting', 'open']);
      expect(changes.at(-1)).toEqual({ state: 'open', reconnected: true });
      expect((await waiting).ok).toBe(true);
    } finally {
      page.close();
      await second.close();
    }
  });

  it('keeps trying (and cannot get in) when the restarted server has a new token', async () => {
    const first = await startWebServer({ port: 0, handlers, rendererDir });
    const port = first.port;
    const url = webSocketUrl({ protocol: 'http:', host: `127.0.0.1:${port}`, search: `?token=${first.token}` });
    const page = createReconnectingTransport(() => new WebSocket(url, { origin: `http://127.0.0.1:${port}` }) as unknown as WebSocketLike, {
      retryDelaysMs: [20],
    });
    expect((await page.invoke('app:info', {})).ok).toBe(true);
    await first.close();
    const second = await startWebServer({ port, handlers, rendererDir });
    try {
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(page.connectionState()).toBe('reconnecting');
    } finally {
      page.close();
      await second.close();
    }
  });
});

describe('npm run serve arguments', () => {
  it('takes --token T, --token=T or GAINLAB_TOKEN (default: none, i.e. random), and refuses weak ones', async () => {
    const { parseToken } = await import('../../src-main/web/server.js');
    const good = 'Zx9_-'.repeat(8);
    expect(parseToken([], {})).toBeUndefined();
    expect(parseToken(['--token', good], {})).toBe(good);
    expect(parseToken([`--token=${good}`], { GAINLAB_TOKEN: 'x' })).toBe(good);
    expect(parseToken([], { GAINLAB_TOKEN: good })).toBe(good);
    expect(() => parseToken(['--token', 'short'], {})).toThrow(/invalid token/);
    expect(() => parseToken([], { GAINLAB_TOKEN: `${good}&x=1` })).toThrow(/invalid token/);
  });

  it('takes --port N, --port=N or PORT, default 0 (a free port), and refuses nonsense', async () => {
    const { parsePort } = await import('../../src-main/web/server.js');
    expect(parsePort([], {})).toBe(0);
    expect(parsePort(['--port', '8123'], {})).toBe(8123);
    expect(parsePort(['--port=8124'], { PORT: '1' })).toBe(8124);
    expect(parsePort([], { PORT: '8125' })).toBe(8125);
    expect(() => parsePort(['--port', 'http'], {})).toThrow(/invalid port/);
    expect(() => parsePort(['--port', '70000'], {})).toThrow(/invalid port/);
  });
});
