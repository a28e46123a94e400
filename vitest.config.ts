import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Each run's temporary files in one folder, removed at the end (test/temporary-folder-setup.ts).
    globalSetup: ['test/temporary-folder-setup.ts'],
  },
});
