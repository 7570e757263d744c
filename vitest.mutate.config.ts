import { defineConfig } from 'vitest/config';

// The suites that exercise lib/engines, lib/vm and lib/net (StrykerJS, `npm run mutate`): the
// sweep, reproduction, notebook and CLI suites test other layers and would only slow each mutant.
export default defineConfig({
  test: {
    include: ['test/engines/**/*.test.ts', 'test/vm/**/*.test.ts', 'test/net/**/*.test.ts', 'test/scenario/**/*.test.ts', 'test/workloads/**/*.test.ts'],
    exclude: ['test/scenario/fuzz.test.ts', 'test/engines/remus/outage.test.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
