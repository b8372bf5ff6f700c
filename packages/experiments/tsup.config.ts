import { defineConfig } from 'tsup';

const external = [/^@tensorflow\//, /^@bdst\//, 'commander', 'cli-progress'];

// The library is published as ESM + CJS; the command (src/cli/bin.ts, which awaits at top level)
// only as ESM, since bin/bdst.js imports it.
export default defineConfig([
  {
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    dts: { entry: { index: 'src/index.ts' } },
    sourcemap: true,
    clean: true,
    target: 'node20',
    external,
  },
  {
    entry: { cli: 'src/cli/bin.ts' },
    format: ['esm'],
    sourcemap: true,
    clean: false,
    target: 'node20',
    external,
  },
]);
