#!/usr/bin/env node
// The `bdst` command. A built package runs dist/cli.js. In the source checkout (no build yet) it
// runs src/cli/bin.ts in this same process: tsx compiles the TypeScript, and a resolve hook adds
// the `source` export condition so `@bdst/*` resolve to their sources; `npx bdst` works right after
// `npm install`, and a signal sent to this process reaches the run.
import { existsSync } from 'node:fs';
import { register } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'dist', 'cli.js');
if (existsSync(built) && !process.env.BDST_FROM_SOURCE) {
  await import(pathToFileURL(built).href);
} else {
  const addSourceCondition = `export async function resolve(specifier, context, next) {
    const conditions = context.conditions.includes('source') ? context.conditions : ['source', ...context.conditions];
    return next(specifier, { ...context, conditions });
  }`;
  register(`data:text/javascript,${encodeURIComponent(addSourceCondition)}`);
  const { register: registerTsx } = await import('tsx/esm/api');
  registerTsx();
  await import(pathToFileURL(join(root, 'src', 'cli', 'bin.ts')).href);
}
