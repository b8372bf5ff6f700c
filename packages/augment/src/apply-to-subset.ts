import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { argumentError } from './argument-checks.js';

/**
 * Applies `fn` to the samples of `x` whose `chosen` flag is set and leaves the others as they are:
 * gathers the chosen samples, runs `fn` on that smaller batch, and gathers the result back into
 * place (exact copies, no arithmetic). No sample chosen → an unchanged copy of `x`; all chosen →
 * `fn(x)`. When only some samples are chosen, `fn` must keep the per-image shape.
 * Internal to the package (random flips, random grayscale, `randomApply`, YOCO).
 */
export function applyToSubset(op: string, x: Tensor4D, chosen: ArrayLike<number | boolean>, fn: (subset: Tensor4D) => Tensor4D): Tensor4D {
  const n = x.shape[0];
  const picked: number[] = [];
  for (let i = 0; i < n; i++) if (chosen[i]) picked.push(i);
  if (picked.length === 0) return tf.clone(x);
  if (picked.length === n) return fn(x);
  return tf.tidy(() => {
    const subset = tf.gather(x, tf.tensor1d(picked, 'int32'), 0) as Tensor4D;
    const y = fn(subset);
    if (y.shape[1] !== x.shape[1] || y.shape[2] !== x.shape[2] || y.shape[3] !== x.shape[3] || y.shape[0] !== picked.length) {
      argumentError(op, `a transform applied to part of the batch must keep the image shape [${x.shape.slice(1).join(', ')}], but it returned [${y.shape.slice(1).join(', ')}]`);
    }
    const mapping = new Int32Array(n);
    let k = 0;
    for (let i = 0; i < n; i++) mapping[i] = chosen[i] ? n + k++ : i;
    return tf.gather(tf.concat([x, y], 0), tf.tensor1d(mapping, 'int32'), 0) as Tensor4D;
  });
}
