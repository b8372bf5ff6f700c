import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../rng/rng.js';
import type { Transform } from './transform.js';

/**
 * What is known about how a dataset was poisoned. Attacks fill it in; defenses never read it
 * (it exists for analysis: how many poisoned samples a selection picked, and so on).
 */
export interface DatasetMeta {
  /** 1 where the sample was poisoned (trigger stamped and/or perturbed), else 0; length N. */
  readonly poisoned?: Uint8Array;
  /** The label each sample had before poisoning; length N. */
  readonly originalLabels?: Int32Array;
}

/** Arguments of the {@link ImageDataset} constructor. */
export interface ImageDatasetInit {
  /** Pixels, uint8 0–255, HWC per image, images one after another: length N·H·W·C. */
  images: Uint8Array;
  /** `[N, H, W, C]`; C is 1 (gray) or 3 (RGB). */
  shape: readonly [number, number, number, number];
  /** Class index per image, each in [0, numClasses). */
  labels: Int32Array;
  /** Number of classes (C in the paper's Algorithm 1). */
  numClasses: number;
  /** Poisoning bookkeeping, see {@link DatasetMeta}. */
  meta?: DatasetMeta;
  /** Optional human-readable name, e.g. `"cifar10-train"`. */
  name?: string;
}

/** One mini-batch produced by {@link ImageDataset.batches}. The caller disposes `images`. */
export interface Batch {
  /** NHWC float32 in [0, 1] (after the optional transform). */
  images: tf.Tensor4D;
  /** The batch's labels (a host copy). */
  labels: Int32Array;
  /** Index of each batch sample in the dataset. */
  indices: Int32Array;
}

/** Options of {@link ImageDataset.batches}. */
export interface BatchOptions {
  /** Shuffle the order with this stream (a fresh permutation per call); omit for dataset order. */
  rng?: Rng;
  /** Applied to each batch tensor, with `transformRng` (or `rng.fork('transform')`). */
  transform?: Transform | null;
  /** The stream the transform draws from; defaults to `rng.fork('transform')`, or seed "transform". */
  transformRng?: Rng;
  /** Drop the last batch when it is smaller than `batchSize` (default false). */
  dropLast?: boolean;
}

function fail(message: string): never {
  throw new Error(`ImageDataset: ${message}`);
}

/**
 * A labelled image set held on the host as uint8, the way every bdst dataset lives.
 *
 * Images become float tensors only one batch at a time ({@link ImageDataset.batches},
 * {@link ImageDataset.toTensor}), so CIFAR-10 plus the 500K TinyImages (550K × 32×32×3 ≈ 1.7 GB)
 * fits in memory and streams. Instances are immutable by convention: every method returns a new
 * dataset and never writes into the arrays it was given.
 */
export class ImageDataset {
  /** Pixels, uint8, N·H·W·C, HWC per image. */
  readonly images: Uint8Array;
  /** `[N, H, W, C]`. */
  readonly shape: readonly [number, number, number, number];
  /** Class index per image. */
  readonly labels: Int32Array;
  /** Number of classes. */
  readonly numClasses: number;
  /** Poisoning bookkeeping (empty for a clean set). */
  readonly meta: DatasetMeta;
  /** Optional name used in reports and errors. */
  readonly name?: string;

  constructor(init: ImageDatasetInit) {
    const { images, shape, labels, numClasses, meta = {}, name } = init;
    if (!(images instanceof Uint8Array)) fail(`images must be a Uint8Array of pixels 0–255, got ${describe(images)}`);
    if (!Array.isArray(shape) || shape.length !== 4 || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
      fail(`shape must be [N, H, W, C] with non-negative integers, got ${JSON.stringify(shape)}`);
    }
    const [n, h, w, c] = shape;
    if (h < 1 || w < 1) fail(`shape must have H, W ≥ 1, got [${shape.join(', ')}]`);
    if (c !== 1 && c !== 3) fail(`shape[3] (channels) must be 1 or 3, got ${c}`);
    if (images.length !== n * h * w * c) {
      fail(`images has ${images.length} values but shape [${shape.join(', ')}] needs ${n * h * w * c}`);
    }
    if (!(labels instanceof Int32Array)) fail(`labels must be an Int32Array, got ${describe(labels)}`);
    if (labels.length !== n) fail(`labels has length ${labels.length} but there are ${n} images`);
    if (!Number.isInteger(numClasses) || numClasses < 1) fail(`numClasses must be a positive integer, got ${numClasses}`);
    for (let i = 0; i < n; i++) {
      const y = labels[i];
      if (y < 0 || y >= numClasses) fail(`labels[${i}] = ${y} is outside [0, ${numClasses})`);
    }
    if (meta.poisoned !== undefined && (!(meta.poisoned instanceof Uint8Array) || meta.poisoned.length !== n)) {
      fail(`meta.poisoned must be a Uint8Array of length ${n}`);
    }
    if (meta.originalLabels !== undefined && (!(meta.originalLabels instanceof Int32Array) || meta.originalLabels.length !== n)) {
      fail(`meta.originalLabels must be an Int32Array of length ${n}`);
    }
    this.images = images;
    this.shape = [n, h, w, c];
    this.labels = labels;
    this.numClasses = numClasses;
    this.meta = meta;
    this.name = name;
  }

