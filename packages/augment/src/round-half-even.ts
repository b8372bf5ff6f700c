/**
 * Rounds to the nearest integer, ties to even: Python 3's `round()` and C's `nearbyint` in the
 * default rounding mode (`roundHalfEven(2.5) === 2`, `roundHalfEven(3.5) === 4`). Internal.
 */
export function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
