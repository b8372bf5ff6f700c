import { describe, expect, it } from 'vitest';
import { createRng, restoreRng } from '@bdst/core';

describe('createRng', () => {
  it('gives the same stream for the same seed and different streams for different seeds', () => {
    const a = createRng(42);
    const b = createRng('42');
    const c = createRng(43);
    const xa = Array.from({ length: 5 }, () => a.next());
    const xb = Array.from({ length: 5 }, () => b.next());
    const xc = Array.from({ length: 5 }, () => c.next());
    expect(xa).toEqual(xb);
    expect(xa).not.toEqual(xc);
    for (const x of xa) expect(x >= 0 && x < 1).toBe(true);
  });

  it('forks independent streams that do not depend on how far the parent has drawn', () => {
    const a = createRng(1);
    const forkBefore = a.fork('augment').next();
    for (let i = 0; i < 10; i++) a.next();
    const forkAfter = a.fork('augment').next();
    expect(forkAfter).toBe(forkBefore);
    expect(a.fork('augment').next()).not.toBe(a.fork('shuffle').next());
    expect(a.fork('x').seed).toBe('1/x');
  });

  it('restores a saved state exactly', () => {
    const a = createRng('s');
    a.next();
    a.normal();
    const saved = JSON.parse(JSON.stringify(a.state()));
    const expected = [a.next(), a.int(10), a.normal()];
    const b = restoreRng(saved);
    expect([b.next(), b.int(10), b.normal()]).toEqual(expected);
    expect(b.seed).toBe('s');
  });

  it('draws integers, permutations and normals with the right ranges and moments', () => {
    const r = createRng(7);
    const counts = new Array(4).fill(0);
    for (let i = 0; i < 4000; i++) counts[r.int(4)]++;
    for (const c of counts) expect(c).toBeGreaterThan(850);
    const p = r.permutation(100);
    expect([...p].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    let sum = 0;
    let sq = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const z = r.normal(2, 3);
      sum += z;
      sq += z * z;
    }
    const mean = sum / n;
    expect(Math.abs(mean - 2)).toBeLessThan(0.1); // 4.7 standard errors (3 / sqrt(20000))
    expect(Math.sqrt(sq / n - mean * mean)).toBeCloseTo(3, 1);
    let hits = 0;
    for (let i = 0; i < 10000; i++) if (r.bernoulli(0.3)) hits++;
    expect(hits / 10000).toBeGreaterThan(0.28);
    expect(hits / 10000).toBeLessThan(0.32);
  });

  it('never returns 0 as a tfjs seed', () => {
    const r = createRng(0);
    for (let i = 0; i < 1000; i++) {
      const s = r.tfSeed();
      expect(Number.isInteger(s) && s > 0).toBe(true);
    }
  });

  it('rejects bad arguments with a clear message', () => {
    const r = createRng(1);
    expect(() => r.int(0)).toThrow(/maxExclusive must be a positive integer, got 0/);
    expect(() => r.bernoulli(1.5)).toThrow(/p must be in \[0, 1\], got 1.5/);
    expect(() => createRng(Number.NaN)).toThrow(/seed must be a finite number/);
    expect(() => restoreRng({} as never)).toThrow(/restoreRng: state must be/);
  });
});
