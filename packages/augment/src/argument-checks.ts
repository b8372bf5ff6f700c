import type { Tensor4D } from '@tensorflow/tfjs-core';

/**
 * Argument validation shared by every augmentation. Each check throws before any tensor work,
 * with tfjs's message shape: `Error in <op>: <argument> must be <expected>, but got <actual>`.
 * Internal to the package (not exported from the index).
 */

/** Throws `Error in <op>: <message>`. */
export function argumentError(op: string, message: string): never {
  throw new Error(`Error in ${op}: ${message}`);
}

/** Checks that `x` is a rank-4 float32 NHWC batch; returns its shape. */
export function checkImageBatch(op: string, x: Tensor4D, name = 'x'): [number, number, number, number] {
  if (x == null || typeof (x as { rank?: unknown }).rank !== 'number') {
    argumentError(op, `${name} must be a Tensor4D (NHWC float32), but got ${describe(x)}`);
  }
  if (x.rank !== 4) argumentError(op, `${name} must be rank 4 (NHWC), but got rank ${x.rank}`);
  if (x.dtype !== 'float32') argumentError(op, `${name} must be float32, but got ${x.dtype}`);
  if (x.isDisposed) argumentError(op, `${name} is disposed`);
  const [n, h, w, c] = x.shape;
  return [n, h, w, c];
}

/** Checks that a colour op gets 1 or 3 channels (the only layouts torchvision's colour ops accept). */
export function checkColorChannels(op: string, channels: number): void {
  if (channels !== 1 && channels !== 3) {
    argumentError(op, `x must have 1 (gray) or 3 (RGB) channels, but got ${channels}`);
  }
}

/**
 * Expands a number-or-array argument to one finite value per sample.
 * @param check optional per-value predicate; `expected` describes the valid range in the error.
 */
export function perSampleNumbers(
  op: string,
  name: string,
  value: number | ArrayLike<number>,
  n: number,
  check?: (v: number) => boolean,
  expected = 'a finite number',
): Float64Array {
  const out = new Float64Array(n);
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || (check && !check(value))) {
      argumentError(op, `${name} must be ${expected}, but got ${value}`);
    }
    out.fill(value);
    return out;
  }
  if (value == null || typeof value.length !== 'number') {
    argumentError(op, `${name} must be a number or one number per sample (${n}), but got ${describe(value)}`);
  }
  if (value.length !== n) {
    argumentError(op, `${name} must have one value per sample (${n}), but got ${value.length}`);
  }
  for (let i = 0; i < n; i++) {
    const v = value[i];
    if (typeof v !== 'number' || !Number.isFinite(v) || (check && !check(v))) {
      argumentError(op, `${name}[${i}] must be ${expected}, but got ${v}`);
    }
    out[i] = v;
  }
  return out;
}

/** Checks a probability in [0, 1]. */
export function checkProbability(op: string, name: string, p: number): void {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) argumentError(op, `${name} must be a probability in [0, 1], but got ${p}`);
}

/** Checks an output size `[h, w]` of positive integers (a number means a square). */
export function checkSize(op: string, name: string, size: number | readonly [number, number]): [number, number] {
  const pair = typeof size === 'number' ? [size, size] : size;
  if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((v) => Number.isInteger(v) && v > 0)) {
    argumentError(op, `${name} must be a positive integer or [height, width] of positive integers, but got ${describe(size)}`);
  }
  return [pair[0], pair[1]];
}

/** Checks a `[lo, hi]` range with lo ≤ hi, both satisfying `check`. */
export function checkRange(
  op: string,
  name: string,
  range: readonly [number, number],
  check: (v: number) => boolean = Number.isFinite,
  expected = 'finite numbers',
): [number, number] {
  if (!Array.isArray(range) || range.length !== 2 || !range.every((v) => typeof v === 'number' && check(v)) || range[0] > range[1]) {
    argumentError(op, `${name} must be [lo, hi] with lo ≤ hi, ${expected}, but got ${describe(range)}`);
  }
  return [range[0], range[1]];
}

/** A short description of a value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return JSON.stringify(value);
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as unknown as ArrayLike<number>).length})`;
  return typeof value;
}
