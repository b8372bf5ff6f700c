import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { describeBackends, expectNoLeak } from '@bdst/test-utils';
import { ntXentLoss } from '@bdst/simclr';

interface FixtureCase {
  name: string;
  batch: number;
  dim: number;
  temperature: number;
  z1: number[];
  z2: number[];
  loss: number;
  gradZ1: number[];
  gradZ2: number[];
}
// Written by fixtures/make-nt-xent-fixture.py with Debian's PyTorch 1.13 (float64 reference).
const fixture = JSON.parse(readFileSync(new URL('./fixtures/nt-xent.json', import.meta.url), 'utf8')) as { cases: FixtureCase[] };

function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < expected.length; i++) {
    num += (actual[i] - expected[i]) ** 2;
    den += expected[i] ** 2;
  }
  return Math.sqrt(num / den);
}

describeBackends('ntXentLoss', () => {
  it('equals a value computed by hand on a tiny batch', async () => {
    // Views a1=(1,0), a2=(0,1), b1=(1,0), b2=(0,1), τ = 1: each view has cosine 1 with its
    // positive and 0 with both negatives, so ℓ = −log(e / (e + 2)) = log(1 + 2/e) for all four.
    const a = tf.tensor2d([[3, 0], [0, 2]]);
    const b = tf.tensor2d([[1, 0], [0, 5]]);
    const loss = await expectNoLeak(() => ntXentLoss(a, b, 1));
    expect(loss.dataSync()[0]).toBeCloseTo(Math.log(1 + 2 / Math.E), 6);
    tf.dispose([loss, a, b]);
    // Same views at τ = 0.5: logits 2, 0, 0 → log(1 + 2e⁻²).
    const scalar = (x: number[][], y: number[][], temperature?: number) => tf.tidy(() => ntXentLoss(tf.tensor2d(x), tf.tensor2d(y), temperature).dataSync()[0]);
    const eye = [[1, 0], [0, 1]];
    expect(scalar(eye, eye)).toBeCloseTo(Math.log(1 + 2 * Math.exp(-2)), 6);
    // Opposite views, τ = 1: a1=(1,0), b1=(−1,0), a2=(0,1), b2=(0,−1): positive −1, negatives 0, 0 → log(1 + 2e).
    expect(scalar(eye, [[-1, 0], [0, -1]], 1)).toBeCloseTo(Math.log(1 + 2 * Math.E), 5);
    // B = 1: no negatives, so the softmax has one term and the loss is 0.
    expect(scalar([[1, 2]], [[-3, 1]])).toBeCloseTo(0, 6);
  });

  it.each(fixture.cases.map((c) => [c.name, c] as const))('matches PyTorch on %s (loss and gradients ≤ 1e-4 relative)', async (_name, c) => {
    const z1 = tf.tensor2d(c.z1, [c.batch, c.dim]);
    const z2 = tf.tensor2d(c.z2, [c.batch, c.dim]);
    const { value, grads } = await expectNoLeak(() => tf.valueAndGrads((a: tf.Tensor, b: tf.Tensor) => ntXentLoss(a as tf.Tensor2D, b as tf.Tensor2D, c.temperature))([z1, z2]));
    const loss = value.dataSync()[0];
    expect(Math.abs(loss - c.loss) / Math.abs(c.loss)).toBeLessThanOrEqual(1e-4);
    const [g1, g2] = grads.map((g) => g.dataSync());
    expect(g1.every(Number.isFinite) && g2.every(Number.isFinite)).toBe(true);
    expect(relativeError(g1, c.gradZ1)).toBeLessThanOrEqual(1e-4);
    expect(relativeError(g2, c.gradZ2)).toBeLessThanOrEqual(1e-4);
    tf.dispose([value, ...grads, z1, z2]);
  });

  it('has finite gradients even for zero rows and identical views', () => {
    const z = tf.tensor2d([[0, 0, 0], [1, 2, 3], [1, 2, 3]]);
    const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) => ntXentLoss(a as tf.Tensor2D, b as tf.Tensor2D))([z, z]);
    for (const g of grads) expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true);
    tf.dispose([z, ...grads]);
  });

  it('decreases when a projection is trained on a fixed batch', async () => {
    // Two noisy "views" of 16 random points, mapped by a trainable linear projection.
    const x1 = tf.randomNormal([16, 8], 0, 1, 'float32', 11);
    const x2 = tf.tidy(() => tf.add(x1, tf.randomNormal([16, 8], 0, 0.8, 'float32', 12)));
    const w = tf.variable(tf.randomNormal([8, 4], 0, 0.3, 'float32', 13));
    const optimizer = tf.train.sgd(0.5);
    const lossOf = () => ntXentLoss(tf.matMul(x1, w), tf.matMul(x2, w));
    const first = tf.tidy(() => lossOf().dataSync()[0]);
    for (let i = 0; i < 30; i++) optimizer.minimize(lossOf as () => tf.Scalar, true, [w])?.dispose();
    const last = tf.tidy(() => lossOf().dataSync()[0]);
    console.log(`NT-Xent on a fixed batch: ${first.toFixed(4)} → ${last.toFixed(4)} after 30 SGD steps`);
    expect(last).toBeLessThan(first - 0.1);
    optimizer.dispose();
    tf.dispose([x1, x2, w]);
  });

  it('rejects bad arguments, naming them', () => {
    const a = tf.zeros([2, 3]) as tf.Tensor2D;
    const b = tf.zeros([3, 3]) as tf.Tensor2D;
    const r1 = tf.zeros([3]) as unknown as tf.Tensor2D;
    expect(() => ntXentLoss(a, b)).toThrow(/Error in ntXentLoss: z1 and z2 must have the same shape, but got \[2,3\] and \[3,3\]/);
    expect(() => ntXentLoss(r1, a)).toThrow(/z1 must be a rank-2 tensor/);
    expect(() => ntXentLoss(a, a, 0)).toThrow(/temperature must be a finite number > 0, but got 0/);
    expect(() => ntXentLoss(a, a, Number.NaN)).toThrow(/temperature/);
    tf.dispose([a, b, r1]);
  });
});
