import type { Options } from 'tsup';

/** Never bundled: tfjs must stay one shared instance, and sibling packages are imported by name. */
export const PACKAGE_EXTERNALS: NonNullable<Options['external']> = [/^@tensorflow\//, /^@bdst\//];

/**
 * The build every `@bdst/*` package shares: `src/index.ts` to ESM + CJS with `.d.ts`, source maps,
 * Node 20, siblings and tfjs left external. `overrides` replaces fields (entries, extra externals).
 */
export function packageBuild(overrides: Options = {}): Options {
  return {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    external: PACKAGE_EXTERNALS,
    ...overrides,
  };
}
