/**
 * Electron main process (out/main/electron.js). Thin: window, menu, dialogs, IPC registration and
 * the security policy; everything else lives in plain Node services (src-main/services).
 *
 * The renderer is loaded from the privileged custom scheme gainlab-app://renderer/ (a real,
 * stable origin for the CSP and the IPC sender check) served from out/renderer with the CSP
 * header. ELECTRON_RENDERER_URL (electron-vite dev server) is honoured in development only.
 */
import { app, BrowserWindow, dialog, Menu, protocol, session, shell, type MenuItemConstructorOptions } from 'electron';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROJECT_FILE_EXTENSION } from '../../src-shared/project/schema.js';
import { createAppContext, type AppContext } from '../services/appServices.js';
import type { Dialogs } from '../services/handlers.js';
import { installProcessGuards } from '../services/processGuards.js';
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

// a fault in one request is logged, never fatal (Electron would otherwise show a crash dialog or
// quit): the open project and running jobs live in this process
installProcessGuards({ label: 'main process' });

const mainDir = path.dirname(fileURLToPath(import.meta.url));
const rendererDir = path.resolve(mainDir, '../renderer');
const preloadPath = path.resolve(mainDir, '../preload/preload.cjs');
const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;

let mainWindow: BrowserWindow | null = null;
let context: AppContext | null = null;
/** A .gainlab file the OS asked us to open before the services were ready. */
let pendingOpenPath: string | null = projectPathFromArgv(process.argv);

/** The first existing *.gainlab argument (double-click / "Open with" / file association). */
function projectPathFromArgv(argv: readonly string[]): string | null {
  for (const arg of argv.slice(1)) {
    if (arg.toLowerCase().endsWith(PROJECT_FILE_EXTENSION) && existsSync(arg)) return path.resolve(arg);
  }
  return null;
}

function openProjectFromOs(file: string): void {
  if (!context) {
    pendingOpenPath = file;
    return;
  }
  const projects = context.services.projects;
  if (projects.current().dirty) {
    // never drop unsaved work silently: let the renderer's own Open flow (with its prompt) handle it
    context.hub.emit('menu:command', { command: 'open' });
    return;
  }
  void projects.open(file).catch((error: unknown) => {
    dialog.showErrorBox('Could not open the project', error instanceof Error ? error.message : String(error));
  });
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', (_event, argv) => {
    const file = projectPathFromArgv(argv);
    if (file) openProjectFromOs(file);
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  // macOS: files dropped on the dock icon or opened from Finder
  app.on('open-file', (event, file) => {
    event.preventDefault();
    openProjectFromOs(file);
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

  // after every window has closed (each one asked about unsaved changes): stop the jobs, flush
  // the autosave copy, then leave
  let disposing = false;
  app.on('will-quit', (event) => {
    if (!context || disposing) return;
    disposing = true;
    event.preventDefault();
    // every window close went through confirmClose, so the user has decided about unsaved changes
    void context.dispose({ discardRecovery: true }).finally(() => {
      context = null;
      app.exit(0);
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
      projectIoWorkerFile: builtWorkerPath(import.meta.url, 'projectIoWorker'),
      configDir: app.getPath('userData'),
      dialogs,
    });
    registerIpc(context.handlers, context.hub, devServerUrl);

    const hub = context.hub;
    const template = menuTemplate((command) => hub.emit('menu:command', { command }), process.platform === 'darwin');
    Menu.setApplicationMenu(Menu.buildFromTemplate(template as MenuItemConstructorOptions[]));

    createWindow();
    if (pendingOpenPath) {
      const file = pendingOpenPath;
      pendingOpenPath = null;
      openProjectFromOs(file);
    }
  });
}

/**
 * Closing the window with unsaved changes asks first (Save / Don't Save / Cancel). Saving an
 * untitled project goes through the save dialog; a failed or cancelled save keeps the window open.
 */
async function confirmClose(window: BrowserWindow): Promise<boolean> {
  if (!context) return true;
  const projects = context.services.projects;
  const current = projects.current();
  if (!current.dirty) return true;
  const { response } = await dialog.showMessageBox(window, {
    type: 'question',
    buttons: ['Save', "Don't Save", 'Cancel'],
    defaultId: 0,
    cancelId: 2,
    message: `Save the changes to "${current.name}" before closing?`,
    detail: 'Your changes will be lost if you do not save them.',
  });
  if (response === 2) return false;
  if (response === 1) return true;
  try {
    if (current.path) await projects.save();
    else {
      const target = await context.services.dialogs?.pickSavePath(current.name);
      if (!target) return false;
      await projects.saveAs(target);
    }
    return true;
  } catch (error) {
    dialog.showErrorBox('Could not save the project', error instanceof Error ? error.message : String(error));
    return false;
  }
}

function createWindow(): void {
  const window = new BrowserWindow(mainWindowOptions(preloadPath));
  mainWindow = window;
  window.once('ready-to-show', () => window.show());
  let closeConfirmed = false;
  window.on('close', (event) => {
    if (closeConfirmed) return;
    event.preventDefault();
    void confirmClose(window).then((ok) => {
      if (!ok) return;
      closeConfirmed = true;
      window.close();
    });
  });
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = null;
  });
  void window.loadURL(devServerUrl ?? APP_ENTRY_URL);
}
