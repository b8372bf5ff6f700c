import type { Tensor4D } from '@tensorflow/tfjs-core';
import type { Rng, Transform } from '@bdst/core';
import { argumentError, checkImageBatch, checkRange, describe } from '../argument-checks.js';
import { rotate, type RotateOptions } from '../functional/rotate.js';

function degreeRange(op: string, degrees: number | readonly [number, number]): [number, number] {
  if (typeof degrees === 'number') {
    if (!Number.isFinite(degrees) || degrees < 0) argumentError(op, `degrees must be a number ≥ 0 or [lo, hi], but got ${describe(degrees)}`);
    return [-degrees, degrees];
  }
  return checkRange(op, 'degrees', degrees);
}

/**
 * Samples one rotation angle per image, uniform in `[−d, d]` for a number `d` or in `[lo, hi]`
 * (torchvision `RandomRotation.get_params`); one `rng` draw per image.
 *
 * @returns angles in degrees, counter-clockwise.
 */
export function sampleRotationAngles(n: number, degrees: number | readonly [number, number], rng: Rng): Float64Array {
  if (!Number.isInteger(n) || n < 0) argumentError('sampleRotationAngles', `n must be an integer ≥ 0, but got ${n}`);
  const [lo, hi] = degreeRange('sampleRotationAngles', degrees);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.uniform(lo, hi);
  return out;
}

/**
 * Rotates each image by its own random angle (torchvision `RandomRotation(degrees)`, nearest
 * interpolation and black fill by default, same size): angles from {@link sampleRotationAngles},
 * then {@link rotate}. Section 5.1 trains with `randomRotation(2)`; the paper's `Rot` (Figure 1).
 *
 * @param degrees `d` for U(−d, d) degrees, or `[lo, hi]`.
 * @param options interpolation (`'nearest'`) and fill (0) for {@link rotate}.
 */
export function randomRotation(degrees: number | readonly [number, number], options: RotateOptions = {}): Transform {
  const op = 'randomRotation';
  const range = degreeRange(op, degrees);
  return (x: Tensor4D, rng: Rng): Tensor4D => {
    const [n] = checkImageBatch(op, x);
    return rotate(x, sampleRotationAngles(n, range, rng), options);
  };
}
