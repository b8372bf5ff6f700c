import { existsSync } from 'node:fs';
import { FASHION_MNIST_SYSTEM_DIR, ImageDataset, loadCifar10, loadFashionMnist, loadTinyImages, syntheticDataset } from '@bdst/core';
import type { Rng } from '@bdst/core';
import type { DatasetConfig } from '../config/experiment-config.js';
import { UsageError } from '../config/usage-error.js';

/** The clean data of an experiment, before any poisoning. */
export interface ExperimentData {
  /** D_L with its true labels. */
  labeled: ImageDataset;
  /** D_U (its labels are the true ones, or TinyImages' extrapolated ones; never read by a defense). */
  unlabeled: ImageDataset;
  /** The clean test set. */
  test: ImageDataset;
  /** A readable name of the data, for reports (e.g. `"Fashion-MNIST (10000 train, 20% labeled)"`). */
  description: string;
}

/**
 * Loads the dataset of `config`, draws the size limits' random subsets and splits the training set
 * into D_L and D_U (stratified, `labeledFraction` of each class labeled, Section 5.1), all from `rng`.
 *
 * @throws UsageError when the data directory or a file is missing (one line naming the path and
 *   the option that sets it).
 */
export async function loadExperimentData(config: DatasetConfig, rng: Rng): Promise<ExperimentData> {
  const limit = (dataset: ImageDataset, size: number | null | undefined, label: string): ImageDataset =>
    size == null || size >= dataset.length ? dataset : dataset.subset(Int32Array.from(rng.fork(label).permutation(dataset.length).subarray(0, size)).sort());

  let train: ImageDataset;
  let test: ImageDataset;
  let separate: ImageDataset | null = null;
  let title: string;
  switch (config.name) {
    case 'synthetic': {
      const size = config.imageSize ?? 32;
      const common = { height: size, width: size, channels: config.channels ?? 3 };
      train = syntheticDataset({ size: config.trainSize ?? 10_000, seed: `${rng.seed}/train`, ...common });
      test = syntheticDataset({ size: config.testSize ?? 2_000, seed: `${rng.seed}/test`, ...common });
      if (config.separateUnlabeled) separate = syntheticDataset({ size: config.unlabeledSize ?? 10_000, seed: `${rng.seed}/unlabeled`, ...common });
      title = `synthetic ${size}×${size}×${common.channels}`;
      break;
    }
    case 'fashion-mnist': {
      const dir = config.dir ?? FASHION_MNIST_SYSTEM_DIR;
      requireDirectory(dir, 'Fashion-MNIST', '--data-dir (dataset.dir)');
      [train, test] = await wrapLoad(() => Promise.all([loadFashionMnist({ split: 'train', dir }), loadFashionMnist({ split: 'test', dir })]));
      title = 'Fashion-MNIST';
      break;
    }
    case 'cifar10':
    case 'cifar10+tinyimages': {
      const dir = config.dir ?? 'data/cifar10';
      requireDirectory(dir, 'CIFAR-10 (the binary version, cifar-10-batches-bin)', '--data-dir (dataset.dir)');
      [train, test] = await wrapLoad(() => Promise.all([loadCifar10({ split: 'train', dir }), loadCifar10({ split: 'test', dir })]));
      title = 'CIFAR-10';
      if (config.name === 'cifar10+tinyimages') {
        const path = config.tinyImagesPath ?? '';
        if (!existsSync(path)) throw new UsageError(`TinyImages file not found: '${path}' (pass --tiny-images <ti_500K_pseudo_labeled.pickle> or set dataset.tinyImagesPath)`);
        separate = await wrapLoad(() => loadTinyImages({ path, ...(config.unlabeledSize != null ? { limit: config.unlabeledSize } : {}) }));
        title = 'CIFAR-10 + 500K TinyImages';
      }
      break;
    }
  }
  if (config.name !== 'synthetic') {
    train = limit(train, config.trainSize, 'train-subset');
    test = limit(test, config.testSize, 'test-subset');
  }
  let labeled: ImageDataset;
  let unlabeled: ImageDataset;
  if (separate) {
    labeled = config.labeledFraction >= 1 ? train : train.split(config.labeledFraction, rng.fork('split'))[0];
    unlabeled = separate;
  } else {
    if (config.labeledFraction >= 1) throw new UsageError(`dataset.labeledFraction must be < 1 for ${config.name} (D_U is the rest of the training set), but got ${config.labeledFraction}`);
    [labeled, unlabeled] = train.split(config.labeledFraction, rng.fork('split'));
  }
  const description = `${title}: |D_L| = ${labeled.length}, |D_U| = ${unlabeled.length}, ${test.length} test images`;
  return { labeled, unlabeled, test, description };
}

function requireDirectory(dir: string, what: string, option: string): void {
  if (!existsSync(dir)) throw new UsageError(`data directory not found: '${dir}' (${what}; pass ${option})`);
}

async function wrapLoad<T>(load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]);
  }
}
