import { defineConfig } from 'vitest/config';
export default defineConfig({
  test: {
    include: ['test/engines/remus/{replica,output-buffer}.test.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 300_000,
    hookTimeout: 60_000,
  },
});
