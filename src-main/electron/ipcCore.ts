/**
 * The Electron IPC entry point as a plain function: sender check, then the shared dispatch
 * (validation → handler → envelope). ipc.ts registers it on ipcMain; tests call it directly.
 */
import { errorEnvelope, type Envelope } from '../../src-shared/ipc/contract.js';
import { dispatch, type HandlerTable } from '../services/handlers.js';
import { isAppUrl } from './security.js';

export function createInvokeHandler(handlers: HandlerTable, devServerUrl?: string) {
  return async (senderUrl: string | undefined, channel: string, payload: unknown): Promise<Envelope<unknown>> => {
    if (!senderUrl || !isAppUrl(senderUrl, devServerUrl)) {
      return errorEnvelope('forbidden', 'IPC is only accepted from the GainLab window.');
    }
    return dispatch(handlers, channel, payload);
  };
}
