import { describe, expect, it } from 'vitest';
import {
  APP_ENTRY_URL,
  contentSecurityPolicy,
  isAppUrl,
  isSafeExternalUrl,
  mainWindowOptions,
  safeRelativePath,
  securityHeaders,
} from '../../src-main/electron/security.js';
import { menuTemplate, type MenuCommand } from '../../src-main/electron/menuTemplate.js';

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...sources]) => [name, sources]),
  );
}

describe('Electron window and CSP', () => {
  it('BrowserWindow options isolate and sandbox the page, with no Node integration', () => {
    const options = mainWindowOptions('/app/out/preload/preload.cjs');
    expect(options.webPreferences.contextIsolation).toBe(true);
    expect(options.webPreferences.sandbox).toBe(true);
    expect(options.webPreferences.nodeIntegration).toBe(false);
    expect(options.webPreferences.nodeIntegrationInWorker).toBe(false);
    expect(options.webPreferences.webSecurity).toBe(true);
    expect(options.webPreferences.webviewTag).toBe(false);
    expect(options.webPreferences.allowRunningInsecureContent).toBe(false);
    expect(options.webPreferences.preload).toMatch(/preload\.cjs$/);
  });

  it("the CSP allows scripts from 'self' only (+ WebAssembly compilation): no remote hosts, inline script or eval", () => {
    for (const csp of [contentSecurityPolicy(), contentSecurityPolicy({ connect: ['ws://127.0.0.1:5000'] })]) {
      const d = directives(csp);
      // WebAssembly compilation for the model kernels, never JavaScript eval or inline script
      expect(d.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
      for (const [name, sources] of d) expect(sources, name).not.toContain("'unsafe-eval'");
      expect(d.get('script-src')).not.toContain("'unsafe-inline'");
      expect(d.get('default-src')).toEqual(["'self'"]);
      expect(d.get('object-src')).toEqual(["'none'"]);
      expect(d.get('base-uri')).toEqual(["'none'"]);
      expect(d.get('frame-ancestors')).toEqual(["'none'"]);
      // nothing anywhere may load from the network except the local WebSocket
      for (const [name, sources] of d) {
        for (const source of sources) {
          const remote = /^(https?:|wss?:|\*|[a-z0-9.-]+\.[a-z]{2,})/i.test(source) && !/^ws:\/\/127\.0\.0\.1:\d+$/.test(source);
          expect(remote, `${name} ${source}`).toBe(false);
        }
      }
    }
  });

  it('every renderer response carries the CSP and the cross-origin isolation headers (shared WebAssembly memory needs both COOP and COEP)', () => {
    const csp = contentSecurityPolicy();
    expect(securityHeaders(csp)).toEqual({
      'Content-Security-Policy': csp,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'same-origin',
    });
    // the helper threads of the speed worker are blob: workers; nothing else was added for them
    expect(directives(csp).get('worker-src')).toEqual(["'self'", 'blob:']);
  });

  it('IPC and navigation are accepted only from the app origin', () => {
    expect(isAppUrl(APP_ENTRY_URL)).toBe(true);
    expect(isAppUrl('gainlab-app://renderer/assets/x.js')).toBe(true);
    expect(isAppUrl('gainlab-app://other/index.html')).toBe(false);
    expect(isAppUrl('https://example.com/')).toBe(false);
    expect(isAppUrl('file:///etc/passwd')).toBe(false);
    expect(isAppUrl('not a url')).toBe(false);
    expect(isAppUrl('http://localhost:5173/', 'http://localhost:5173')).toBe(true);
    expect(isSafeExternalUrl('https://doi.org/10.1038/s41593-018-0276-0')).toBe(true);
    expect(isSafeExternalUrl('file:///bin/sh')).toBe(false);
    expect(isSafeExternalUrl('javascript:alert(1)')).toBe(false);
  });

  it('renderer paths cannot escape the renderer directory', () => {
    expect(safeRelativePath('/')).toBe('index.html');
    expect(safeRelativePath('/assets/a.js')).toBe('assets/a.js');
    for (const bad of ['/../x', '/a/../../x', '/%2e%2e/x', '/a%2f..%2f..%2fx', '/a\\..\\x', '/%00', '/%zz']) {
      expect(safeRelativePath(bad), bad).toBeNull();
    }
  });

  it('the File menu forwards New/Open (Ctrl+O)/Save (Ctrl+S)/Save As', () => {
    const commands: MenuCommand[] = [];
    const file = menuTemplate((c) => commands.push(c), false)[0];
    const items = file.submenu!.filter((item) => item.click);
    expect(items.map((item) => item.accelerator)).toEqual(['CmdOrCtrl+N', 'CmdOrCtrl+O', 'CmdOrCtrl+S', 'CmdOrCtrl+Shift+S']);
    for (const item of items) item.click!();
    expect(commands).toEqual(['new', 'open', 'save', 'saveAs']);
  });
});
