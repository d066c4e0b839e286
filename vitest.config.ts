import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // the .mount.test.ts files import .vue components
  plugins: [vue()],
  test: {
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // the app's WebAssembly features (relaxed SIMD on Node 20), so tests use the app's arithmetic
    // and the temp folders a test file made with tempDir are removed after it (tests/helpers/tempDirs.ts)
    setupFiles: ['tests/helpers/wasmFeatures.setup.ts', 'tests/helpers/tempDirs.setup.ts'],
    // the run's own temp folder, checked to be empty at the end (tests/helpers/tempDirs.ts)
    globalSetup: ['tests/helpers/tempCheck.globalSetup.ts'],
    // The JSON report feeds the one-line summary of scripts/run-tests.mjs.
    reporters: ['default', 'json'],
    outputFile: { json: 'reports/vitest.json' },
    projects: [
      { extends: true, test: { name: 'unit', include: ['tests/**/*.test.ts'], exclude: ['tests/**/*.serial.test.ts', 'tests/**/*.mount.test.ts'], sequence: { groupOrder: 0 } } },
      // tests that mount .vue components in Node: modules transformed for the browser, so the
      // components get their client render functions (tests/renderer/mountComponent.ts)
      { extends: true, test: { name: 'mount', include: ['tests/**/*.mount.test.ts'], environment: './tests/renderer/vueClientEnvironment.ts', sequence: { groupOrder: 0 } } },
      // suites that measure latency or memory (e.g. tests/ipc/abuse.serial.test.ts) run one at a
      // time after all the others, so parallel test files do not distort what they measure
      { extends: true, test: { name: 'serial', include: ['tests/**/*.serial.test.ts'], fileParallelism: false, sequence: { groupOrder: 1 } } },
    ],
  },
});
