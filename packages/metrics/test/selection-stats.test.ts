import { describe, expect, it } from 'vitest';
import { ImageDataset } from '@bdst/core';
import { selectionStats } from '@bdst/metrics';

/**
 * A 12-sample, 4-class set poisoned BadNets-style towards class 1: samples 2, 5, 8 and 11 are
 * poisoned, relabelled to 1, and keep their true labels in meta.originalLabels.
 */
function poisonedSet(): ImageDataset {
  const originalLabels = Int32Array.from({ length: 12 }, (_, i) => i % 4); // 0 1 2 3 0 1 2 3 0 1 2 3
  const poisoned = new Uint8Array(12);
  const labels = originalLabels.slice();
  for (const i of [2, 5, 8, 11]) {
    poisoned[i] = 1;
    labels[i] = 1;
  }
  return new ImageDataset({ images: new Uint8Array(12 * 2 * 2), shape: [12, 2, 2, 1], labels, numClasses: 4, meta: { poisoned, originalLabels } });
}

describe('selectionStats (analysis of Algorithm 1\'s selections)', () => {
  it('counts poisoned picks, those that kept the target, and pseudo-label accuracy against the original labels', () => {
    const dataset = poisonedSet();
    // Selected: 0 (clean, truth 0), 2 (poisoned, truth 2), 5 (poisoned, truth 1), 8 (poisoned, truth 0), 9 (clean, truth 1).
    const selection = { indices: Int32Array.of(0, 2, 5, 8, 9), pseudoLabels: Int32Array.of(0, 1, 1, 0, 3) };
    const stats = selectionStats(selection, dataset, { targetLabel: 1 });
    expect(stats.count).toBe(5);
    expect(stats.poisoned).toBe(3); // 2, 5, 8
    expect(stats.poisonedWithTarget).toBe(2); // 2 and 5 got pseudo-label 1
    expect(stats.correct).toBe(3); // 0 → 0, 5 → 1, 8 → 0 (against originalLabels, not labels)
    expect(stats.pseudoLabelAccuracy).toBeCloseTo(3 / 5, 12);
    expect([...stats.perClass]).toEqual([2, 2, 0, 1]);
  });

  it('uses the target label given, defaults to the paper\'s 1, and reads labels when there is no meta', () => {
    const dataset = poisonedSet();
    const selection = { indices: Int32Array.of(2, 5, 11), pseudoLabels: Int32Array.of(2, 1, 1) };
    expect(selectionStats(selection, dataset).poisonedWithTarget).toBe(2);
    expect(selectionStats(selection, dataset, { targetLabel: 2 }).poisonedWithTarget).toBe(1);
    const clean = new ImageDataset({ images: dataset.images, shape: dataset.shape, labels: dataset.labels, numClasses: 4 });
    const stats = selectionStats(selection, clean);
    expect(stats.poisoned).toBe(0);
    expect(stats.poisonedWithTarget).toBe(0);
    expect(stats.correct).toBe(2); // labels[5] = labels[11] = 1
  });

  it('reports an empty selection as zero counts and NaN accuracy', () => {
    const stats = selectionStats({ indices: new Int32Array(0), pseudoLabels: new Int32Array(0) }, poisonedSet());
    expect(stats.count).toBe(0);
    expect(stats.poisoned).toBe(0);
    expect(stats.pseudoLabelAccuracy).toBeNaN();
    expect([...stats.perClass]).toEqual([0, 0, 0, 0]);
  });

  it('rejects bad input, naming it', () => {
    const dataset = poisonedSet();
    const ok = { indices: Int32Array.of(0), pseudoLabels: Int32Array.of(0) };
    expect(() => selectionStats(ok, {} as never)).toThrow(/Error in selectionStats: dataset must be an ImageDataset/);
    expect(() => selectionStats({ indices: [0], pseudoLabels: [0] } as never, dataset)).toThrow(/Error in selectionStats: selected must be \{ indices: Int32Array, pseudoLabels: Int32Array \}/);
    expect(() => selectionStats({ indices: Int32Array.of(0, 1), pseudoLabels: Int32Array.of(0) }, dataset)).toThrow(/selected.pseudoLabels has length 1 but selected.indices has 2/);
    expect(() => selectionStats({ indices: Int32Array.of(12), pseudoLabels: Int32Array.of(0) }, dataset)).toThrow(/selected.indices\[0\] = 12 is outside \[0, 12\)/);
    expect(() => selectionStats({ indices: Int32Array.of(3), pseudoLabels: Int32Array.of(4) }, dataset)).toThrow(/selected.pseudoLabels\[0\] = 4 is outside \[0, 4\)/);
    expect(() => selectionStats(ok, dataset, { targetLabel: 4 })).toThrow(/Error in selectionStats: targetLabel must be an integer in \[0, 4\), but got 4/);
  });
});
