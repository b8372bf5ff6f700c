import * as tf from '@tensorflow/tfjs-core';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, beforeAll } from 'vitest';
import { initBackend } from '@bdst/core';

/** The backends every tensor spec runs on (tfjs's `describeWithFlags` in spirit). */
export const TEST_BACKENDS = ['wasm', 'cpu'] as const;
export type TestBackend = (typeof TEST_BACKENDS)[number];

/**
 * Runs the same spec once per backend (WASM with bdst's training kernels, and the plain CPU
 * backend), each inside its own `describe` with that backend selected before the specs run.
 */
export function describeBackends(name: string, specs: (backend: TestBackend) => void, backends: readonly TestBackend[] = TEST_BACKENDS): void {
  for (const backend of backends) {
    describe(`${name} [${backend}]`, () => {
      beforeAll(async () => {
        await initBackend({ backend, quiet: true });
      });
      specs(backend);
    });
  }
}

/**
 * Runs `fn` and asserts that the number of live tensors is the same afterwards, apart from the
 * tensors `fn` returns (which are disposed here). Works with sync and async functions.
 */
export async function expectNoLeak<T>(fn: () => T | Promise<T>): Promise<T> {
  const before = tf.memory().numTensors;
  const result = await fn();
  const returned = collectTensors(result);
  const after = tf.memory().numTensors;
  expect(after - returned.length, `tensors leaked (before ${before}, after ${after}, returned ${returned.length})`).toBe(before);
  return result;
}

function collectTensors(value: unknown, out: tf.Tensor[] = [], seen = new Set<unknown>()): tf.Tensor[] {
  if (value instanceof tf.Tensor) {
    if (!value.isDisposed && !seen.has(value)) out.push(value);
    seen.add(value);
  } else if (Array.isArray(value)) {
    for (const v of value) collectTensors(v, out, seen);
  } else if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value)) collectTensors(v, out, seen);
  }
  return out;
}

/** Reads a tensor to a plain Float32Array (synchronously) and disposes nothing. */
export function values(t: tf.Tensor): Float32Array {
  return t.dataSync() as Float32Array;
}

/**
 * A fresh temporary directory for the tests of the enclosing file (or `describe`): created before
 * they run, removed with everything in it after. Returns a function giving its path, callable only
 * inside tests and hooks.
 *
 * @param prefix start of the directory name, e.g. `'bdst-cifar'`.
 */
export function useTempDir(prefix: string): () => string {
  let dir: string | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), `${prefix}-`));
  });
  afterAll(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });
  return () => {
    if (dir === undefined) throw new Error('useTempDir: the directory exists only while the tests run');
    return dir;
  };
}
