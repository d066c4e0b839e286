/**
 * GainLab's security policy as plain data and pure functions (no electron import, so tests and
 * the web server use the very same values).
 */

/** The custom scheme the Electron window loads the renderer from (a real origin, unlike file://). */
export const APP_SCHEME = 'gainlab-app';
export const APP_HOST = 'renderer';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * Content-Security-Policy for every renderer page: only our own scripts (no inline script, no
 * JavaScript eval, no remote hosts; WebAssembly compilation only, 'wasm-unsafe-eval'), no plugins, no framing, no form posts. Inline *styles* stay allowed
 * because Vue/ECharts set style attributes; that cannot run code.
 * `connect` adds the web-mode WebSocket origin (ws://127.0.0.1:PORT).
 */
export function contentSecurityPolicy(options: { connect?: string[] } = {}): string {
  const connect = ["'self'", ...(options.connect ?? [])].join(' ');
  return [
    "default-src 'self'",
    // 'wasm-unsafe-eval' lets WebAssembly compile (the model kernels in Web Workers); it allows
    // no JavaScript eval ('unsafe-eval' stays off)
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src ${connect}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * Headers sent with every renderer response (Electron protocol handler and web server). COOP
 * same-origin + COEP require-corp make the page cross-origin isolated (`crossOriginIsolated`),
 * which shared WebAssembly memory needs: the speed worker's kernels run on every core with it
 * (src-renderer/workers/kernelThreads.ts). Every resource the renderer loads is its own (CSP
 * default-src 'self', plus data:/blob: URLs, which COEP does not block), so require-corp costs nothing.
 */
export function securityHeaders(csp: string): Record<string, string> {
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
}

/** BrowserWindow webPreferences: isolated, sandboxed, no Node in the page. */
export function secureWebPreferences(preloadPath: string) {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    spellcheck: false,
  } as const;
}

export function mainWindowOptions(preloadPath: string, iconPath?: string) {
  return {
    width: 1400,
    height: 900,
    minWidth: 960,
    minHeight: 640,
    title: 'GainLab',
    show: false,
    backgroundColor: '#ffffff',
    ...(iconPath ? { icon: iconPath } : {}),
    webPreferences: secureWebPreferences(preloadPath),
  };
}

/** Whether a URL belongs to our renderer (the only place IPC may come from and navigate to). */
export function isAppUrl(url: string, devServerUrl?: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST) return true;
  if (devServerUrl) {
    try {
      return parsed.origin === new URL(devServerUrl).origin;
    } catch {
      return false;
    }
  }
  return false;
}

/** URLs the "open externally" handler may pass to the OS browser (documentation links). */
export function isSafeExternalUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:';
  } catch {
    return false;
  }
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentTypeFor(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return CONTENT_TYPES[dot >= 0 ? fileName.slice(dot).toLowerCase() : ''] ?? 'application/octet-stream';
}

/**
 * Resolve a URL path inside the renderer directory; null for anything that would escape it
 * (.., encoded separators, absolute paths, NUL).
 */
export function safeRelativePath(urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const parts = decoded.split('/').filter((p) => p.length > 0);
  if (parts.some((p) => p === '..' || p === '.')) return null;
  const relative = parts.join('/');
  return relative === '' ? 'index.html' : relative;
}
