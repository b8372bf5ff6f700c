import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '@bdst/test-utils';
import { FASHION_MNIST_SYSTEM_DIR, loadFashionMnist, readIdx } from '@bdst/core';

/** An IDX file exactly as MNIST's are laid out: 0, 0, type 0x08, rank, big-endian uint32 dims, data. */
function idxBytes(shape: number[], data: Uint8Array, type = 0x08): Uint8Array {
  const header = new Uint8Array(4 + 4 * shape.length);
  const view = new DataView(header.buffer);
  header[2] = type;
  header[3] = shape.length;
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  const out = new Uint8Array(header.length + data.length);
  out.set(header);
  out.set(data, header.length);
  return out;
}

const N = 5;
const pixels = Uint8Array.from({ length: N * 28 * 28 }, (_, i) => (i * 31 + 7) % 256);
const labels = Uint8Array.of(9, 0, 3, 7, 2);

const tmp = useTempDir('bdst-idx');

describe('readIdx', () => {
  it('reads raw and gzip-compressed files (detected by content, not by name)', async () => {
    const raw = idxBytes([N, 28, 28], pixels);
    await writeFile(join(tmp(), 'raw-idx3-ubyte'), raw);
    await writeFile(join(tmp(), 'zipped-idx3-ubyte'), gzipSync(raw)); // no .gz suffix on purpose
    for (const name of ['raw-idx3-ubyte', 'zipped-idx3-ubyte']) {
      const a = await readIdx(join(tmp(), name));
      expect(a.magic).toBe(0x803);
      expect(a.shape).toEqual([N, 28, 28]);
      expect(Buffer.compare(Buffer.from(a.data), Buffer.from(pixels))).toBe(0);
    }
    await writeFile(join(tmp(), 'labels-idx1-ubyte.gz'), gzipSync(idxBytes([N], labels)));
    const y = await readIdx(join(tmp(), 'labels-idx1-ubyte.gz'));
    expect(y.magic).toBe(0x801);
    expect([...y.data]).toEqual([...labels]);
  });

  it('names the file and what is wrong for truncated, malformed and missing files', async () => {
    const raw = idxBytes([N, 28, 28], pixels);
    const cases: Array<[string, Uint8Array, RegExp]> = [
      ['short-data', raw.subarray(0, raw.length - 1), /short-data is truncated: the header declares shape \[5, 28, 28\] = 3920 bytes of data but only 3919 follow/],
      ['short-header', raw.subarray(0, 9), /short-header is truncated: it ends inside the header \(9 of 16 bytes\)/],
      ['tiny', raw.subarray(0, 3), /tiny is truncated: 3 bytes, shorter than the 4-byte IDX magic number/],
      ['bad-magic', Uint8Array.of(0x50, 0x4b, 3, 4, 0, 0, 0, 0), /bad-magic: bad magic number 0x504b0304; expected an IDX file/],
      ['float-type', idxBytes([2], new Uint8Array(8), 0x0d), /float-type: unsupported IDX element type 0x0d \(float32\); only unsigned byte/],
      ['cut-gzip', gzipSync(raw).subarray(0, 40), /cut-gzip is a truncated or corrupt gzip file/],
    ];
    for (const [name, bytes, message] of cases) {
      await writeFile(join(tmp(), name), bytes);
      await expect(readIdx(join(tmp(), name)), name).rejects.toThrow(message);
    }
    await expect(readIdx(join(tmp(), 'nope'))).rejects.toThrow(/readIdx: cannot read .*nope \(ENOENT\)/);
  });
});

