import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '@bdst/test-utils';
import { loadNpyImages, parseNpy, readNpy } from '@bdst/core';

// Written by numpy.save: /usr/bin/python3 packages/core/test/fixtures/make-npy.py (see its docstring).
const FIXTURES = join(import.meta.dirname, '../fixtures/npy');
const fixture = (name: string) => join(FIXTURES, name);

/** A `.npy` file written by hand from the format spec (version 1.0, header padded to 64 bytes). */
function npyBytes(descr: string, shape: number[], data: Uint8Array, fortran = false): Uint8Array {
  const dict = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const unpadded = 10 + dict.length + 1;
  const header = dict + ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(data, 10 + header.length);
  return out;
}

const tmp = useTempDir('bdst-npy');

describe('readNpy on files numpy.save wrote', () => {
  it('reads uint8, int32, int64, float32 and (format 2.0) float64 arrays in C order', async () => {
    const images = await readNpy(fixture('images-u1.npy'));
    expect(images.dtype).toBe('u1');
    expect(images.shape).toEqual([4, 8, 8, 3]);
    expect(images.data[((2 * 8 + 5) * 8 + 7) * 3 + 1]).toBe(((2 * 64 + 5 * 8 + 7) * 3 + 1) % 256);
    expect(images.data.length).toBe(768);
    const i8 = await readNpy(fixture('labels-i8.npy'));
    expect(i8.dtype).toBe('i8');
    expect([...(i8.data as BigInt64Array)]).toEqual([3n, 0n, 9n, 1n]);
    expect([...(await readNpy(fixture('labels-i4.npy'))).data]).toEqual([3, 0, 9, 1]);
    const f4 = await readNpy(fixture('floats-f4.npy'));
    expect(f4.shape).toEqual([2, 3]);
    expect([...f4.data]).toEqual([0, 0.5, 1, -1.5, 2.25, Math.fround(1e-3)]);
    const f8 = await readNpy(fixture('floats-f8-v2.npy'));
    expect(f8.dtype).toBe('f8');
    expect([...f8.data]).toEqual([1 / 3, -2, 1e300]);
  });

  it('refuses Fortran order and big-endian data, naming the file and the fix', async () => {
    await expect(readNpy(fixture('fortran-f4.npy'))).rejects.toThrow(/fortran-f4\.npy: the array is stored in Fortran order.*ascontiguousarray/);
    await expect(readNpy(fixture('big-endian-i4.npy'))).rejects.toThrow(/big-endian-i4\.npy: dtype '>i4' is big-endian; only little-endian/);
  });
});

describe('readNpy on malformed files', () => {
  it('names the file and what is wrong', async () => {
    const good = npyBytes('<f4', [2, 2], new Uint8Array(new Float32Array([1, 2, 3, 4]).buffer));
    expect([...(parseNpy(good).data)]).toEqual([1, 2, 3, 4]);
    const cases: Array<[string, Uint8Array, RegExp]> = [
      ['cut-data.npy', good.subarray(0, good.length - 3), /cut-data\.npy is truncated: shape \(2, 2\) of '<f4' needs 16 bytes of data but only 13 follow the header/],
      ['cut-header.npy', good.subarray(0, 30), /cut-header\.npy is truncated: the header declares 118 bytes but the file has 20 after the preamble/],
      ['png.npy', Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0), /png\.npy is not a \.npy file \(bad magic number: expected \\x93NUMPY, got 89 50 4e 47 0d 0a\)/],
      ['version.npy', Uint8Array.of(0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 9, 0, 0, 0), /version\.npy: unsupported \.npy format version 9\.0/],
      ['complex.npy', npyBytes('<c8', [1], new Uint8Array(8)), /complex\.npy: unsupported dtype '<c8'; expected one of 'u1', 'i4', 'i8', 'f4', 'f8'/],
      ['object.npy', npyBytes('|O', [1], new Uint8Array(8)), /object\.npy: unsupported dtype '\|O'/],
      ['no-shape.npy', npyBytes('<f4', [1], new Uint8Array(4)).map((b, i, a) => (i > 10 && a[i - 1] === 0x73 && b === 0x68 ? 0x78 : b)), /no-shape\.npy: malformed \.npy header/],
    ];
    for (const [name, bytes, message] of cases) {
      await writeFile(join(tmp(), name), bytes);
      await expect(readNpy(join(tmp(), name)), name).rejects.toThrow(message);
    }
    await expect(readNpy(join(tmp(), 'missing.npy'))).rejects.toThrow(/readNpy: cannot read .*missing\.npy \(ENOENT\)/);
  });

  it('reads unaligned payloads (header lengths that are not a multiple of 8)', async () => {
    // numpy pads headers so data start at a multiple of 64; other writers may not, and an int64
    // payload at an odd offset cannot be viewed as a BigInt64Array: the reader must copy it.
    const dict = "{'descr':'<i8','fortran_order':False,'shape':(2,)}\n";
    const padded = new Uint8Array(10 + dict.length + 16);
    padded.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, dict.length, 0]);
    padded.set(new TextEncoder().encode(dict), 10);
    new DataView(padded.buffer).setBigInt64(10 + dict.length, -5n, true);
    new DataView(padded.buffer).setBigInt64(18 + dict.length, 7n, true);
    expect((10 + dict.length) % 8).not.toBe(0);
    expect([...(parseNpy(padded, 'odd.npy').data as BigInt64Array)]).toEqual([-5n, 7n]);
  });
});

