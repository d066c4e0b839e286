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
  return createReconnectingTransport(() => new WebSocket(url));
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
