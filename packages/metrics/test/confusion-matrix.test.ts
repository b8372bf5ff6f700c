import { describe, expect, it } from 'vitest';
import { confusionMatrix, perClassAccuracy } from '@bdst/metrics';

describe('confusionMatrix and perClassAccuracy', () => {
  it('counts (true, predicted) pairs row-major, row = truth, column = prediction', () => {
    const truth = [0, 0, 0, 1, 1, 2, 2, 2, 2];
    const predicted = [0, 0, 1, 1, 2, 2, 2, 0, 2];
    const m = confusionMatrix(truth, predicted, 3);
    expect([...m]).toEqual([
      2, 1, 0, //
      0, 1, 1,
      1, 0, 3,
    ]);
    const acc = perClassAccuracy(m, 3);
    expect(acc[0]).toBeCloseTo(2 / 3, 12);
    expect(acc[1]).toBeCloseTo(1 / 2, 12);
    expect(acc[2]).toBeCloseTo(3 / 4, 12);
  });

  it('gives NaN accuracy for a class without samples, and an all-zero matrix for no samples', () => {
    const m = confusionMatrix(Int32Array.of(0, 0), Int32Array.of(0, 2), 3);
    const acc = perClassAccuracy(m, 3);
    expect(acc[0]).toBeCloseTo(0.5, 12);
    expect(acc[1]).toBeNaN();
    expect(acc[2]).toBeNaN();
    expect([...confusionMatrix([], [], 2)]).toEqual([0, 0, 0, 0]);
  });

  it('rejects bad input, naming it', () => {
    expect(() => confusionMatrix([0], [0, 1], 2)).toThrow(/Error in confusionMatrix: predicted has length 2 but trueLabels has 1/);
    expect(() => confusionMatrix([0, 2], [0, 1], 2)).toThrow(/Error in confusionMatrix: sample 1 has true label 2 and prediction 1, expected both in \[0, 2\)/);
    expect(() => confusionMatrix([0], [-1], 2)).toThrow(/sample 0 has true label 0 and prediction -1/);
    expect(() => confusionMatrix([0], [0], 0)).toThrow(/Error in confusionMatrix: numClasses must be a positive integer, but got 0/);
    expect(() => perClassAccuracy(new Int32Array(8), 3)).toThrow(/Error in perClassAccuracy: confusion must have 3×3 entries, but has 8/);
  });
});
