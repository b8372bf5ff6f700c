import { defineConfig } from 'tsup';
import { PACKAGE_EXTERNALS, packageBuild } from '../../tsup.package';

const external = [...PACKAGE_EXTERNALS, 'commander', 'cli-progress'];

// The library is published as ESM + CJS; the command (src/cli/bin.ts, which awaits at top level)
// only as ESM, since bin/bdst.js imports it.
export default defineConfig([
  packageBuild({ entry: { index: 'src/index.ts' }, dts: { entry: { index: 'src/index.ts' } }, external }),
  packageBuild({ entry: { cli: 'src/cli/bin.ts' }, format: ['esm'], dts: false, clean: false, external }),
]);
