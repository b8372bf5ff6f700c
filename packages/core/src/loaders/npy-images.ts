import { ImageDataset } from '../dataset/image-dataset.js';
import { classLabels } from './class-labels.js';
import { readNpy } from './npy.js';

/** Options of {@link loadNpyImages}. */
export interface LoadNpyImagesOptions {
  /** `.npy` file of uint8 (`u1`) images, shape `[N, H, W, C]` with C = 1 or 3 (HWC), or `[N, H, W]` for gray. */
  images: string;
  /** `.npy` file of integer class labels (`u1`, `i4` or `i8`), shape `[N]`. */
  labels: string;
  /** Number of classes; every label must be in [0, numClasses). */
  numClasses: number;
  /** Name for the dataset (default: the images file name). */
  name?: string;
}

/**
 * Loads an image set saved with `numpy.save` as two `.npy` files (uint8 HWC images and integer
 * labels), e.g. a CIFAR-10 export or a custom unlabeled set. The pixel buffer is used as read (no
 * copy).
 *
 * @throws when a file is missing or malformed, the images are not uint8 `[N, H, W, C]` (C = 1 or 3)
 *   or `[N, H, W]`, the labels are not an integer `[N]` array of the same N, or a label is out of range.
 */
export async function loadNpyImages(options: LoadNpyImagesOptions): Promise<ImageDataset> {
  const { images, labels, numClasses, name } = options ?? ({} as LoadNpyImagesOptions);
  if (typeof images !== 'string' || images.length === 0) throw new TypeError(`loadNpyImages: images must be the path of a .npy file, got ${String(images)}`);
  if (typeof labels !== 'string' || labels.length === 0) throw new TypeError(`loadNpyImages: labels must be the path of a .npy file, got ${String(labels)}`);
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new RangeError(`loadNpyImages: numClasses must be a positive integer, got ${numClasses}`);

  const x = await readNpy(images);
  if (x.dtype !== 'u1') {
    throw new Error(`loadNpyImages: ${images} holds dtype '${x.dtype}', expected uint8 ('u1') pixels 0–255 (convert with (x * 255).round().astype(numpy.uint8) if they are floats in [0, 1])`);
  }
  let shape: [number, number, number, number];
  if (x.shape.length === 4 && (x.shape[3] === 1 || x.shape[3] === 3)) shape = [x.shape[0], x.shape[1], x.shape[2], x.shape[3]];
  else if (x.shape.length === 3) shape = [x.shape[0], x.shape[1], x.shape[2], 1];
  else {
    throw new Error(`loadNpyImages: ${images} has shape (${x.shape.join(', ')}), expected [N, H, W, C] with C = 1 or 3 (channels last), or [N, H, W]`);
  }

  const y = await readNpy(labels);
  if (y.dtype !== 'u1' && y.dtype !== 'i4' && y.dtype !== 'i8') {
    throw new Error(`loadNpyImages: ${labels} holds dtype '${y.dtype}', expected integer labels ('u1', 'i4' or 'i8')`);
  }
  if (y.shape.length !== 1 || y.shape[0] !== shape[0]) {
    throw new Error(`loadNpyImages: ${labels} has shape (${y.shape.join(', ')}), expected (${shape[0]},) to match the ${shape[0]} images in ${images}`);
  }
  const labelValues = classLabels(y.data as Uint8Array | Int32Array | BigInt64Array, numClasses, `loadNpyImages: ${labels}`);
  return new ImageDataset({ images: x.data as Uint8Array, shape, labels: labelValues, numClasses, name: name ?? images.split(/[\\/]/).pop() });
}
