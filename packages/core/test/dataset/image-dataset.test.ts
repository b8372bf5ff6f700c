import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { ImageDataset, createRng } from '@bdst/core';
import { expectNoLeak } from '@bdst/test-utils';

function makeSet(n: number, numClasses = 3, h = 4, w = 4, c = 3): ImageDataset {
  const images = new Uint8Array(n * h * w * c);
  for (let i = 0; i < n; i++) images.fill(i % 256, i * h * w * c, (i + 1) * h * w * c);
  const labels = Int32Array.from({ length: n }, (_, i) => i % numClasses);
  return new ImageDataset({ images, shape: [n, h, w, c], labels, numClasses });
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('ImageDataset', () => {
  it('validates its arguments and names the bad one', () => {
    const ok = { images: new Uint8Array(2 * 2 * 2 * 3), shape: [2, 2, 2, 3] as const, labels: new Int32Array(2), numClasses: 2 };
    expect(() => new ImageDataset({ ...ok, shape: [2, 2, 2] as never })).toThrow(/shape must be \[N, H, W, C\]/);
    expect(() => new ImageDataset({ ...ok, images: new Float32Array(24) as never })).toThrow(/images must be a Uint8Array.*Float32Array/);
    expect(() => new ImageDataset({ ...ok, images: new Uint8Array(23) })).toThrow(/images has 23 values but shape \[2, 2, 2, 3\] needs 24/);
    expect(() => new ImageDataset({ ...ok, labels: Int32Array.of(0, 2) })).toThrow(/labels\[1\] = 2 is outside \[0, 2\)/);
    expect(() => new ImageDataset({ ...ok, labels: Int32Array.of(0, -1) })).toThrow(/labels\[1\] = -1/);
    expect(() => new ImageDataset({ ...ok, labels: new Int32Array(3) })).toThrow(/labels has length 3 but there are 2 images/);
    expect(() => new ImageDataset({ ...ok, shape: [1, 2, 4, 3] })).not.toThrow(/values/);
    expect(() => new ImageDataset({ ...ok, shape: [2, 2, 1, 6] })).toThrow(/channels\) must be 1 or 3, got 6/);
    expect(() => new ImageDataset({ ...ok, numClasses: 0 })).toThrow(/numClasses must be a positive integer/);
    expect(() => new ImageDataset({ ...ok, meta: { poisoned: new Uint8Array(3) } })).toThrow(/meta.poisoned must be a Uint8Array of length 2/);
  });

  it('subsets, carrying labels and meta, without touching the original', () => {
    const d = makeSet(6);
    const poisoned = Uint8Array.of(0, 1, 0, 0, 1, 0);
    const originalLabels = Int32Array.of(5 % 3, 1, 2, 0, 1, 2);
    const m = new ImageDataset({ images: d.images, shape: d.shape, labels: d.labels, numClasses: 3, meta: { poisoned, originalLabels } });
    const s = m.subset([4, 1, 4]);
    expect(s.length).toBe(3);
    expect([...s.labels]).toEqual([1, 1, 1]);
    expect([...s.meta.poisoned!]).toEqual([1, 1, 1]);
    expect(s.image(0)[0]).toBe(4);
    expect(s.image(1)[0]).toBe(1);
    s.images[0] = 99;
    expect(m.image(4)[0]).toBe(4);
    expect(() => m.subset([6])).toThrow(/index 6 is outside \[0, 6\)/);
  });

  it('concatenates, filling missing meta as clean', () => {
    const a = makeSet(2);
    const b = new ImageDataset({ ...makeSet(3), meta: { poisoned: Uint8Array.of(1, 0, 1), originalLabels: Int32Array.of(2, 2, 2) } } as never);
    const c = ImageDataset.concat([a, b]);
    expect(c.length).toBe(5);
    expect([...c.meta.poisoned!]).toEqual([0, 0, 1, 0, 1]);
    expect([...c.meta.originalLabels!]).toEqual([0, 1, 2, 2, 2]);
    expect(c.image(2)[0]).toBe(0);
    expect(() => ImageDataset.concat([a, makeSet(2, 4)])).toThrow(/datasets\[1\] has 4 classes/);
    expect(() => ImageDataset.concat([a, makeSet(2, 3, 5, 4, 3)])).toThrow(/datasets\[1\] has images 5×4×3/);
  });

  it('splits stratified and reproducibly by seed', () => {
    const d = makeSet(100, 4);
    const [l, u] = d.split(0.2, createRng(3));
    expect(l.length).toBe(20);
    expect(u.length).toBe(80);
    expect([...l.classCounts()]).toEqual([5, 5, 5, 5]);
    const [l2] = d.split(0.2, createRng(3));
    expect([...l2.images]).toEqual([...l.images]);
    const [l3] = d.split(0.2, createRng(4));
    expect([...l3.images]).not.toEqual([...l.images]);
    expect(() => d.split(1, createRng(1))).toThrow(/fraction must be in \(0, 1\), got 1/);
    expect(() => d.split(0, createRng(1))).toThrow(/fraction must be in \(0, 1\), got 0/);
  });

  it('converts to float tensors in [0, 1] and streams batches without leaking', async () => {
    const d = makeSet(10);
    const t = await expectNoLeak(() => d.toTensor([9, 0]));
    expect(t.shape).toEqual([2, 4, 4, 3]);
    const v = await t.data();
    expect(v[0]).toBeCloseTo(9 / 255, 7);
    expect(v[v.length - 1]).toBe(0);
    t.dispose();

    await expectNoLeak(() => {
      const seen: number[] = [];
      const sizes: number[] = [];
      for (const b of d.batches(4, { rng: createRng(1) })) {
        sizes.push(b.images.shape[0]);
        seen.push(...b.indices);
        expect([...b.labels]).toEqual([...b.indices].map((i) => i % 3));
        b.images.dispose();
      }
      expect(sizes).toEqual([4, 4, 2]);
      expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => i));
    });
    const dropped = [...d.batches(4, { dropLast: true })].map((b) => (b.images.dispose(), b.indices.length));
    expect(dropped).toEqual([4, 4]);
  });

  it('applies a transform to each batch and disposes the untransformed tensor', async () => {
    const d = makeSet(5);
    const invert = (x: tf.Tensor4D) => tf.sub(1, x) as tf.Tensor4D;
    await expectNoLeak(() => {
      for (const b of d.batches(5, { transform: invert, rng: createRng(2) })) {
        const v = b.images.dataSync();
        expect(v[0]).toBeCloseTo(1, 6);
        b.images.dispose();
      }
    });
    expect(() => [...d.batches(5, { transform: invert })]).toThrow(/a transform needs `rng` or `transformRng`/);
    expect(() => [...d.batches(0)]).toThrow(/batchSize must be a positive integer, got 0/);
  });

  it('relabels without copying pixels', () => {
    const d = makeSet(3);
    const r = d.withLabels(Int32Array.of(2, 2, 2));
    expect(r.images).toBe(d.images);
    expect([...r.labels]).toEqual([2, 2, 2]);
    expect(() => d.withLabels(Int32Array.of(3, 0, 0))).toThrow(/labels\[0\] = 3/);
  });
});

describe('ImageDataset.gather', () => {
  it('copies chosen samples of several sets once, with replacement labels and merged meta', () => {
    const a = makeSet(4);
    const b = new ImageDataset({ ...makeSet(3), meta: { poisoned: Uint8Array.of(0, 1, 0), originalLabels: Int32Array.of(0, 2, 2) } } as never);
    const g = ImageDataset.gather([{ dataset: a, indices: [3, 0] }, { dataset: b, indices: [1] }], { labels: Int32Array.of(2, 2, 0) });
    expect(g.length).toBe(3);
    expect([g.image(0)[0], g.image(1)[0], g.image(2)[0]]).toEqual([3, 0, 1]);
    expect([...g.labels]).toEqual([2, 2, 0]);
    expect([...g.meta.poisoned!]).toEqual([0, 0, 1]);
    expect([...g.meta.originalLabels!]).toEqual([0, 0, 2]);
    expect(() => ImageDataset.gather([{ dataset: a, indices: [0] }], { labels: Int32Array.of(1, 1) })).toThrow(/options.labels has length 2 but 1 samples/);
    expect(() => ImageDataset.gather([])).toThrow(/needs at least one dataset/);
  });
});
