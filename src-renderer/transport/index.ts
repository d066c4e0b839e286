/**
 * createTransport(): the one place the renderer decides how it talks to GainLab's main side.
 * - Electron: the sandboxed preload exposes `window.gainlab = { invoke, on }` (GainLabBridge).
 * - Web mode: a WebSocket to the page's own origin, authenticated by the `?token=` the server
 *   printed in the URL, re-opened when it drops (see reconnectingTransport.ts).
 * Both give the same AppTransport, so no component knows which carrier it runs on.
 */
import type { GainLabBridge } from '../../src-shared/ipc/contract.js';
import { createElectronTransport } from '../../src-shared/ipc/electronTransport.js';
import { webSocketUrl } from '../../src-shared/ipc/wsTransport.js';
import { createReconnectingTransport, type AppTransport } from './reconnectingTransport.js';

export type { AppTransport, ConnectionState, ConnectionChange } from './reconnectingTransport.js';
export { ConnectionLostError, RequestTimeoutError } from './reconnectingTransport.js';

declare global {
  interface Window {
    gainlab?: GainLabBridge;
  }
}

export function createTransport(): AppTransport {
  const bridge = window.gainlab;
  if (bridge && typeof bridge.invoke === 'function' && typeof bridge.on === 'function') {
    return electronAppTransport(bridge);
  }
  const url = webSocketUrl(window.location);
  return createReconnectingTransport(() => sendingLargePartsAsBlobs(new WebSocket(url)));
}

/** Binary parts from this size on are sent as Blobs. */
const BLOB_PART_BYTES = 1 << 20;

/**
 * A socket whose large binary parts are sent as Blobs: Chromium copies an ArrayBuffer given to
 * send() on the page's thread (~150 ms for the 8 MB W of an N = 1000 network, a long task: e2e
 * longtask.spec.ts), but reads a Blob's bytes off it. The frames are the same binary messages, in
 * the same order.
 */
function sendingLargePartsAsBlobs(socket: WebSocket): WebSocket {
  const send = socket.send.bind(socket);
  socket.send = (data) => send(typeof data !== 'string' && !(data instanceof Blob) && data.byteLength >= BLOB_PART_BYTES ? new Blob([data]) : data);
  return socket;
}

/** Electron IPC has no connection to lose: the state is always 'open'. */
export function electronAppTransport(bridge: GainLabBridge): AppTransport {
  const inner = createElectronTransport(bridge);
  return {
    mode: 'electron',
    invoke: inner.invoke,
    on: inner.on,
    connectionState: () => 'open',
    onConnectionChange: () => () => undefined,
    close: () => undefined,
  };
}