describe('loadNpyImages', () => {
  it('loads uint8 HWC images with int64 or int32 labels', async () => {
    for (const labels of ['labels-i8.npy', 'labels-i4.npy']) {
      const d = await loadNpyImages({ images: fixture('images-u1.npy'), labels: fixture(labels), numClasses: 10 });
      expect(d.shape).toEqual([4, 8, 8, 3]);
      expect([...d.labels]).toEqual([3, 0, 9, 1]);
      expect(d.image(3)[5]).toBe(((3 * 64 + 1) * 3 + 2) % 256); // image 3, pixel (0, 1), channel 2
      expect(d.name).toBe('images-u1.npy');
    }
  });

  it('loads [N, H, W] gray images as one channel', async () => {
    const d = await loadNpyImages({ images: fixture('gray-u1.npy'), labels: fixture('labels-i8.npy'), numClasses: 10, name: 'gray' });
    expect(d.shape).toEqual([4, 8, 8, 1]);
    expect(d.image(2)[8 * 3 + 5]).toBe(2 + 3 + 5);
    expect(d.name).toBe('gray');
  });

  it('names the file for a wrong dtype or shape, a count mismatch and an out-of-range label', async () => {
    const images = fixture('images-u1.npy');
    await expect(loadNpyImages({ images: fixture('floats-f4.npy'), labels: fixture('labels-i8.npy'), numClasses: 10 })).rejects.toThrow(
      /loadNpyImages: .*floats-f4\.npy holds dtype 'f4', expected uint8 \('u1'\) pixels 0–255/,
    );
    await expect(loadNpyImages({ images, labels: fixture('floats-f4.npy'), numClasses: 10 })).rejects.toThrow(/floats-f4\.npy holds dtype 'f4', expected integer labels/);
    await writeFile(join(tmp(), 'three.npy'), npyBytes('<i8', [3], new Uint8Array(24)));
    await expect(loadNpyImages({ images, labels: join(tmp(), 'three.npy'), numClasses: 10 })).rejects.toThrow(/three\.npy has shape \(3\), expected \(4,\) to match the 4 images in .*images-u1\.npy/);
    await expect(loadNpyImages({ images, labels: fixture('labels-i8.npy'), numClasses: 5 })).rejects.toThrow(/labels-i8\.npy: label 2 is 9, outside the class range \[0, 5\)/);
    await writeFile(join(tmp(), 'flat.npy'), npyBytes('|u1', [4, 192], new Uint8Array(768)));
    await expect(loadNpyImages({ images: join(tmp(), 'flat.npy'), labels: fixture('labels-i8.npy'), numClasses: 10 })).rejects.toThrow(/flat\.npy has shape \(4, 192\), expected \[N, H, W, C\]/);
    await expect(loadNpyImages({ images, labels: fixture('labels-i8.npy'), numClasses: 0 })).rejects.toThrow(/loadNpyImages: numClasses must be a positive integer, got 0/);
    await expect(loadNpyImages({ images: join(tmp(), 'nope.npy'), labels: fixture('labels-i8.npy'), numClasses: 10 })).rejects.toThrow(/readNpy: cannot read .*nope\.npy \(ENOENT\)/);
  });

  it('uses the file bytes without a copy for the pixels (the buffer is the file read)', async () => {
    const d = await loadNpyImages({ images: fixture('images-u1.npy'), labels: fixture('labels-i8.npy'), numClasses: 10 });
    const file = await readFile(fixture('images-u1.npy'));
    expect(Buffer.compare(Buffer.from(d.images), file.subarray(file.length - 768))).toBe(0);
  });
});
