import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BACKEND_CHOICES, currentBackendInfo, initBackend } from '@bdst/core';
import { expectNoLeak } from '@bdst/test-utils';
import { isPackageInstalled } from '../../src/backend/module-require.js';

// The tests run in order and share the process-wide backend state, as a program would.
describe('initBackend', () => {
  let savedEnv: string | undefined;
  let lines: string[];
  const log = (line: string) => lines.push(line);

  beforeEach(() => {
    savedEnv = process.env.BDST_BACKEND;
    delete process.env.BDST_BACKEND;
    lines = [];
  });
  afterEach(() => {
    if (savedEnv === undefined) delete process.env.BDST_BACKEND;
    else process.env.BDST_BACKEND = savedEnv;
  });

  it("'auto' picks the fastest installed backend, describes why, and logs that line", async () => {
    expect(currentBackendInfo()).toBeNull();
    const info = await initBackend({ log });
    if (isPackageInstalled('@tensorflow/tfjs-node-gpu') || isPackageInstalled('@tensorflow/tfjs-node')) {
      expect(info.name).toMatch(/^tensorflow/);
    } else {
      // This machine: no native TensorFlow, so WASM (SIMD, one thread in Node).
      expect(info).toEqual({
        name: 'wasm',
        tfjsBackend: 'wasm',
        simd: true,
        threads: 1,
        nativeKernels: false, // opt-in
        reason: '@tensorflow/tfjs-node not installed',
        description: 'wasm (SIMD, 1 thread): @tensorflow/tfjs-node not installed',
      });
    }
    expect(tf.getBackend()).toBe(info.tfjsBackend);
    expect(lines).toEqual([info.description]);
    expect(currentBackendInfo()).toBe(info);
  });

  it('is cheap and idempotent for the same choice: same info, nothing logged again', async () => {
    const first = await initBackend({ log });
    const start = performance.now();
    const again = await initBackend({ log });
    expect(performance.now() - start).toBeLessThan(50);
    expect(again).toBe(first);
    expect(lines).toEqual([]);
  });

  it('switches backends for a different forced choice, and tensors keep working', async () => {
    const cpu = await initBackend({ backend: 'cpu', log });
    expect(cpu).toEqual({ name: 'cpu', tfjsBackend: 'cpu', reason: "requested by option 'backend'", description: "cpu: requested by option 'backend'" });
    expect(tf.getBackend()).toBe('cpu');
    const wasm = await initBackend({ backend: 'wasm', log });
    expect(wasm.name).toBe('wasm');
    expect(wasm.description).toBe("wasm (SIMD, 1 thread): requested by option 'backend'");
    expect(tf.getBackend()).toBe('wasm');
    expect(lines).toEqual([cpu.description, wasm.description]);
    const sum = await expectNoLeak(() => tf.tidy(() => tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4])).arraySync()));
    expect(sum).toEqual([4, 6]);
  });

  it("'auto' keeps the backend an earlier call chose", async () => {
    const cpu = await initBackend({ backend: 'cpu', quiet: true });
    expect(await initBackend({ quiet: true })).toBe(cpu);
    expect(tf.getBackend()).toBe('cpu');
  });

  it('follows BDST_BACKEND when the option is absent; the option wins over it', async () => {
    await initBackend({ backend: 'wasm', quiet: true });
    process.env.BDST_BACKEND = 'cpu';
    const fromEnv = await initBackend({ quiet: true });
    expect(fromEnv.name).toBe('cpu');
    expect(fromEnv.reason).toBe('requested by BDST_BACKEND');
    expect(tf.getBackend()).toBe('cpu');
    const fromOption = await initBackend({ backend: 'wasm', quiet: true });
    expect(fromOption.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });

  it('rejects an unknown name, from the option or BDST_BACKEND, listing the valid names', async () => {
    const before = await initBackend({ backend: 'wasm', quiet: true });
    const valid = "expected one of 'auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'";
    await expect(initBackend({ backend: 'gpu' as never, quiet: true })).rejects.toThrow(
      `initBackend: unknown backend 'gpu' (from option 'backend'); ${valid}`,
    );
    process.env.BDST_BACKEND = 'fast';
    await expect(initBackend({ quiet: true })).rejects.toThrow(`initBackend: unknown backend 'fast' (from BDST_BACKEND); ${valid}`);
    expect(BACKEND_CHOICES).toEqual(['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']);
    expect(tf.getBackend()).toBe('wasm');
    expect(currentBackendInfo()).toBe(before);
  });

  it("a forced 'tensorflow' or 'tensorflow-gpu' that is not installed errors clearly, never falls back", async () => {
    await initBackend({ backend: 'cpu', quiet: true });
    for (const [name, pkg] of [
      ['tensorflow', '@tensorflow/tfjs-node'],
      ['tensorflow-gpu', '@tensorflow/tfjs-node-gpu'],
    ] as const) {
      if (isPackageInstalled(pkg)) {
        // A machine with the native package: the forced backend really is TensorFlow.
        const info = await initBackend({ backend: name, quiet: true }).catch((error: Error) => error);
        if (info instanceof Error) expect(info.message).toMatch(new RegExp(`^initBackend: backend '${name}' was requested but`));
        else expect(info.tfjsBackend).toBe('tensorflow');
      } else {
        await expect(initBackend({ backend: name, quiet: true })).rejects.toThrow(
          `initBackend: backend '${name}' was requested but ${pkg} is not installed (npm install ${pkg})`,
        );
        expect(tf.getBackend()).toBe('cpu');
      }
    }
  });

  it('quiet logs nothing; each description is logged at most once per process', async () => {
    await initBackend({ backend: 'wasm', quiet: true });
    await initBackend({ backend: 'cpu', quiet: true, log });
    expect(lines).toEqual([]);
    await initBackend({ backend: 'wasm', log });
    await initBackend({ backend: 'cpu', log });
    // Both lines were printed by earlier tests already.
    expect(lines).toEqual([]);
    process.env.BDST_BACKEND = 'wasm';
    await initBackend({ log });
    expect(lines).toEqual(['wasm (SIMD, 1 thread): requested by BDST_BACKEND']);
  });

  it('serializes concurrent calls: the last one wins', async () => {
    const [a, b, c] = await Promise.all([
      initBackend({ backend: 'cpu', quiet: true }),
      initBackend({ backend: 'wasm', quiet: true }),
      initBackend({ backend: 'cpu', quiet: true }),
    ]);
    expect([a.name, b.name, c.name]).toEqual(['cpu', 'wasm', 'cpu']);
    expect(tf.getBackend()).toBe('cpu');
  });

  it('checks its options', async () => {
    await expect(initBackend(null as never)).rejects.toThrow('initBackend: options must be an object, but got null');
    await expect(initBackend({ log: 'stderr' as never })).rejects.toThrow('initBackend: log must be a function, but got string');
  });
});
