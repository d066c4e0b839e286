/**
 * Electron main process (out/main/electron.js). Thin: window, menu, dialogs, IPC registration and
 * the security policy; everything else lives in plain Node services (src-main/services).
 *
 * The renderer is loaded from the privileged custom scheme gainlab-app://renderer/ (a real,
 * stable origin for the CSP and the IPC sender check) served from out/renderer with the CSP
 * header. ELECTRON_RENDERER_URL (electron-vite dev server) is honoured in development only.
 */
import { app, BrowserWindow, dialog, Menu, protocol, session, shell, type MenuItemConstructorOptions } from 'electron';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROJECT_FILE_EXTENSION } from '../../src-shared/project/schema.js';
import { createAppContext, type AppContext } from '../services/appServices.js';
import type { Dialogs } from '../services/handlers.js';
import { builtWorkerPath } from '../services/workerPool.js';
import { registerIpc } from './ipc.js';
import { menuTemplate } from './menuTemplate.js';
import {
  APP_ENTRY_URL,
  APP_SCHEME,
  contentSecurityPolicy,
  contentTypeFor,
  isAppUrl,
  isSafeExternalUrl,
  mainWindowOptions,
  safeRelativePath,
  securityHeaders,
} from './security.js';

const mainDir = path.dirname(fileURLToPath(import.meta.url));
const rendererDir = path.resolve(mainDir, '../renderer');
const preloadPath = path.resolve(mainDir, '../preload/preload.cjs');
const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;

let mainWindow: BrowserWindow | null = null;
let context: AppContext | null = null;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);

  // every web contents: no navigation away from the app, no new windows, no webviews
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isAppUrl(url, devServerUrl)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!isAppUrl(url, devServerUrl)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      if (isSafeExternalUrl(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  let disposing = false;
  app.on('before-quit', (event) => {
    if (!context || disposing) return;
    disposing = true;
    event.preventDefault();
    void context.dispose().finally(() => {
      context = null;
      app.quit();
    });
  });

  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0 && context) createWindow();
  });

  void app.whenReady().then(() => {
    const csp = contentSecurityPolicy();
    const headers = securityHeaders(csp);

    protocol.handle(APP_SCHEME, async (request) => {
      const url = new URL(request.url);
      const relative = safeRelativePath(url.pathname);
      const file = relative === null ? null : path.join(rendererDir, relative);
      if (!file || !file.startsWith(rendererDir + path.sep)) return new Response('Not found', { status: 404, headers });
      try {
        const body = await readFile(file);
        return new Response(body, { status: 200, headers: { ...headers, 'Content-Type': contentTypeFor(file) } });
      } catch {
        return new Response('Not found', { status: 404, headers });
      }
    });

    // no camera, microphone, notifications, geolocation, ... for any page
    session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
    session.defaultSession.setPermissionCheckHandler(() => false);
    // the CSP also on anything not served by our protocol handler (e.g. the dev server)
    session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
      if (devServerUrl && details.url.startsWith(devServerUrl)) return callback({ responseHeaders: details.responseHeaders });
      callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
    });

    const dialogs: Dialogs = {
      async pickOpenPath() {
        const options = {
          title: 'Open GainLab project',
          properties: ['openFile' as const],
          filters: [{ name: 'GainLab project', extensions: [PROJECT_FILE_EXTENSION.slice(1)] }],
        };
        const result = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options);
        return result.canceled ? null : (result.filePaths[0] ?? null);
      },
      async pickSavePath(suggestedName) {
        const options = {
          title: 'Save GainLab project',
          defaultPath: `${suggestedName || 'Untitled'}${PROJECT_FILE_EXTENSION}`,
          filters: [{ name: 'GainLab project', extensions: [PROJECT_FILE_EXTENSION.slice(1)] }],
        };
        const result = mainWindow ? await dialog.showSaveDialog(mainWindow, options) : await dialog.showSaveDialog(options);
        return result.canceled ? null : (result.filePath ?? null);
      },
    };

    context = createAppContext({
      mode: 'electron',
      version: app.getVersion(),
      workerFile: builtWorkerPath(import.meta.url),
      configDir: app.getPath('userData'),
      dialogs,
    });
    registerIpc(context.handlers, context.hub, devServerUrl);

    const hub = context.hub;
    const template = menuTemplate((command) => hub.emit('menu:command', { command }), process.platform === 'darwin');
    Menu.setApplicationMenu(Menu.buildFromTemplate(template as MenuItemConstructorOptions[]));

    createWindow();
  });
}

function createWindow(): void {
  const window = new BrowserWindow(mainWindowOptions(preloadPath));
  mainWindow = window;
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = null;
  });
  void window.loadURL(devServerUrl ?? APP_ENTRY_URL);
}
