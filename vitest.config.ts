// Test runner settings: end-to-end tests start processes and servers, so they get generous time limits.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    globalSetup: ['test/support/compile.ts', 'test/support/temp-root.ts'],
  },
});
