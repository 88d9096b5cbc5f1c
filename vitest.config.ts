import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/setup-network.ts'],
    pool: 'forks',
    // Vitest runs one file less than there are cores (1 on 2): most of the slow files wait on child
    // processes (kigen start, PostgreSQL, replicas), so three at once keep 2 cores busy.
    maxWorkers: 3,
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
