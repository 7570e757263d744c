import { defineConfig } from 'vitest/config';

// The suites that exercise lib/engines, lib/vm and lib/net (StrykerJS, `npm run mutate`): the
// sweep, reproduction, notebook and CLI suites test other layers and would only slow each mutant.
// A narrow run (one file or folder at a time, `--mutate lib/engines/…`) names the suites that test
// it in VMFT_MUTATE_TESTS (comma-separated paths or globs), so each mutant runs only those.
const narrow = process.env.VMFT_MUTATE_TESTS?.split(',').filter((t) => t !== '');

export default defineConfig({
  test: {
    include:
      narrow !== undefined && narrow.length > 0
        ? narrow
        : ['test/engines/**/*.test.ts', 'test/vm/**/*.test.ts', 'test/net/**/*.test.ts', 'test/scenario/**/*.test.ts', 'test/workloads/**/*.test.ts'],
    exclude: ['test/scenario/fuzz.test.ts', 'test/engines/remus/outage.test.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
