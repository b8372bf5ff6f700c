import { dirname, sep } from 'node:path';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { moduleRequire } from './module-require.js';

let configured = false;

/**
 * Points `@tensorflow/tfjs-backend-wasm` at its `.wasm` binaries in
 * `node_modules/@tensorflow/tfjs-backend-wasm/dist/`, resolved from this package, so the WASM
 * backend loads under Node whichever build of it (ESM, CJS, bundled) is in use. Runs once, and
 * must run before the WASM backend initializes; a resolution failure is ignored (the package's
 * own default location is then used).
 */
export function configureWasmBinaryLocation(): void {
  if (configured) return;
  configured = true;
  try {
    const distDirectory = dirname(moduleRequire().resolve('@tensorflow/tfjs-backend-wasm'));
    setWasmPaths(distDirectory + sep);
  } catch {
    // Keep tfjs-backend-wasm's default (its own folder), which is right for its Node build.
  }
}
