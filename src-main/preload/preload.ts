/**
 * Sandboxed preload (built to out/preload/preload.cjs: sandboxed preloads must be CommonJS and may
 * require only 'electron'). Exposes `window.gainlab = { invoke(channel, payload), on(event, cb) }`
 * for the contract's channels only.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createBridge } from './bridge.js';

contextBridge.exposeInMainWorld('gainlab', createBridge(ipcRenderer));
