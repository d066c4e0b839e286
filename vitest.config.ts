import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // the app's WebAssembly features (relaxed SIMD on Node 20), so tests use the app's arithmetic
    setupFiles: ['tests/helpers/wasmFeatures.setup.ts'],
    // The JSON report feeds the one-line summary of scripts/run-tests.mjs.
    reporters: ['default', 'json'],
    outputFile: { json: 'reports/vitest.json' },
    projects: [
      { extends: true, test: { name: 'unit', include: ['tests/**/*.test.ts'], exclude: ['tests/**/*.serial.test.ts'], sequence: { groupOrder: 0 } } },
      // suites that measure latency or memory (e.g. tests/ipc/abuse.serial.test.ts) run one at a
      // time after all the others, so parallel test files do not distort what they measure
      { extends: true, test: { name: 'serial', include: ['tests/**/*.serial.test.ts'], fileParallelism: false, sequence: { groupOrder: 1 } } },
    ],
  },
});
