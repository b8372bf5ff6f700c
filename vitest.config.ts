import { defineConfig } from 'vitest/config';

// One config for every package. `@bdst/*` resolves to each package's TypeScript source through
// the `source` export condition, so tests never need a build first.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/test/**/*.test.ts'],
    exclude: ['**/*.slow.test.ts', '**/node_modules/**'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
