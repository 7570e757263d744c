import { defineConfig } from 'vitest/config';

// Tests mirror lib/ and workloads/ under test/. Forks (not threads) isolate suites that start
// worker pools or child processes (the notebook runner); timeouts leave room for a 2-core CI box.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
