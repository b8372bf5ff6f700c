/**
 * `@bdst/augment`: every augmentation of the paper (Figure 1, Section 4.2), of its training recipe
 * (Section 5.1) and of SimCLR, for NHWC float32 batches in [0, 1].
 *
 * - Functional kernels with explicit, per-sample parameters and `torchvision.transforms.functional`
 *   (0.14) semantics: `hflip`, `resizedCrop`, `gaussianBlur`, …
 * - Random transforms (`Transform = (x, rng) => Tensor4D`) that sample per-sample parameters on the
 *   host from an `Rng` and call a kernel; their samplers are exported too.
 * - Composition (`compose`, `randomApply`, `yoco`), the paper's names (`parseAugmentation`) and presets.
 *
 * Every function returns a new tensor and leaks nothing; the same `Rng` state gives bit-identical
 * results on every backend (parameters are sampled on the host and the kernels use only exactly
 * rounded tensor ops).
 *
 * @packageDocumentation
 */
export type { Box } from './box.js';

export { hflip, vflip } from './functional/flip.js';
export { rgbToGrayscale } from './functional/grayscale.js';
export { adjustBrightness } from './functional/brightness.js';
export { adjustContrast } from './functional/contrast.js';
export { adjustSaturation } from './functional/saturation.js';
export { adjustHue } from './functional/hue.js';
export { gaussianBlur, gaussianKernel1d } from './functional/gaussian-blur.js';
export { resizedCrop } from './functional/resized-crop.js';
export type { ResizeInterpolation } from './functional/resized-crop.js';
export { rotate } from './functional/rotate.js';
export type { RotateOptions } from './functional/rotate.js';
export { erase } from './functional/erase.js';
export { gaussianNoise } from './functional/gaussian-noise.js';
export { padCrop } from './functional/pad-crop.js';

export { sampleBernoulliMask } from './random/bernoulli-mask.js';
export { randomHorizontalFlip, randomVerticalFlip } from './random/random-flip.js';
export { randomResizedCrop, sampleResizedCropBoxes } from './random/random-resized-crop.js';
export type { RandomResizedCropOptions, ResizedCropSampling } from './random/random-resized-crop.js';
export { randomRotation, sampleRotationAngles } from './random/random-rotation.js';
export { randomGrayscale } from './random/random-grayscale.js';
export { colorJitter, colorJitterRanges, sampleColorJitterParams, applyColorJitter } from './random/color-jitter.js';
export type { ColorJitterOptions, ColorJitterRanges, ColorJitterParams } from './random/color-jitter.js';
export { randomGaussianBlur, sampleBlurSigmas } from './random/random-gaussian-blur.js';
export type { RandomGaussianBlurOptions } from './random/random-gaussian-blur.js';
export { cutout, sampleCutoutBoxes } from './random/cutout.js';
export type { CutoutOptions } from './random/cutout.js';
export { randomGaussianNoise, sampleNoiseStds, PAPER_GNOISE_VARIANCES } from './random/random-gaussian-noise.js';
export type { RandomGaussianNoiseOptions } from './random/random-gaussian-noise.js';
export { randomCrop, sampleCropOffsets } from './random/random-crop.js';
export type { RandomCropOptions } from './random/random-crop.js';

export { compose, randomApply, yoco, noAugmentation } from './compose.js';
export type { YocoOptions } from './compose.js';
export {
  parseAugmentation,
  augmentationNames,
  gnoiseVariants,
  yocoVariants,
  PAPER_COLOR_JITTER,
  DEFAULT_ROTATION_DEGREES,
} from './parse.js';
export { paperStrongAugment, standardTrainAugment, simclrAugment } from './presets.js';
