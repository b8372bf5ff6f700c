import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ImageDataset } from '../dataset/image-dataset.js';

/** Bytes of one CIFAR-10 binary record: 1 label byte, then 1,024 R, 1,024 G and 1,024 B bytes. */
export const CIFAR10_RECORD_BYTES = 3073;

/** The folder the official `cifar-10-binary.tar.gz` archive extracts to. */
export const CIFAR10_BATCHES_DIR = 'cifar-10-batches-bin';

/** CIFAR-10's class names, by label index. */
export const CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'] as const;

/** The batch files of each split, in the order their records are concatenated. */
export const CIFAR10_FILES: Readonly<Record<'train' | 'test', readonly string[]>> = {
  train: ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'],
  test: ['test_batch.bin'],
};

/** Options of {@link loadCifar10}. */
export interface LoadCifar10Options {
  /** Directory holding the `.bin` batch files, or its parent holding `cifar-10-batches-bin/`. */
  dir: string;
  /** `'train'` (data_batch_1..5.bin, 50,000 images) or `'test'` (test_batch.bin, 10,000 images). */
  split: 'train' | 'test';
}

/**
 * Loads CIFAR-10 (32×32 RGB, 10 classes; the paper's Section 5.1 dataset) from the official
 * binary version. Each record is a label byte followed by the red, green and blue 32×32 planes
 * (row-major); they are interleaved here into HWC uint8 images of shape `[N, 32, 32, 3]`.
 * Any whole number of records per file is accepted (the official files hold 10,000 each).
 *
 * @throws when `split` is not 'train' or 'test', a batch file is missing, its size is not a
 *   multiple of 3,073-byte records, or a label byte is not in 0–9 (each message names the file).
 */
export async function loadCifar10(options: LoadCifar10Options): Promise<ImageDataset> {
  const { dir, split } = options ?? ({} as LoadCifar10Options);
  if (typeof dir !== 'string' || dir.length === 0) throw new TypeError(`loadCifar10: dir must be a non-empty string, got ${String(dir)}`);
  if (split !== 'train' && split !== 'test') throw new TypeError(`loadCifar10: split must be 'train' or 'test', got ${JSON.stringify(split)}`);
  const files = CIFAR10_FILES[split];
  const base = await findBatchesDir(dir, files[0]);

  const paths = files.map((f) => join(base, f));
  const sizes: number[] = [];
  for (const path of paths) {
    let size: number;
    try {
      size = (await stat(path)).size;
    } catch {
      throw new Error(`loadCifar10: missing file ${path} (the ${split} split needs ${files.join(', ')})`);
    }
    if (size === 0 || size % CIFAR10_RECORD_BYTES !== 0) {
      throw new Error(
        `loadCifar10: ${path} has ${size} bytes, which is not a whole number of ${CIFAR10_RECORD_BYTES}-byte records ` +
          `(truncated, or not a CIFAR-10 binary batch; the official files hold 10,000 records = 30,730,000 bytes)`,
      );
    }
    sizes.push(size);
  }

  const n = sizes.reduce((a, s) => a + s / CIFAR10_RECORD_BYTES, 0);
  const images = new Uint8Array(n * 3072);
  const labels = new Int32Array(n);
  let offset = 0;
  for (let f = 0; f < paths.length; f++) {
    const bytes = await readFile(paths[f]);
    if (bytes.length !== sizes[f]) throw new Error(`loadCifar10: ${paths[f]} changed size while being read (${sizes[f]} → ${bytes.length} bytes)`);
    const records = bytes.length / CIFAR10_RECORD_BYTES;
    for (let r = 0; r < records; r++) {
      const src = r * CIFAR10_RECORD_BYTES;
      const label = bytes[src];
      if (label > 9) throw new Error(`loadCifar10: ${paths[f]} record ${r} (byte ${src}) has label ${label}, expected 0–9`);
      labels[offset] = label;
      planesToHwc(bytes, src + 1, images, offset * 3072);
      offset++;
    }
  }
  return new ImageDataset({ images, shape: [n, 32, 32, 3], labels, numClasses: 10, name: `cifar10-${split}` });
}

/** Interleaves one record's R, G, B planes (1,024 bytes each, from `src[start]`) into HWC at `dst[at]`. */
function planesToHwc(src: Uint8Array, start: number, dst: Uint8Array, at: number): void {
  for (let p = 0; p < 1024; p++) {
    const o = at + 3 * p;
    dst[o] = src[start + p];
    dst[o + 1] = src[start + 1024 + p];
    dst[o + 2] = src[start + 2048 + p];
  }
}

async function findBatchesDir(dir: string, firstFile: string): Promise<string> {
  const candidates = [dir, join(dir, CIFAR10_BATCHES_DIR)];
  for (const candidate of candidates) {
    try {
      await stat(join(candidate, firstFile));
      return candidate;
    } catch {
      // try the next candidate
    }
  }
  throw new Error(
    `loadCifar10: missing file ${firstFile}: looked in ${candidates.join(' and ')} ` +
      `(download the binary version with downloadCifar10({ dir }) or by hand from https://www.cs.toronto.edu/~kriz/cifar.html)`,
  );
}
