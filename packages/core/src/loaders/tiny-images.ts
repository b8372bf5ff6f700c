import { ImageDataset } from '../dataset/image-dataset.js';
import { classLabels } from './class-labels.js';
import { PickledArray, PickleReader } from './pickle-reader.js';

/** Options of {@link loadTinyImages}. */
export interface LoadTinyImagesOptions {
  /** Path of `ti_500K_pseudo_labeled.pickle` (or a pickle in the same format). */
  path: string;
  /** Load only the first `limit` images (a positive integer); default all 500,000. */
  limit?: number;
  /** Number of classes the pseudo-labels index (default 10, CIFAR-10's). */
  numClasses?: number;
}

/**
 * Loads the 500K TinyImages set with CIFAR-10 pseudo-labels (`ti_500K_pseudo_labeled.pickle`,
 * Carmon et al. 2019), the paper's unlabeled data for self-training on CIFAR-10 (Section 5.1).
 * `data` (uint8 `[N, 32, 32, 3]`, HWC RGB) becomes the images and `extrapolated_targets` (int64)
 * the labels; the other keys are ignored.
 *
 * The pickle is parsed by bdst's restricted reader ({@link PickleReader}): only numpy's array
 * globals are accepted, so a tampered file cannot run code. The 1.5 GB pixel payload is read from
 * the file directly into the dataset's buffer (no intermediate copy), so peak memory is about the
 * size of the images kept.
 *
 * @throws when the file is missing, truncated or not in this format (no `data` /
 *   `extrapolated_targets`, wrong dtype or shape), names a disallowed global, or a label is outside
 *   [0, numClasses).
 */
export async function loadTinyImages(options: LoadTinyImagesOptions): Promise<ImageDataset> {
  const { path, limit, numClasses = 10 } = options ?? ({} as LoadTinyImagesOptions);
  if (typeof path !== 'string' || path.length === 0) throw new TypeError(`loadTinyImages: path must be a non-empty string, got ${String(path)}`);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) throw new RangeError(`loadTinyImages: limit must be a positive integer, got ${limit}`);
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new RangeError(`loadTinyImages: numClasses must be a positive integer, got ${numClasses}`);

  const reader = await PickleReader.open(path, 'loadTinyImages');
  try {
    const root = reader.root;
    if (!(root instanceof Map)) throw new Error(`loadTinyImages: ${path} holds a ${root === null ? 'None' : typeof root}, expected a dict with 'data' and 'extrapolated_targets'`);
    const data = root.get('data');
    const targets = root.get('extrapolated_targets');
    const keys = [...root.keys()].map((k) => JSON.stringify(k)).join(', ');
    if (!(data instanceof PickledArray)) throw new Error(`loadTinyImages: ${path} has no numpy array under 'data' (keys: ${keys})`);
    if (!(targets instanceof PickledArray)) throw new Error(`loadTinyImages: ${path} has no numpy array under 'extrapolated_targets' (keys: ${keys})`);
    const shape = data.shape;
    if (data.dtype !== 'u1' || shape.length !== 4 || (shape[3] !== 1 && shape[3] !== 3)) {
      throw new Error(`loadTinyImages: ${path}: 'data' is ${data.dtype} (${shape.join(', ')}), expected uint8 (N, H, W, 3) HWC images`);
    }
    if ((targets.dtype !== 'i8' && targets.dtype !== 'i4' && targets.dtype !== 'u1') || targets.shape.length !== 1 || targets.shape[0] !== shape[0]) {
      throw new Error(`loadTinyImages: ${path}: 'extrapolated_targets' is ${targets.dtype} (${targets.shape.join(', ')}), expected integer labels of shape (${shape[0]},)`);
    }
    const n = Math.min(limit ?? shape[0], shape[0]);
    const images = (await reader.readArray(data, n)) as Uint8Array;
    const rawLabels = (await reader.readArray(targets, n)) as Uint8Array | Int32Array | BigInt64Array;
    const labels = classLabels(rawLabels, numClasses, `loadTinyImages: ${path}: extrapolated_targets`);
    return new ImageDataset({ images, shape: [n, shape[1], shape[2], shape[3]], labels, numClasses, name: 'tinyimages-500k' });
  } finally {
    await reader.close();
  }
}
