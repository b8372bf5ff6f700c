import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '@bdst/test-utils';
import { loadTinyImages } from '@bdst/core';

// Fixtures written by Python's own pickle with Debian's numpy:
// /usr/bin/python3 packages/core/test/fixtures/make-tiny-images-pickle.py (see its docstring).
const FIXTURES = join(import.meta.dirname, '../fixtures/tiny-images');
const fixture = (name: string) => join(FIXTURES, name);

/** The pixel formula of make-tiny-images-pickle.py: data[i, y, x, c]. */
const pixel = (i: number, y: number, x: number, c: number) => (7 * i + 3 * y + 5 * x + 11 * c) % 256;
const label = (i: number) => (3 * i + 1) % 10;

function expectFixtureContents(images: Uint8Array, labels: Int32Array, n: number): void {
  expect(images.length).toBe(n * 32 * 32 * 3);
  let mismatches = 0;
  for (let i = 0; i < n; i++) {
    for (let y = 0; y < 32; y++) {
      for (let x = 0; x < 32; x++) {
        for (let c = 0; c < 3; c++) if (images[((i * 32 + y) * 32 + x) * 3 + c] !== pixel(i, y, x, c)) mismatches++;
      }
    }
  }
  expect(mismatches).toBe(0);
  expect([...labels]).toEqual(Array.from({ length: n }, (_, i) => label(i)));
}

const tmp = useTempDir('bdst-tiny-images');

describe('loadTinyImages', () => {
  it('reads a protocol-3 pickle (GLOBAL, BINPUT/BINGET, small inline payloads)', async () => {
    const d = await loadTinyImages({ path: fixture('ti-p3-inline.pickle') });
    expect(d.shape).toEqual([4, 32, 32, 3]);
    expect(d.numClasses).toBe(10);
    expectFixtureContents(d.images, d.labels, 4);
  });

  it('reads a protocol-4 pickle (FRAME, STACK_GLOBAL, MEMOIZE) whose 73,728-byte payload is read on demand', async () => {
    const d = await loadTinyImages({ path: fixture('ti-p4-lazy.pickle') });
    expect(d.shape).toEqual([24, 32, 32, 3]);
    expectFixtureContents(d.images, d.labels, 24);
  });

  it('reads only the first `limit` images', async () => {
    const d = await loadTinyImages({ path: fixture('ti-p4-lazy.pickle'), limit: 5 });
    expect(d.shape).toEqual([5, 32, 32, 3]);
    expectFixtureContents(d.images, d.labels, 5);
    expect((await loadTinyImages({ path: fixture('ti-p3-inline.pickle'), limit: 100 })).length).toBe(4);
  });

  it("accepts numpy 2's module name numpy._core.multiarray", async () => {
    const d = await loadTinyImages({ path: fixture('ti-p4-numpy2.pickle') });
    expect(d.shape).toEqual([3, 32, 32, 3]);
    expectFixtureContents(d.images, d.labels, 3);
  });

  it('reads BINBYTES8 payloads (what pickle writes for arrays over 4 GiB)', async () => {
    // Rewrite the pixel payload's BINBYTES (0x42 + uint32 length) as BINBYTES8 (0x8e + uint64);
    // FRAME sizes are only a buffering hint, which the reader ignores.
    const bytes = await readFile(fixture('ti-p4-lazy.pickle'));
    const payload = 24 * 32 * 32 * 3;
    const header = Buffer.from([0x42, ...u32(payload)]);
    const at = bytes.indexOf(header);
    expect(at).toBeGreaterThan(0);
    const rewritten = Buffer.concat([bytes.subarray(0, at), Buffer.from([0x8e, ...u32(payload), 0, 0, 0, 0]), bytes.subarray(at + 5)]);
    const path = join(tmp(), 'binbytes8.pickle');
    await writeFile(path, rewritten);
    const d = await loadTinyImages({ path });
    expectFixtureContents(d.images, d.labels, 24);
  });

  it('refuses a GLOBAL os.system before doing anything, naming the file and the global', async () => {
    const path = fixture('evil-os-system-p2.pickle');
    await expect(loadTinyImages({ path })).rejects.toThrow(/evil-os-system-p2\.pickle: refusing global os\.system at byte 2/);
  });

  it('refuses a STACK_GLOBAL naming any non-numpy callable (protocol 4)', async () => {
    const path = fixture('evil-stack-global-p4.pickle');
    await expect(loadTinyImages({ path })).rejects.toThrow(/evil-stack-global-p4\.pickle: refusing global posix\.system/);
  });

  it('refuses a protocol-2 numpy pickle (bytes via _codecs.encode) and says to re-save it', async () => {
    await expect(loadTinyImages({ path: fixture('ti-p2-codecs.pickle') })).rejects.toThrow(
      /ti-p2-codecs\.pickle: refusing global _codecs\.encode .*re-save it with protocol 3 or 4/,
    );
  });

  it('names the file and says "truncated" for a file cut anywhere', async () => {
    const bytes = await readFile(fixture('ti-p4-lazy.pickle'));
    for (const keep of [1, 40, 300, 5000, bytes.length - 2000, bytes.length - 1]) {
      const path = join(tmp(), `cut-${keep}.pickle`);
      await writeFile(path, bytes.subarray(0, keep));
      await expect(loadTinyImages({ path }), `cut at ${keep}`).rejects.toThrow(new RegExp(`cut-${keep}\\.pickle.*truncated`));
    }
  });

  it('rejects a file that is not a pickle, a missing file, and labels outside [0, numClasses)', async () => {
    const notPickle = join(tmp(), 'not-a-pickle.pickle');
    await writeFile(notPickle, 'hello, world\n');
    await expect(loadTinyImages({ path: notPickle })).rejects.toThrow(/not-a-pickle\.pickle is not a pickle of protocol 2–4: it starts with byte 0x68/);
    await expect(loadTinyImages({ path: join(tmp(), 'missing.pickle') })).rejects.toThrow(/loadTinyImages: cannot read .*missing\.pickle \(ENOENT\)/);
    // Labels are (3i + 1) % 10, so with 5 classes image 1 (label 4) is fine and image 2 (label 7) is not.
    await expect(loadTinyImages({ path: fixture('ti-p3-inline.pickle'), numClasses: 5 })).rejects.toThrow(
      /ti-p3-inline\.pickle: extrapolated_targets: label 2 is 7, outside the class range \[0, 5\)/,
    );
  });

  it('rejects a pickle without the expected keys, naming what it found', async () => {
    // {'x': 1} at protocol 4, written by hand: PROTO 4, EMPTY_DICT, SHORT_BINUNICODE 'x', BININT1 1, SETITEM, STOP.
    const path = join(tmp(), 'no-data.pickle');
    await writeFile(path, Buffer.from([0x80, 4, 0x7d, 0x8c, 1, 0x78, 0x4b, 1, 0x73, 0x2e]));
    await expect(loadTinyImages({ path })).rejects.toThrow(/no-data\.pickle has no numpy array under 'data' \(keys: "x"\)/);
  });

  it('checks its options', async () => {
    await expect(loadTinyImages({ path: '' })).rejects.toThrow(/loadTinyImages: path must be a non-empty string/);
    await expect(loadTinyImages({ path: fixture('ti-p3-inline.pickle'), limit: 0 })).rejects.toThrow(/loadTinyImages: limit must be a positive integer, got 0/);
  });
});

function u32(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
}
