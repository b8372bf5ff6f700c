import type { Worker } from 'node:worker_threads';

/** A Worker started by the code under test, and whether it has exited (been terminated). */
export interface TrackedWorker {
  worker: Worker;
  exited: boolean;
}

/**
 * The `node:worker_threads` module with a `Worker` that records every instance in `started`, for
 * tests that check replica workers are terminated:
 *
 * ```ts
 * const started = vi.hoisted(() => [] as TrackedWorker[]);
 * vi.mock('node:worker_threads', async (importOriginal) =>
 *   (await import('./tracked-workers.js')).trackingWorkerThreads(await importOriginal(), started));
 * ```
 */
export function trackingWorkerThreads(original: typeof import('node:worker_threads'), started: TrackedWorker[]): typeof import('node:worker_threads') {
  class Tracked extends original.Worker {
    constructor(...args: ConstructorParameters<typeof original.Worker>) {
      super(...args);
      const entry: TrackedWorker = { worker: this as Worker, exited: false };
      started.push(entry);
      this.once('exit', () => {
        entry.exited = true;
      });
    }
  }
  return { ...original, Worker: Tracked };
}
