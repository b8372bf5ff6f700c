import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { moduleRequire } from '../backend/module-require.js';

/** How to start a replica worker: `new Worker(script, { eval })`. */
export interface ReplicaWorkerEntry {
  /** The entry module's absolute path, or (with `eval`) the bootstrap code that imports it. */
  script: string;
  /** Whether `script` is code rather than a path. */
  eval: boolean;
}

/**
 * Locates the replica worker's entry next to this module, in the form the running code has:
 *
 * - built package: `dist/replica-worker.js` (ESM) or `dist/replica-worker.cjs` (CJS), a tsup
 *   entry of its own;
 * - TypeScript sources (`node --conditions source --import tsx`, or vitest, which transforms only
 *   its own modules, so a worker runs plain Node): `src/train/replica-worker.ts`, imported through
 *   tsx's `tsImport` by a one-line bootstrap (Node 20 does not apply `--import tsx` from a
 *   Worker's `execArgv` to its entry). tsx is resolved from here (a root devDependency of the
 *   monorepo), so no build is needed.
 *
 * @throws Error saying what to do when the entry or tsx cannot be found.
 */
export function replicaWorkerEntry(): ReplicaWorkerEntry {
  const here = typeof __filename === 'string' && __filename.length > 0 ? __filename : fileURLToPath(import.meta.url);
  const source = /\.[cm]?ts$/.test(here);
  const file = join(dirname(here), source ? 'replica-worker.ts' : here.endsWith('.cjs') ? 'replica-worker.cjs' : 'replica-worker.js');
  if (!existsSync(file)) {
    throw new Error(`ReplicaPool: the replica worker entry ${file} does not exist (was @bdst/core bundled into another file? Replicas need its dist/ folder as built)`);
  }
  if (!source) return { script: file, eval: false };
  let tsxApi: string;
  try {
    // tsx's ESM API (`tsx/esm/api`, import condition); require.resolve finds its CJS twin.
    const resolved = moduleRequire().resolve('tsx/esm/api');
    const esm = resolved.replace(/\.cjs$/, '.mjs');
    tsxApi = pathToFileURL(existsSync(esm) ? esm : resolved).href;
  } catch {
    throw new Error('ReplicaPool: @bdst/core runs from its TypeScript sources, so its replica workers need tsx (npm install -D tsx), or build it first (npm run build)');
  }
  const url = JSON.stringify(pathToFileURL(file).href);
  return { script: `import(${JSON.stringify(tsxApi)}).then((tsx) => tsx.tsImport(${url}, ${url}));`, eval: true };
}
