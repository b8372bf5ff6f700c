import { defineConfig } from 'vitest/config';

// Long real-data runs (`npm run test:slow`): Fashion-MNIST end-to-end, memory soak tests.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['packages/*/test/**/*.slow.test.ts'],
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 3_600_000,
    hookTimeout: 600_000,
  },
});
