import * as tfl from '@tensorflow/tfjs-layers';
import type { Rng } from '../rng/rng.js';

type Initializer = ReturnType<typeof tfl.initializers.zeros>;

/**
 * PyTorch's default initialisation of a `Conv2d` / `Linear` weight: `kaiming_uniform_(a=√5)`,
 * i.e. U(−1/√fan_in, 1/√fan_in) with fan_in = kh·kw·in (conv) or in (dense). In tfjs terms that
 * is variance scaling with scale 1/3, mode fanIn, uniform. The seed is drawn from `rng` (never 0,
 * which tfjs would treat as "unseeded").
 */
export function pytorchWeightInit(rng: Rng): Initializer {
  return tfl.initializers.varianceScaling({ scale: 1 / 3, mode: 'fanIn', distribution: 'uniform', seed: rng.tfSeed() });
}

/**
 * PyTorch's default initialisation of a `Conv2d` / `Linear` bias: U(−1/√fan_in, 1/√fan_in).
 *
 * @param fanIn the layer's fan-in (kh·kw·in for a conv, in for a dense layer), ≥ 1.
 */
export function pytorchBiasInit(fanIn: number, rng: Rng): Initializer {
  const bound = 1 / Math.sqrt(fanIn);
  return tfl.initializers.randomUniform({ minval: -bound, maxval: bound, seed: rng.tfSeed() });
}
