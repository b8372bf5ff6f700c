import { createRequire } from 'node:module';
import { isAbsolute } from 'node:path';

/**
 * A CommonJS `require` anchored at this module, used to resolve installed packages (the WASM
 * binaries' folder, whether an optional native package is installed). Works both from the ESM
 * build (through `import.meta.url`) and from the CJS build (through `__filename`, where
 * `import.meta` is empty). A `__filename` that is not a path (`'[worker eval]'` in a replica
 * worker started from bdst's sources) is skipped.
 */
export function moduleRequire(): NodeRequire {
  if (typeof __filename === 'string' && isAbsolute(__filename)) return createRequire(__filename);
  return createRequire(import.meta.url);
}

/**
 * Whether `packageName` can be resolved from here, i.e. is installed. Any error other than
 * "module not found" (e.g. a broken package.json) counts as installed, so that loading it
 * reports the real problem.
 */
export function isPackageInstalled(packageName: string): boolean {
  try {
    moduleRequire().resolve(packageName);
    return true;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return code !== 'MODULE_NOT_FOUND' && code !== 'ERR_MODULE_NOT_FOUND';
  }
}
