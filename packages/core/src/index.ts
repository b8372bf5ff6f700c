/**
 * `@bdst/core`: the foundation of bdst — runtime backend selection (with WASM training kernels),
 * seeded randomness, the uint8 host-side {@link ImageDataset}, loaders for CIFAR-10,
 * Fashion-MNIST, TinyImages and a synthetic set, the paper's models, and training / prediction.
 *
 * @packageDocumentation
 */
export { createRng, restoreRng } from './rng/rng.js';
export type { Rng, RngState } from './rng/rng.js';
export { ImageDataset } from './dataset/image-dataset.js';
export type { ImageDatasetInit, DatasetMeta, Batch, BatchOptions } from './dataset/image-dataset.js';
export type { Transform } from './dataset/transform.js';
// Sub-areas, each with its own barrel while they are being built:
export * from './backend/index.js';
export * from './loaders/index.js';
export * from './models/index.js';
export * from './train/index.js';
export * from './io/index.js';
