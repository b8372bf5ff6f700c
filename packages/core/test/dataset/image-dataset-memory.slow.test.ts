import { open, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ImageDataset, createRng, initBackend, loadTinyImages, syntheticDataset } from '@bdst/core';

/**
 * Issue 2: an ImageDataset must hold CIFAR-10 + the 500K TinyImages (550K 32×32×3 images) with
 * peak RSS under 4 GB. This writes a full-size 500K-image pickle in the exact format of
 * `ti_500K_pseudo_labeled.pickle` (protocol 3, as Python writes a dict of numpy arrays), loads it
 * with loadTinyImages, adds a CIFAR-sized 50K synthetic set, concatenates them, streams shuffled
 * batches, and reports the process's peak resident set size. Run with `npm run test:slow`.
 */
const N_TINY = 500_000;
const N_CIFAR = 50_000;
const IMAGE = 32 * 32 * 3;

it('holds 550K 32×32×3 images (CIFAR-sized + 500K TinyImages from a pickle) with peak RSS under 4 GB', async () => {
  await initBackend({ backend: 'wasm', quiet: true });
  const dir = await mkdtemp(join(tmpdir(), 'bdst-550k-'));
  try {
    const path = join(dir, 'ti_500K_pseudo_labeled.pickle');
    const writeStart = performance.now();
    await writeTinyImagesPickle(path, N_TINY);
    console.log(`wrote ${path} (${((N_TINY * (IMAGE + 8)) / 2 ** 30).toFixed(2)} GiB) in ${((performance.now() - writeStart) / 1000).toFixed(1)} s`);
    const rssBefore = process.memoryUsage().rss;

    const loadStart = performance.now();
    const tiny = await loadTinyImages({ path });
    console.log(`loadTinyImages: ${tiny.length} images in ${((performance.now() - loadStart) / 1000).toFixed(1)} s`);
    expect(tiny.shape).toEqual([N_TINY, 32, 32, 3]);
    // Spot-check pixels and labels against the writer's formula, at the start, middle and end.
    for (const i of [0, 1, 250_001, N_TINY - 1]) {
      expect(tiny.labels[i]).toBe(i % 10);
      expect(tiny.image(i)[0]).toBe(i % 251);
      expect(tiny.image(i)[IMAGE - 1]).toBe((i + IMAGE - 1) % 251);
    }
    const cifarSized = syntheticDataset({ size: N_CIFAR, seed: 'cifar-sized' });
    const all = ImageDataset.concat([cifarSized, tiny], 'cifar10+tinyimages');
    expect(all.length).toBe(N_CIFAR + N_TINY);
    expect(all.images.byteLength).toBe((N_CIFAR + N_TINY) * IMAGE);

    // Stream shuffled batches over the whole set, as training does (only one batch on the backend).
    let seen = 0;
    for (const batch of all.batches(512, { rng: createRng(1) })) {
      seen += batch.labels.length;
      batch.images.dispose();
      if (seen >= 512 * 40) break;
    }
    const peakBytes = process.resourceUsage().maxRSS * 1024;
    console.log(
      `550K images (${(all.images.byteLength / 2 ** 30).toFixed(2)} GiB of pixels): peak RSS ${(peakBytes / 2 ** 30).toFixed(2)} GiB ` +
        `(RSS ${(rssBefore / 2 ** 30).toFixed(2)} GiB before loading; limit 4 GB)`,
    );
    expect(peakBytes).toBeLessThan(4e9);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 1_800_000);

/**
 * Writes `{'data': uint8 (n, 32, 32, 3), 'extrapolated_targets': int64 (n,)}` as Python's pickle
 * (protocol 3) writes a dict of numpy arrays: pixel (i, j) = (i + j) % 251, label i % 10.
 */
async function writeTinyImagesPickle(path: string, n: number): Promise<void> {
  const text = (s: string) => Array.from(new TextEncoder().encode(s));
  const u32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
  const unicode = (s: string) => [0x58, ...u32(s.length), ...text(s)]; // BINUNICODE
  const int = (v: number) => [0x4a, ...u32(v >>> 0)]; // BININT
  const arrayHeader = (shape: number[], dtype: string, order: string, bytes: number) => [
    0x63, ...text('numpy.core.multiarray\n_reconstruct\n'), // GLOBAL
    0x63, ...text('numpy\nndarray\n'),
    0x4b, 0, 0x85, // (0,)
    0x43, 1, 0x62, // b'b'
    0x87, 0x52, // TUPLE3, REDUCE
    0x28, 0x4b, 1, // MARK, 1
    0x28, ...shape.flatMap(int), 0x74, // shape tuple
    0x63, ...text('numpy\ndtype\n'), ...unicode(dtype), 0x89, 0x88, 0x87, 0x52, // dtype(dtype, False, True)
    0x28, 0x4b, 3, ...unicode(order), 0x4e, 0x4e, 0x4e, ...int(-1), ...int(-1), 0x4b, 0, 0x74, 0x62, // BUILD dtype state
    0x89, // is_fortran False
    0x42, ...u32(bytes), // BINBYTES
  ];
  const arrayFooter = [0x74, 0x62]; // TUPLE (state), BUILD
  const file = await open(path, 'w');
  try {
    await file.write(Uint8Array.from([0x80, 3, 0x7d, 0x28, ...unicode('data'), ...arrayHeader([n, 32, 32, 3], 'u1', '|', n * IMAGE)]));
    const chunk = 8192;
    const buffer = new Uint8Array(chunk * IMAGE);
    for (let start = 0; start < n; start += chunk) {
      const count = Math.min(chunk, n - start);
      for (let k = 0; k < count; k++) {
        const i = start + k;
        const o = k * IMAGE;
        for (let j = 0; j < IMAGE; j++) buffer[o + j] = (i + j) % 251;
      }
      await file.write(buffer.subarray(0, count * IMAGE));
    }
    const labels = new BigInt64Array(n);
    for (let i = 0; i < n; i++) labels[i] = BigInt(i % 10);
    await file.write(Uint8Array.from([...arrayFooter, ...unicode('extrapolated_targets'), ...arrayHeader([n], 'i8', '<', n * 8)]));
    await file.write(new Uint8Array(labels.buffer));
    await file.write(Uint8Array.from([...arrayFooter, 0x75, 0x2e])); // SETITEMS, STOP
  } finally {
    await file.close();
  }
}