describe('loadFashionMnist on files written in its format', () => {
  it('loads gzip and raw IDX files from a directory into [N, 28, 28, 1] uint8', async () => {
    const gz = join(tmp(), 'fm-gz');
    const raw = join(tmp(), 'fm-raw');
    await mkdir(gz);
    await mkdir(raw);
    await writeFile(join(gz, 't10k-images-idx3-ubyte.gz'), gzipSync(idxBytes([N, 28, 28], pixels)));
    await writeFile(join(gz, 't10k-labels-idx1-ubyte.gz'), gzipSync(idxBytes([N], labels)));
    await writeFile(join(raw, 't10k-images-idx3-ubyte'), idxBytes([N, 28, 28], pixels));
    await writeFile(join(raw, 't10k-labels-idx1-ubyte'), idxBytes([N], labels));
    for (const dir of [gz, raw]) {
      const d = await loadFashionMnist({ split: 'test', dir });
      expect(d.shape).toEqual([N, 28, 28, 1]);
      expect([...d.labels]).toEqual([...labels]);
      expect(Buffer.compare(Buffer.from(d.images), Buffer.from(pixels))).toBe(0);
      expect(d.name).toBe('fashion-mnist-test');
    }
  });

  it('names the missing file, a label/image count mismatch, and a label outside [0, 10)', async () => {
    const dir = join(tmp(), 'fm-bad');
    await mkdir(dir);
    await expect(loadFashionMnist({ split: 'train', dir, searchSystemDir: false })).rejects.toThrow(
      /loadFashionMnist: missing file train-images-idx3-ubyte\[\.gz\]: none of .*fm-bad\/train-images-idx3-ubyte\.gz, .*fm-bad\/train-images-idx3-ubyte exists/,
    );
    await writeFile(join(dir, 'train-images-idx3-ubyte'), idxBytes([N, 28, 28], pixels));
    await expect(loadFashionMnist({ split: 'train', dir, searchSystemDir: false })).rejects.toThrow(/missing file train-labels-idx1-ubyte\[\.gz\]/);
    await writeFile(join(dir, 'train-images-idx3-ubyte'), idxBytes([N, 28, 28], pixels));
    await writeFile(join(dir, 'train-labels-idx1-ubyte'), idxBytes([N - 1], labels.subarray(0, N - 1)));
    await expect(loadFashionMnist({ split: 'train', dir })).rejects.toThrow(/train-labels-idx1-ubyte has shape \[4\], expected \[5\]/);
    await writeFile(join(dir, 'train-labels-idx1-ubyte'), idxBytes([N], Uint8Array.of(1, 2, 10, 3, 4)));
    await expect(loadFashionMnist({ split: 'train', dir })).rejects.toThrow(/train-labels-idx1-ubyte: label 2 is 10, outside the class range \[0, 10\)/);
    await writeFile(join(dir, 'train-images-idx3-ubyte'), idxBytes([N, 32, 32], new Uint8Array(N * 32 * 32)));
    await expect(loadFashionMnist({ split: 'train', dir })).rejects.toThrow(/train-images-idx3-ubyte has shape \[5, 32, 32\], expected \[N, 28, 28\]/);
    await expect(loadFashionMnist({ split: 'test', searchSystemDir: false })).rejects.toThrow(/give dir, or leave searchSystemDir true/);
    await expect(loadFashionMnist({ split: 'val' as never, dir })).rejects.toThrow(/loadFashionMnist: split must be 'train' or 'test', got "val"/);
  });
});

// The real files from Debian's dataset-fashion-mnist package. Reference values computed
// independently with Python's gzip + hashlib over the bytes after the IDX headers.
const haveRealData = existsSync(join(FASHION_MNIST_SYSTEM_DIR, 'train-images-idx3-ubyte.gz'));
if (!haveRealData) console.warn(`Fashion-MNIST real-data tests skipped: ${FASHION_MNIST_SYSTEM_DIR} not found (apt-get install dataset-fashion-mnist)`);

describe('loadFashionMnist on the real Fashion-MNIST', () => {
  const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

  it.runIf(haveRealData)('loads the 60,000 training images from the default directory', async () => {
    const d = await loadFashionMnist({ split: 'train' });
    expect(d.shape).toEqual([60000, 28, 28, 1]);
    expect([...d.labels.subarray(0, 5)]).toEqual([9, 0, 0, 3, 0]);
    expect([...d.labels.subarray(-3)]).toEqual([3, 0, 5]);
    expect([...d.classCounts()]).toEqual(new Array(10).fill(6000));
    expect(sha256(d.images)).toBe('2e487a6c89124f78f2d7521542223cafe96f7123c3ca13d447772ac6ecbb3012');
  });

  it.runIf(haveRealData)('loads the 10,000 test images, falling back to the system directory when dir lacks them', async () => {
    const d = await loadFashionMnist({ split: 'test', dir: join(tmp(), 'no-such-dir') });
    expect(d.shape).toEqual([10000, 28, 28, 1]);
    expect([...d.labels.subarray(0, 5)]).toEqual([9, 2, 1, 1, 6]);
    expect([...d.labels.subarray(-3)]).toEqual([8, 1, 5]);
    expect(d.images.reduce((a, b) => a + b, 0)).toBe(573469082);
    expect(sha256(d.images)).toBe('c867c93ff95360594e8ec3287995350b824dd110b11595c0e13d5423f621867a');
  });
});
