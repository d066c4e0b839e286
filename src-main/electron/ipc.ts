/**
 * Registers every invoke channel of the contract on ipcMain and forwards the event hub to all
 * windows. Handlers never throw into Electron: every answer is an Envelope.
 */
import { BrowserWindow, ipcMain } from 'electron';
import { ELECTRON_CHANNEL_PREFIX, INVOKE_CHANNELS } from '../../src-shared/ipc/contract.js';
import type { EventHub } from '../services/appServices.js';
import type { HandlerTable } from '../services/handlers.js';
import { createInvokeHandler } from './ipcCore.js';

export function registerIpc(handlers: HandlerTable, hub: EventHub, devServerUrl?: string): () => void {
  const invoke = createInvokeHandler(handlers, devServerUrl);
  for (const channel of INVOKE_CHANNELS) {
    ipcMain.handle(ELECTRON_CHANNEL_PREFIX + channel, (event, payload: unknown) =>
      invoke(event.senderFrame?.url, channel, payload),
    );
  }
  const unsubscribe = hub.subscribe((channel, payload) => {
    for (const window of BrowserWindow.getAllWindows()) {
      if (!window.isDestroyed() && !window.webContents.isDestroyed()) {
        window.webContents.send(ELECTRON_CHANNEL_PREFIX + channel, payload);
      }
    }
  });
  return () => {
    unsubscribe();
    for (const channel of INVOKE_CHANNELS) ipcMain.removeHandler(ELECTRON_CHANNEL_PREFIX + channel);
  };
}
