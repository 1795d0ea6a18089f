import { defineConfig } from 'vitest/config';

// Two levels, kept apart by suffix: *.test.ts runs in-process, *.e2e.ts over real sockets on port 0.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/**/*.test.ts'] } },
      { test: { name: 'e2e', include: ['test/**/*.e2e.ts'], testTimeout: 30_000, hookTimeout: 30_000 } },
    ],
  },
});
