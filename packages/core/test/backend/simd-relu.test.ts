import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { createRng, initBackend, SgdMomentum, smallCnn, trainStep } from '@bdst/core';

/** Each value's bits, NaNs as 'NaN' (JavaScript canonicalises a NaN's payload on the CPU backend). */
const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length), (u, i) => (Number.isNaN(a[i]) ? 'NaN' : u.toString(16)));

describe('bdst SIMD Relu (wasm) equals the CPU backend bit for bit (NaN for NaN)', () => {
  it('on NaNs of both signs, ±0, ±∞ and ordinary values, 4-wide and in the tail', async () => {
    const rng = createRng('relu');
    const values = Float32Array.from({ length: 103 }, () => rng.uniform(-3, 3));
    const special = new Float32Array(new Uint32Array([0x7fc00000, 0xffc00000, 0x7f800001, 0x80000000, 0x00000000, 0x7f800000, 0xff800000]).buffer);
    values.set(special, 0);
    values.set(special, 96); // 103 = 25 vectors + 3: the last vector and the tail see them too
    const run = () => tf.tidy(() => tf.relu(tf.tensor1d(values)).dataSync().slice() as Float32Array);
    await initBackend({ backend: 'cpu', quiet: true });
    const cpu = run();
    await initBackend({ backend: 'wasm', threads: 1, quiet: true });
    const backend = tf.backend() as BackendWasm;
    const before = tf.memory().numTensors;
    const dataIds = backend.numDataIds();
    const wasm = run();
    expect(tf.memory().numTensors).toBe(before);
    expect(backend.numDataIds()).toBe(dataIds);
    expect(bits(wasm)).toEqual(bits(cpu));
    expect(Number.isNaN(wasm[1]) && Object.is(wasm[3], 0) && wasm[6] === 0).toBe(true);
  });

  it('lets a diverged step show: a smallCnn step on NaN images has a NaN loss on wasm, as on cpu', async () => {
    for (const backendName of ['cpu', 'wasm'] as const) {
      await initBackend({ backend: backendName, threads: 1, quiet: true });
      const model = smallCnn({ inputShape: [8, 8, 3], numClasses: 4, widths: [8, 8, 8], rng: createRng('nan-step') });
      const optimizer = new SgdMomentum();
      const images = tf.fill([2, 8, 8, 3], NaN) as tf.Tensor4D;
      const { loss } = await trainStep(model, optimizer, images, Int32Array.from([0, 1]));
      expect(loss, backendName).toBeNaN();
      images.dispose();
      optimizer.dispose();
      model.dispose();
    }
  });
});