  /** Number of images N. */
  get length(): number {
    return this.shape[0];
  }

  /** `[H, W, C]` of one image. */
  get imageShape(): [number, number, number] {
    return [this.shape[1], this.shape[2], this.shape[3]];
  }

  /** H·W·C, the number of bytes of one image. */
  get imageSize(): number {
    return this.shape[1] * this.shape[2] * this.shape[3];
  }

  /** A read-only view (no copy) of image `i`'s HWC bytes. */
  image(i: number): Uint8Array {
    this.checkIndex(i, 'image');
    const s = this.imageSize;
    return this.images.subarray(i * s, (i + 1) * s);
  }

  /** Number of images per class (by `labels`), length `numClasses`. */
  classCounts(): Int32Array {
    const counts = new Int32Array(this.numClasses);
    for (let i = 0; i < this.labels.length; i++) counts[this.labels[i]]++;
    return counts;
  }

  /** A new dataset of the samples at `indices` (copied, in that order; repeats allowed). */
  subset(indices: ArrayLike<number>): ImageDataset {
    return ImageDataset.gather([{ dataset: this, indices }], { name: this.name });
  }

  /**
   * The same images with other labels (e.g. pseudo-labels). Shares the pixel buffer (no copy);
   * `meta` is kept, so `meta.originalLabels` still says what the poisoned labels replaced.
   */
  withLabels(labels: Int32Array): ImageDataset {
    return new ImageDataset({ images: this.images, shape: this.shape, labels, numClasses: this.numClasses, meta: this.meta, name: this.name });
  }

  /**
   * Concatenates datasets with equal image shape and class count. Where some inputs carry
   * `meta` and others do not, the others count as clean (`poisoned` 0, original = given labels).
   */
  static concat(datasets: readonly ImageDataset[], name?: string): ImageDataset {
    return ImageDataset.gather(
      datasets.map((dataset) => ({ dataset })),
      { name: name ?? datasets[0]?.name },
    );
  }

  /**
   * Copies the chosen samples of several datasets into one new dataset, in order, with one copy of
   * the pixels (no intermediate subsets). This is how self-training assembles D_n from D_L and D_U.
   * A part without `indices` contributes all its samples. Where some parts carry `meta` and others
   * do not, the others count as clean (`poisoned` 0, original label = given label).
   *
   * @param options.labels replaces the gathered labels (e.g. pseudo-labels), length = total count.
   */
  static gather(
    parts: readonly { dataset: ImageDataset; indices?: ArrayLike<number> }[],
    options: { labels?: Int32Array; name?: string } = {},
  ): ImageDataset {
    if (parts.length === 0) fail('gather/concat needs at least one dataset');
    const first = parts[0].dataset;
    const [, h, w, c] = first.shape;
    const numClasses = first.numClasses;
    let n = 0;
    parts.forEach(({ dataset: d, indices }, k) => {
      if (d.shape[1] !== h || d.shape[2] !== w || d.shape[3] !== c) {
        fail(`concat: datasets[${k}] has images ${d.imageShape.join('×')} but datasets[0] has ${h}×${w}×${c}`);
      }
      if (d.numClasses !== numClasses) fail(`concat: datasets[${k}] has ${d.numClasses} classes but datasets[0] has ${numClasses}`);
      n += indices ? indices.length : d.length;
    });
    const size = h * w * c;
    const images = new Uint8Array(n * size);
    const labels = new Int32Array(n);
    const poisoned = parts.some((p) => p.dataset.meta.poisoned) ? new Uint8Array(n) : undefined;
    const originalLabels = parts.some((p) => p.dataset.meta.originalLabels) ? new Int32Array(n) : undefined;
    let o = 0;
    for (const { dataset: d, indices } of parts) {
      const original = d.meta.originalLabels ?? d.labels;
      if (!indices) {
        images.set(d.images, o * size);
        labels.set(d.labels, o);
        if (poisoned && d.meta.poisoned) poisoned.set(d.meta.poisoned, o);
        if (originalLabels) originalLabels.set(original, o);
        o += d.length;
        continue;
      }
      for (let j = 0; j < indices.length; j++, o++) {
        const i = indices[j];
        d.checkIndex(i, 'subset');
        images.set(d.images.subarray(i * size, (i + 1) * size), o * size);
        labels[o] = d.labels[i];
        if (poisoned && d.meta.poisoned) poisoned[o] = d.meta.poisoned[i];
        if (originalLabels) originalLabels[o] = original[i];
      }
    }
    if (options.labels && options.labels.length !== n) fail(`gather: options.labels has length ${options.labels.length} but ${n} samples were gathered`);
    const meta: DatasetMeta = { ...(poisoned && { poisoned }), ...(originalLabels && { originalLabels }) };
    return new ImageDataset({ images, shape: [n, h, w, c], labels: options.labels ?? labels, numClasses, meta, name: options.name ?? first.name });
  }

