import { describe, expect, it } from 'vitest';
import { selectConfident, selectionQuota } from '@bdst/selftrain';

const pseudo = (labels: number[], confidences: number[]) => ({ labels: Int32Array.from(labels), confidences: Float32Array.from(confidences) });

describe('selectConfident', () => {
  it('takes the perClass most confident samples of each predicted class, grouped by class', () => {
    const p = pseudo([0, 1, 0, 1, 2, 0, 1], [0.5, 0.9, 0.8, 0.7, 0.6, 0.95, 0.1]);
    expect([...selectConfident(p, { perClass: 2, numClasses: 3 })]).toEqual([5, 2, 1, 3, 4]);
    expect([...selectConfident(p, { perClass: 1, numClasses: 3 })]).toEqual([5, 1, 4]);
  });

  it('takes all samples of a class when fewer exist than perClass, and everything with Infinity', () => {
    const p = pseudo([2, 2, 0], [0.3, 0.4, 0.2]);
    expect([...selectConfident(p, { perClass: 5, numClasses: 3 })]).toEqual([2, 1, 0]);
    expect([...selectConfident(p, { perClass: Infinity, numClasses: 3 })].sort()).toEqual([0, 1, 2]);
    expect([...selectConfident(p, { perClass: 0, numClasses: 3 })]).toEqual([]);
  });

  it('breaks ties by the lower index', () => {
    const p = pseudo([1, 1, 1, 1], [0.5, 0.7, 0.5, 0.7]);
    expect([...selectConfident(p, { perClass: 3, numClasses: 2 })]).toEqual([1, 3, 0]);
  });

  it('rejects bad input with a clear error', () => {
    expect(() => selectConfident(pseudo([0, 3], [1, 1]), { perClass: 1, numClasses: 3 })).toThrow(/labels\[1\] = 3 is outside \[0, 3\)/);
    expect(() => selectConfident({ labels: Int32Array.of(0), confidences: new Float32Array(2) }, { perClass: 1, numClasses: 2 })).toThrow(/confidences must be a Float32Array of length 1/);
    expect(() => selectConfident(pseudo([0], [1]), { perClass: -1, numClasses: 2 })).toThrow(/perClass must be a non-negative integer or Infinity, got -1/);
    expect(() => selectConfident(pseudo([0], [Number.NaN]), { perClass: 1, numClasses: 2 })).toThrow(/confidences\[0\] is NaN/);
  });
});

describe('selectionQuota', () => {
  it('gives ⌈k·n·|D_UL|/C⌉ per class at each iteration of the paper schedule (k = 0.3, N = 4)', () => {
    const at = (n: number) => selectionQuota({ iteration: n, fractionPerIteration: 0.3, total: 1000, numClasses: 10 });
    expect(at(1)).toEqual({ fraction: 0.3, perClass: 30 });
    expect(at(2)).toEqual({ fraction: 0.6, perClass: 60 });
    expect(at(3)).toEqual({ fraction: 0.9, perClass: 90 });
    // k·n = 1.2 ≥ 1: capped, the whole D_UL.
    expect(at(4)).toEqual({ fraction: 1, perClass: Infinity });
  });

  it('rounds up fractional quotas (and only them)', () => {
    expect(selectionQuota({ iteration: 1, fractionPerIteration: 0.3, total: 1001, numClasses: 10 }).perClass).toBe(31);
    expect(selectionQuota({ iteration: 1, fractionPerIteration: 0.1, total: 30, numClasses: 3 }).perClass).toBe(1);
    expect(selectionQuota({ iteration: 1, fractionPerIteration: 0.5, total: 7, numClasses: 2 }).perClass).toBe(2);
  });

  it('rejects bad arguments', () => {
    expect(() => selectionQuota({ iteration: 0, fractionPerIteration: 0.3, total: 10, numClasses: 2 })).toThrow(/iteration must be a positive integer, got 0/);
    expect(() => selectionQuota({ iteration: 1, fractionPerIteration: 1.5, total: 10, numClasses: 2 })).toThrow(/fractionPerIteration must be in \(0, 1\], got 1.5/);
    expect(() => selectionQuota({ iteration: 1, fractionPerIteration: 0.3, total: -1, numClasses: 2 })).toThrow(/total must be a non-negative integer/);
  });
});
