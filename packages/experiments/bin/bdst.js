#!/usr/bin/env node
// The `bdst` command. A built package runs dist/cli.js; in the source checkout (no build yet) it
// runs src/cli/bin.ts through tsx with the `source` export condition, so `npx bdst` works right
// after `npm install`.
import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'dist', 'cli.js');
if (existsSync(built) && !process.env.BDST_FROM_SOURCE) {
  await import(built);
} else {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', join(root, 'src', 'cli', 'bin.ts'), ...process.argv.slice(2)], { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? (signal ? 128 + 2 : 1);
  });
}
