/**
 * Web mode when the server goes away and comes back (issue 10): the page says it lost the server,
 * reconnects by itself when a server with the same port and token returns, says so, and works.
 * This spec runs a server of its own (the shared one from globalSetup keeps serving the others).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';

const root = path.resolve(import.meta.dirname, '..');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function startServer(port: number, token: string, configDir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(root, 'out/main/server.js'), '--port', String(port)], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    // the token through the environment (not visible in the process list)
    env: { ...process.env, GAINLAB_TOKEN: token, GAINLAB_CONFIG_DIR: configDir },
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('GainLab web mode: ')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}) before listening: ${out}`)));
  });
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await exited;
}

test('the page says it lost the server, reconnects when it restarts, says so, and works', async ({ page }) => {
  const port = await freePort();
  const token = 'e2e-reconnect-token-0123456789abcdefghijkl';
  const configDir = mkdtempSync(path.join(os.tmpdir(), 'gainlab-e2e-reconnect-'));
  let server = await startServer(port, token, configDir);
  try {
    await page.goto(`http://127.0.0.1:${port}/?token=${token}`);
    await expect(page.locator('.app[data-ready="true"]')).toBeAttached();
    await expect(page.getByTestId('connection-banner')).toHaveCount(0);

    await stopServer(server);
    const banner = page.getByTestId('connection-banner');
    await expect(banner).toBeVisible();
    await expect(banner).toContainText('Lost the connection to the GainLab server — reconnecting…');

    server = await startServer(port, token, configDir);
    const restored = page.getByTestId('connection-restored');
    await expect(restored).toBeVisible({ timeout: 15_000 });
    await expect(restored).toHaveText('Reconnected to the GainLab server.');
    await expect(banner).toHaveCount(0);
    // the page talks to the new server: a new project opens its workspace
    await page.getByRole('button', { name: 'New project' }).click();
    await expect(page.getByTestId('workspace')).toBeVisible();
    // the notice goes away by itself
    await expect(restored).toHaveCount(0, { timeout: 10_000 });
  } finally {
    await stopServer(server);
    rmSync(configDir, { recursive: true, force: true });
  }
});
