import { access } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ImageDataset } from '../dataset/image-dataset.js';
import { classLabels } from './class-labels.js';
import { readIdx } from './idx.js';

/** Where Debian's `dataset-fashion-mnist` package installs the four IDX files. */
export const FASHION_MNIST_SYSTEM_DIR = '/usr/share/datasets/fashion-mnist';

/** Fashion-MNIST's class names, by label index. */
export const FASHION_MNIST_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'] as const;

/** Options of {@link loadFashionMnist}. */
export interface LoadFashionMnistOptions {
  /** `'train'` (60,000 images, `train-*` files) or `'test'` (10,000 images, `t10k-*` files). */
  split: 'train' | 'test';
  /**
   * Directory holding the IDX files, gzip-compressed or raw (e.g. a CLI's `--data-dir`). It is
   * searched first; then {@link FASHION_MNIST_SYSTEM_DIR} unless `searchSystemDir` is false.
   */
  dir?: string;
  /** Whether to look in {@link FASHION_MNIST_SYSTEM_DIR} after `dir` (default true). */
  searchSystemDir?: boolean;
}

/**
 * Loads Fashion-MNIST (28×28 gray clothing images, 10 classes) from its IDX files:
 * `{train,t10k}-images-idx3-ubyte[.gz]` and `{train,t10k}-labels-idx1-ubyte[.gz]`, preferring the
 * `.gz` file when both exist, looking in `dir` and then in Debian's {@link FASHION_MNIST_SYSTEM_DIR}
 * (the labels are read from the directory the images were found in). Returns uint8 images of
 * shape `[N, 28, 28, 1]`.
 *
 * @throws when `split` is not 'train' or 'test', a file is missing (the message lists the paths
 *   tried and how to get them), malformed (see {@link readIdx}), or the two files disagree.
 */
export async function loadFashionMnist(options: LoadFashionMnistOptions): Promise<ImageDataset> {
  const { split, dir, searchSystemDir = true } = options ?? ({} as LoadFashionMnistOptions);
  if (split !== 'train' && split !== 'test') throw new TypeError(`loadFashionMnist: split must be 'train' or 'test', got ${JSON.stringify(split)}`);
  if (dir !== undefined && (typeof dir !== 'string' || dir.length === 0)) throw new TypeError(`loadFashionMnist: dir must be a non-empty string, got ${String(dir)}`);
  if (typeof searchSystemDir !== 'boolean') throw new TypeError(`loadFashionMnist: searchSystemDir must be a boolean, got ${String(searchSystemDir)}`);
  const dirs = [...(dir !== undefined ? [dir] : []), ...(searchSystemDir && dir !== FASHION_MNIST_SYSTEM_DIR ? [FASHION_MNIST_SYSTEM_DIR] : [])];
  if (dirs.length === 0) throw new TypeError('loadFashionMnist: give dir, or leave searchSystemDir true, so there is somewhere to look');
  const prefix = split === 'train' ? 'train' : 't10k';
  const imagesPath = await findIdxFile(dirs, `${prefix}-images-idx3-ubyte`);
  const labelsPath = await findIdxFile([dirname(imagesPath)], `${prefix}-labels-idx1-ubyte`);

  const x = await readIdx(imagesPath);
  if (x.shape.length !== 3 || x.shape[1] !== 28 || x.shape[2] !== 28) {
    throw new Error(`loadFashionMnist: ${imagesPath} has shape [${x.shape.join(', ')}], expected [N, 28, 28] (magic 0x803)`);
  }
  const y = await readIdx(labelsPath);
  if (y.shape.length !== 1 || y.shape[0] !== x.shape[0]) {
    throw new Error(`loadFashionMnist: ${labelsPath} has shape [${y.shape.join(', ')}], expected [${x.shape[0]}] to match ${imagesPath} (magic 0x801)`);
  }
  const labels = classLabels(y.data, 10, `loadFashionMnist: ${labelsPath}`);
  return new ImageDataset({ images: x.data, shape: [x.shape[0], 28, 28, 1], labels, numClasses: 10, name: `fashion-mnist-${split}` });
}

/** The first of `dir/base.gz`, `dir/base` that exists, over `dirs` in order. */
async function findIdxFile(dirs: readonly string[], base: string): Promise<string> {
  const candidates = dirs.flatMap((dir) => [join(dir, `${base}.gz`), join(dir, base)]);
  for (const path of candidates) {
    try {
      await access(path);
      return path;
    } catch {
      // try the next name
    }
  }
  throw new Error(
    `loadFashionMnist: missing file ${base}[.gz]: none of ${candidates.join(', ')} exists ` +
      `(install Debian's dataset-fashion-mnist package, or pass dir with the IDX files)`,
  );
}
