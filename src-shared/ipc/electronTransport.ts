/**
 * The renderer's Transport over Electron IPC: wraps the preload bridge `window.gainlab`
 * (pass it in; this file uses no DOM globals). In the renderer:
 *   const transport = (window as any).gainlab ? createElectronTransport((window as any).gainlab) : ...
 */
import {
  errorEnvelope,
  type Envelope,
  type EventChannel,
  type EventPayloadOf,
  type GainLabBridge,
  type InvokeChannel,
  type RequestOf,
  type ResponseOf,
  type Transport,
} from './contract.js';

export function createElectronTransport(bridge: GainLabBridge): Transport {
  return {
    async invoke<C extends InvokeChannel>(channel: C, request: RequestOf<C>): Promise<Envelope<ResponseOf<C>>> {
      try {
        return (await bridge.invoke(channel, request)) as Envelope<ResponseOf<C>>;
      } catch (error) {
        // ipcRenderer.invoke rejects only when the main side is gone or the bridge refused the channel
        return errorEnvelope('internal', error instanceof Error ? error.message : String(error));
      }
    },
    on<E extends EventChannel>(channel: E, listener: (payload: EventPayloadOf<E>) => void): () => void {
      return bridge.on(channel, listener as (payload: unknown) => void);
    },
  };
}
