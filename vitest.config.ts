import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The web client is built (when its sources changed) before the end-to-end tests serve it.
    globalSetup: ['test/e2e/global-setup.ts'],
    // Two cores: a few files at a time keeps socket and child-process tests from starving each other.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The JSON report is what CI counts; the default reporter is for people.
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
    projects: [
      { extends: true, test: { name: 'node', include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'], sequence: { groupOrder: 0 } } },
      // Browser files one at a time, after the rest: each opens up to six Chromium pages (a call
      // test, five), which is what two cores carry.
      { extends: true, test: { name: 'browser', include: ['test/e2e/**/*.test.ts'], maxWorkers: 1, sequence: { groupOrder: 1 } } },
    ],
  },
});