  /**
   * Splits into two stratified parts: from each class, `round(fraction · count)` samples (drawn at
   * random with `rng`) go to the first part, the rest to the second. Used for the paper's
   * 20% labeled / 80% unlabeled CIFAR-10 split (Section 5.1).
   *
   * @param fraction in (0, 1): the share of each class that goes to the first part.
   */
  split(fraction: number, rng: Rng): [ImageDataset, ImageDataset] {
    if (!(fraction > 0 && fraction < 1)) fail(`split: fraction must be in (0, 1), got ${fraction}`);
    const byClass: number[][] = Array.from({ length: this.numClasses }, () => []);
    for (let i = 0; i < this.length; i++) byClass[this.labels[i]].push(i);
    const first: number[] = [];
    const second: number[] = [];
    for (const members of byClass) {
      rng.shuffleInPlace(members);
      const take = Math.round(fraction * members.length);
      first.push(...members.slice(0, take));
      second.push(...members.slice(take));
    }
    first.sort((a, b) => a - b);
    second.sort((a, b) => a - b);
    return [this.subset(first), this.subset(second)];
  }

  /** A new dataset with the samples in a random order drawn from `rng`. */
  shuffle(rng: Rng): ImageDataset {
    return this.subset(rng.permutation(this.length));
  }

  /**
   * The samples at `indices` as one NHWC float32 tensor in [0, 1] (pixel / 255, as torchvision's
   * `ToTensor`). The caller disposes it.
   */
  toTensor(indices?: ArrayLike<number>): tf.Tensor4D {
    const idx = indices ?? { length: this.length };
    const m = idx.length;
    const s = this.imageSize;
    const out = new Float32Array(m * s);
    for (let j = 0; j < m; j++) {
      const i = indices ? indices[j] : j;
      this.checkIndex(i, 'toTensor');
      const base = i * s;
      const o = j * s;
      for (let p = 0; p < s; p++) out[o + p] = this.images[base + p] / 255;
    }
    return tf.tensor4d(out, [m, this.shape[1], this.shape[2], this.shape[3]], 'float32');
  }

  /**
   * Yields mini-batches as float tensors, one at a time (only one batch is ever on the backend).
   * With `rng`, the order is a fresh random permutation; with `transform`, each batch is
   * transformed before it is yielded. The consumer disposes `batch.images`.
   */
  *batches(batchSize: number, options: BatchOptions = {}): Generator<Batch> {
    if (!Number.isInteger(batchSize) || batchSize < 1) fail(`batches: batchSize must be a positive integer, got ${batchSize}`);
    const order = options.rng ? options.rng.permutation(this.length) : Int32Array.from({ length: this.length }, (_, i) => i);
    const transform = options.transform ?? null;
    const transformRng = transform ? options.transformRng ?? (options.rng ? options.rng.fork('transform') : undefined) : undefined;
    if (transform && !transformRng) fail('batches: a transform needs `rng` or `transformRng` to draw from');
    for (let start = 0; start < order.length; start += batchSize) {
      const end = Math.min(start + batchSize, order.length);
      if (options.dropLast && end - start < batchSize) break;
      const indices = order.slice(start, end);
      const labels = Int32Array.from(indices, (i) => this.labels[i]);
      const raw = this.toTensor(indices);
      let images = raw;
      if (transform) {
        images = transform(raw, transformRng!);
        if (images !== raw) raw.dispose();
      }
      yield { images, labels, indices };
    }
  }

  private checkIndex(i: number, where: string): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.length) fail(`${where}: index ${i} is outside [0, ${this.length})`);
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v !== 'object') return typeof v;
  return (v as object).constructor?.name ?? 'object';
}
