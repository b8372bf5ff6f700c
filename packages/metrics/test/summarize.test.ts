import { describe, expect, it } from 'vitest';
import { createRng } from '@bdst/core';
import { summarize } from '@bdst/metrics';

// Reference statistics from numpy 2.4: mean, std(ddof=1), quantile(…, method='linear').
const digits = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5];
const table2Sa = [0.8165, 0.8145, 0.8245, 0.7532];

describe('summarize (results over seeds and stochastic augmentations)', () => {
  it('matches numpy: mean, sample std, min, quartiles (linear), max', () => {
    const s = summarize(digits, { rng: createRng(0), resamples: 200 });
    expect(s.n).toBe(11);
    expect(s.mean).toBeCloseTo(4.0, 12);
    expect(s.std).toBeCloseTo(2.3664319132398464, 12);
    expect([s.min, s.q1, s.median, s.q3, s.max]).toEqual([1, 2.5, 4, 5, 9]);
    const t = summarize(Float64Array.from(table2Sa), { rng: createRng(0), resamples: 200 });
    expect(t.mean).toBeCloseTo(0.802175, 12);
    expect(t.std).toBeCloseTo(0.03293461957677161, 12);
    expect(t.q1).toBeCloseTo(0.799175, 12);
    expect(t.median).toBeCloseTo(0.8155, 12);
    expect(t.q3).toBeCloseTo(0.8185, 12);
  });

  it('gives a bootstrap interval reproducible from the Rng, around the mean, inside [min, max]', () => {
    const draw = createRng('values');
    const values = Array.from({ length: 15 }, () => draw.normal(0.8, 0.05));
    const a = summarize(values, { rng: createRng('ci') });
    const b = summarize(values, { rng: createRng('ci') });
    const c = summarize(values, { rng: createRng('other') });
    expect(b.ci).toEqual(a.ci);
    expect(c.ci).not.toEqual(a.ci);
    expect(a.confidence).toBe(0.95);
    expect(a.ci[0]).toBeLessThan(a.mean);
    expect(a.ci[1]).toBeGreaterThan(a.mean);
    expect(a.ci[0]).toBeGreaterThanOrEqual(a.min);
    expect(a.ci[1]).toBeLessThanOrEqual(a.max);
    // Different seeds agree to within Monte Carlo error (10,000 resamples).
    expect(Math.abs(c.ci[0] - a.ci[0])).toBeLessThan(0.002);
    expect(Math.abs(c.ci[1] - a.ci[1])).toBeLessThan(0.002);
    // A lower confidence gives a narrower interval.
    const half = summarize(values, { rng: createRng('ci'), confidence: 0.5 });
    expect(half.ci[1] - half.ci[0]).toBeLessThan(a.ci[1] - a.ci[0]);
  });

  it('has the normal-theory width on a large sample: about 2 · 1.96 · std / √n', () => {
    const rng = createRng('sample');
    const values = Array.from({ length: 400 }, () => rng.normal(10, 2));
    const s = summarize(values, { rng: createRng('bootstrap'), resamples: 4000 });
    const expected = (2 * 1.96 * s.std) / Math.sqrt(values.length);
    expect(s.ci[1] - s.ci[0]).toBeGreaterThan(0.9 * expected);
    expect(s.ci[1] - s.ci[0]).toBeLessThan(1.1 * expected);
    expect((s.ci[0] + s.ci[1]) / 2).toBeCloseTo(s.mean, 1);
  });

  it('handles a single value: no spread, the interval collapses', () => {
    const s = summarize([0.42], { rng: createRng(1), resamples: 50 });
    expect(s.std).toBeNaN();
    expect([s.min, s.q1, s.median, s.q3, s.max, s.mean]).toEqual([0.42, 0.42, 0.42, 0.42, 0.42, 0.42]);
    expect(s.ci).toEqual([0.42, 0.42]);
  });

  it('rejects bad input, naming it', () => {
    const rng = createRng(0);
    expect(() => summarize([], { rng })).toThrow(/Error in summarize: values must be a non-empty array of numbers, but got an empty array/);
    expect(() => summarize([1, NaN], { rng })).toThrow(/Error in summarize: values\[1\] must be a finite number, but got NaN/);
    expect(() => summarize([1, Infinity], { rng })).toThrow(/values\[1\] must be a finite number, but got Infinity/);
    expect(() => summarize([1, 2], {} as never)).toThrow(/Error in summarize: options.rng must be an Rng/);
    expect(() => summarize([1, 2], { rng, resamples: 0 })).toThrow(/resamples must be a positive integer, but got 0/);
    expect(() => summarize([1, 2], { rng, confidence: 1 })).toThrow(/confidence must be in \(0, 1\), but got 1/);
  });
});
