import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // The JSON report feeds the one-line summary of scripts/run-tests.mjs.
    reporters: ['default', 'json'],
    outputFile: { json: 'reports/vitest.json' },
  },
});
