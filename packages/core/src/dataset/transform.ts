import type { Tensor4D } from '@tensorflow/tfjs-core';
import type { Rng } from '../rng/rng.js';

/**
 * A (possibly random) image transform: NHWC float32 in [0, 1] in, a new NHWC float32 tensor out.
 * A random transform samples its per-sample parameters from `rng` (never `Math.random`) and must
 * not dispose its input nor leak intermediates. `@bdst/augment` provides the paper's transforms.
 */
export type Transform = (x: Tensor4D, rng: Rng) => Tensor4D;
