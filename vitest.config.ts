import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The web client is built (when its sources changed) before the end-to-end tests serve it.
    globalSetup: ['test/e2e/global-setup.ts'],
    // Two cores: a few files at a time keeps socket and child-process tests from starving each other.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The JSON report is what CI counts; the default reporter is for people.
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
  },
});
