/**
 * The `p`-quantile (p in [0, 1]) of ascending-sorted `sorted`, by linear interpolation between
 * order statistics (numpy's default `linear` method, R's type 7): position `p · (n − 1)`.
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) throw new Error('Error in quantileSorted: sorted must be non-empty');
  if (!(p >= 0 && p <= 1)) throw new Error(`Error in quantileSorted: p must be in [0, 1], but got ${p}`);
  const position = p * (n - 1);
  const lower = Math.floor(position);
  const upper = Math.min(lower + 1, n - 1);
  const weight = position - lower;
  return sorted[lower] + weight * (sorted[upper] - sorted[lower]);
}
