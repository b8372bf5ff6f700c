import { runBdst } from './bdst-command.js';

/**
 * The `bdst` executable: runs the command on the process's arguments, stops a run between batches
 * on the first Ctrl-C or SIGTERM (checkpoints keep what finished; `--resume` continues), and exits
 * with the command's code once the output is flushed (the WASM backend's worker threads would
 * otherwise keep the process alive).
 */
export async function main(): Promise<void> {
  const controller = new AbortController();
  const stop = (): void => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const code = await runBdst(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, signal: controller.signal });
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}
