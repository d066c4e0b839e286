/**
 * End-to-end tests: web mode in Debian's Chromium (no browser download), plus an Electron spec that
 * runs where an Electron binary is installed and reports itself skipped elsewhere.
 *   npx playwright test            (builds first when out/ is missing or older than the sources)
 * e2e/globalSetup.ts starts the built web server (out/main/server.js) on a free port and hands the
 * token-bearing URL to the specs as GAINLAB_E2E_URL. It also gives the run a temp folder of its own
 * and fails the run when the specs leave anything in it (tests/helpers/tempDirs.ts).
 */
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'e2e',
  globalSetup: './e2e/globalSetup.ts',
  // one server holds the jobs: specs share it, so run them one after another
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 180_000,
  expect: { timeout: 30_000 },
  outputDir: 'test-results/artifacts',
  reporter: [
    ['list'],
    ['json', { outputFile: 'test-results/e2e.json' }],
    // scripts/run-tests.mjs sums this one into the suite's summary line
    ['json', { outputFile: 'reports/e2e.json' }],
  ],
  use: {
    browserName: 'chromium',
    headless: true,
    viewport: { width: 1440, height: 900 },
    deviceScaleFactor: 1,
    screenshot: 'only-on-failure',
    trace: 'off',
    launchOptions: {
      executablePath: process.env.GAINLAB_CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
