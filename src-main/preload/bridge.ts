/**
 * The preload bridge as a pure function of an ipcRenderer-like object, so tests check the
 * allowlist without Electron. Only the contract's channels pass (derived from channels.ts, which
 * contract.ts declares one schema per name for; tests/ipc checks they agree).
 */
import { ELECTRON_CHANNEL_PREFIX, EVENT_CHANNEL_NAMES, INVOKE_CHANNEL_NAMES } from '../../src-shared/ipc/channels.js';
import type { GainLabBridge } from '../../src-shared/ipc/contract.js';

export const PRELOAD_INVOKE_ALLOWLIST: ReadonlySet<string> = new Set(INVOKE_CHANNEL_NAMES);
export const PRELOAD_EVENT_ALLOWLIST: ReadonlySet<string> = new Set(EVENT_CHANNEL_NAMES);

type IpcListener = (event: unknown, payload: unknown) => void;

export interface IpcRendererLike {
  invoke(channel: string, payload: unknown): Promise<unknown>;
  on(channel: string, listener: IpcListener): unknown;
  removeListener(channel: string, listener: IpcListener): unknown;
}

export function createBridge(ipc: IpcRendererLike): GainLabBridge {
  return {
    invoke(channel: string, payload: unknown): Promise<unknown> {
      if (typeof channel !== 'string' || !PRELOAD_INVOKE_ALLOWLIST.has(channel)) {
        return Promise.reject(new Error(`GainLab: "${String(channel)}" is not an IPC channel of the contract`));
      }
      return ipc.invoke(ELECTRON_CHANNEL_PREFIX + channel, payload);
    },
    on(channel: string, callback: (payload: unknown) => void): () => void {
      if (typeof channel !== 'string' || !PRELOAD_EVENT_ALLOWLIST.has(channel)) {
        throw new Error(`GainLab: "${String(channel)}" is not an event channel of the contract`);
      }
      if (typeof callback !== 'function') throw new TypeError('GainLab: on() needs a callback');
      // never hand the IpcRendererEvent (and its sender) to the page: payload only
      const listener: IpcListener = (_event, payload) => callback(payload);
      ipc.on(ELECTRON_CHANNEL_PREFIX + channel, listener);
      return () => {
        ipc.removeListener(ELECTRON_CHANNEL_PREFIX + channel, listener);
      };
    },
  };
}
