import { ImageDataset } from '@bdst/core';

/** What an attack changed: the new pixels and labels, and which samples it poisoned. */
export interface PoisonedParts {
  /** The new uint8 pixel buffer (same shape as the source). */
  images: Uint8Array;
  /** The new labels (length N). */
  labels: Int32Array;
  /** Indices of the samples this attack poisoned. */
  poisonedIndices: ArrayLike<number>;
}

/**
 * A new {@link ImageDataset} with `parts`' pixels and labels and the poisoning bookkeeping
 * merged with the source's: `meta.poisoned` is 1 where the source was already poisoned or the
 * attack poisoned it now, and `meta.originalLabels` keeps the source's original labels (or its
 * labels, when it had none), so poisoning twice still records the true labels.
 */
export function buildPoisonedDataset(source: ImageDataset, parts: PoisonedParts): ImageDataset {
  const n = source.length;
  const poisoned = source.meta.poisoned ? source.meta.poisoned.slice() : new Uint8Array(n);
  for (let k = 0; k < parts.poisonedIndices.length; k++) poisoned[parts.poisonedIndices[k]] = 1;
  const originalLabels = (source.meta.originalLabels ?? source.labels).slice();
  return new ImageDataset({
    images: parts.images,
    shape: source.shape,
    labels: parts.labels,
    numClasses: source.numClasses,
    meta: { poisoned, originalLabels },
    name: source.name,
  });
}
