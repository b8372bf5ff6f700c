import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

/**
 * Asserts that a per-sample kernel gives, bit for bit, the same result on the whole batch as on
 * each image alone (torchvision's `check_kernel` "batched equals unbatched"). `run(x, picks)` must
 * apply the kernel with the parameters of the samples listed in `picks`. Test support only.
 */
export async function expectBatchedEqualsUnbatched(x: Tensor4D, run: (x: Tensor4D, picks: number[]) => Tensor4D): Promise<void> {
  const n = x.shape[0];
  const batched = run(x, Array.from({ length: n }, (_, i) => i));
  const whole = new Uint32Array((await batched.data()).buffer.slice(0));
  const perImage = batched.size / n;
  for (let i = 0; i < n; i++) {
    const one = tf.slice(x, [i, 0, 0, 0], [1, -1, -1, -1]);
    const y = run(one, [i]);
    const bits = new Uint32Array((await y.data()).buffer.slice(0));
    expect(Array.from(bits), `sample ${i}`).toEqual(Array.from(whole.subarray(i * perImage, (i + 1) * perImage)));
    one.dispose();
    y.dispose();
  }
  batched.dispose();
}

/** The bit patterns of a tensor's values (for exact, NaN-safe comparisons). */
export async function bitsOf(t: tf.Tensor): Promise<number[]> {
  const v = (await t.data()) as Float32Array;
  return Array.from(new Uint32Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength)));
}
