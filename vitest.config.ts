import { defineConfig } from 'vitest/config';

// Two levels, kept apart by suffix: *.test.ts runs in-process, *.e2e.ts over real sockets on port 0.
export default defineConfig({
  // graphql ships CommonJS and ESM builds; Vite would pick the ESM one for our code while
  // graphql-yoga loads the CommonJS one, giving two GraphQLError classes. Node picks
  // CommonJS for both, so tests do too.
  resolve: { alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }] },
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'] } },
      { extends: true, test: { name: 'e2e', include: ['test/**/*.e2e.ts'], testTimeout: 30_000, hookTimeout: 30_000 } },
    ],
  },
});
