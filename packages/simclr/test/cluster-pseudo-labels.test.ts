import { describe, expect, it } from 'vitest';
import { createRng } from '@bdst/core';
import { assignPseudoLabels, clusterPseudoLabels } from '@bdst/simclr';
import type { Embeddings } from '@bdst/simclr';

/** `perBlob` unit vectors around each of `blobs` random directions in `dim` dimensions, labelled by blob. */
function blobs(blobCount: number, perBlob: number, dim: number, spread: number, seed: number): { h: Embeddings; labels: Int32Array } {
  const rng = createRng(seed);
  const centres = Array.from({ length: blobCount }, () => Array.from({ length: dim }, () => rng.normal()));
  const count = blobCount * perBlob;
  const vectors = new Float32Array(count * dim);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const b = i % blobCount;
    labels[i] = b;
    let norm = 0;
    const row = centres[b].map((c) => c + spread * rng.normal());
    for (const v of row) norm += v * v;
    row.forEach((v, d) => (vectors[i * dim + d] = v / Math.sqrt(norm)));
  }
  return { h: { vectors, count, dim }, labels };
}

describe('clusterPseudoLabels', () => {
  it('labels each cluster by the majority of its given labels, even with 10% of them flipped to a target', () => {
    const { h, labels } = blobs(4, 50, 16, 0.25, 1);
    const poisoned = labels.slice();
    const rng = createRng(2);
    for (let i = 0; i < poisoned.length; i++) if (rng.bernoulli(0.1)) poisoned[i] = 1;
    const clusters = clusterPseudoLabels(h, poisoned, { rng: createRng(3) });
    expect(clusters.k).toBe(4);
    expect([...clusters.clusterLabels].sort()).toEqual([0, 1, 2, 3]);
    const pseudo = assignPseudoLabels(clusters, h);
    let agree = 0;
    for (let i = 0; i < labels.length; i++) if (pseudo.labels[i] === labels[i]) agree++;
    expect(agree / labels.length).toBe(1); // the flipped labels are outvoted, so every true label comes back
    expect([...clusters.clusterSizes].reduce((a, b) => a + b, 0)).toBe(200);
    for (const c of pseudo.confidences) expect(c > 0 && c <= 1).toBe(true);
    expect([...pseudo.clusters]).toEqual([...clusters.assignments]);
  });

  it('gives a confidence near 1 at a centre and lower halfway between two differently labelled clusters', () => {
    const { h, labels } = blobs(2, 40, 8, 0.2, 4);
    const clusters = clusterPseudoLabels(h, labels, { rng: createRng(5) });
    const { centres, dim } = clusters;
    const mid = new Float32Array(dim);
    for (let d = 0; d < dim; d++) mid[d] = 0.5 * (centres[d] + centres[dim + d]);
    const probe = assignPseudoLabels(clusters, { vectors: Float32Array.from([...centres.subarray(0, dim), ...mid]), count: 2, dim });
    expect(probe.confidences[0]).toBeGreaterThan(0.99);
    expect(probe.confidences[1]).toBeCloseTo(0.5, 2);
    expect(probe.labels[0]).toBe(clusters.clusterLabels[0]);
    // Clusters sharing a label do not compete: with both clusters labelled alike, confidence is 1.
    const same = assignPseudoLabels({ ...clusters, clusterLabels: Int32Array.of(0, 0) }, { vectors: mid, count: 1, dim });
    expect(same.confidences[0]).toBe(1);
  });

  it('is reproducible from the seed', () => {
    const { h, labels } = blobs(6, 30, 12, 0.6, 6);
    const a = clusterPseudoLabels(h, labels, { rng: createRng(7), k: 6 });
    const b = clusterPseudoLabels(h, labels, { rng: createRng(7), k: 6 });
    expect(b.centres).toEqual(a.centres);
    expect(b.assignments).toEqual(a.assignments);
    expect(b.clusterLabels).toEqual(a.clusterLabels);
    // k-means++ draws differ between seeds; with wide blobs the runs end in different local optima or orders.
    const seeds = [8, 9, 10, 11].map((s) => clusterPseudoLabels(h, labels, { rng: createRng(s), k: 6 }).centres.join());
    expect(new Set([a.centres.join(), ...seeds]).size).toBeGreaterThan(1);
  });

  it('rejects bad input with clear errors', () => {
    const { h, labels } = blobs(3, 4, 5, 0.2, 12);
    const rng = createRng(0);
    expect(() => clusterPseudoLabels(h, labels, { rng, k: 1 })).toThrow(/Error in clusterPseudoLabels: k must be an integer ≥ 2, but got 1/);
    expect(() => clusterPseudoLabels(h, labels, { rng, k: 13 })).toThrow(/k must be at most the number of samples \(12\), but got 13/);
    const nan = { ...h, vectors: h.vectors.slice() };
    nan.vectors[7] = Number.NaN;
    expect(() => clusterPseudoLabels(nan, labels, { rng })).toThrow(/h holds NaN at row 1, column 2; embeddings must be finite/);
    expect(() => clusterPseudoLabels(h, labels.subarray(1), { rng })).toThrow(/givenLabels has length 11 but h has 12 rows/);
    expect(() => clusterPseudoLabels({ ...h, count: 11 }, labels, { rng })).toThrow(/h has 60 values, which is not count 11 × dim 5/);
    expect(() => clusterPseudoLabels(h, labels, { rng, numClasses: 2 })).toThrow(/givenLabels holds 2, outside \[0, 2\)/);
    expect(() => clusterPseudoLabels(h, labels, {} as never)).toThrow(/options.rng must be an Rng/);
    const clusters = clusterPseudoLabels(h, labels, { rng });
    expect(() => assignPseudoLabels(clusters, { vectors: new Float32Array(4), count: 1, dim: 4 })).toThrow(/Error in assignPseudoLabels: h has dim 4 but the cluster centres have dim 5/);
  });
});
