import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tar from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTempDir } from '@bdst/test-utils';
import { CIFAR10_FILES, CIFAR10_RECORD_BYTES, downloadCifar10, loadCifar10, type DownloadProgress } from '@bdst/core';

/**
 * A CIFAR-10 binary batch exactly as the official files are laid out: per record one label byte,
 * then the 1,024 red, 1,024 green and 1,024 blue bytes of the 32×32 image, row-major. Image `id`'s
 * pixel (y, x) has R = (id + x) % 256, G = (2·id + y) % 256, B = (x·y + id) % 256, so a mixed-up
 * plane, row or column shows.
 */
function cifarBatch(ids: number[]): Uint8Array {
  const out = new Uint8Array(ids.length * CIFAR10_RECORD_BYTES);
  ids.forEach((id, r) => {
    const o = r * CIFAR10_RECORD_BYTES;
    out[o] = id % 10;
    for (let y = 0; y < 32; y++) {
      for (let x = 0; x < 32; x++) {
        const p = y * 32 + x;
        out[o + 1 + p] = (id + x) % 256;
        out[o + 1 + 1024 + p] = (2 * id + y) % 256;
        out[o + 1 + 2048 + p] = (x * y + id) % 256;
      }
    }
  });
  return out;
}

/** Checks HWC image `i` of `images` is record `id` of {@link cifarBatch}. */
function expectImage(images: Uint8Array, i: number, id: number): void {
  let bad = 0;
  for (let y = 0; y < 32; y++) {
    for (let x = 0; x < 32; x++) {
      const o = i * 3072 + (y * 32 + x) * 3;
      if (images[o] !== (id + x) % 256 || images[o + 1] !== (2 * id + y) % 256 || images[o + 2] !== (x * y + id) % 256) bad++;
    }
  }
  expect(bad, `image ${i} (record id ${id})`).toBe(0);
}

/** Writes the six batch files into `dir`: data_batch_k holds ids 3(k−1)…3k−1, test_batch ids 100–103. */
async function writeCifarDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (let k = 0; k < 5; k++) await writeFile(join(dir, CIFAR10_FILES.train[k]), cifarBatch([3 * k, 3 * k + 1, 3 * k + 2]));
  await writeFile(join(dir, 'test_batch.bin'), cifarBatch([100, 101, 102, 103]));
}

const tmp = useTempDir('bdst-cifar');

describe('loadCifar10', () => {
  it('reads the train split from data_batch_1..5.bin in order, interleaving R, G, B planes into HWC', async () => {
    const dir = join(tmp(), 'flat');
    await writeCifarDir(dir);
    const d = await loadCifar10({ dir, split: 'train' });
    expect(d.shape).toEqual([15, 32, 32, 3]);
    expect(d.numClasses).toBe(10);
    expect([...d.labels]).toEqual(Array.from({ length: 15 }, (_, i) => i % 10));
    for (let i = 0; i < 15; i++) expectImage(d.images, i, i);
    const t = await loadCifar10({ dir, split: 'test' });
    expect(t.shape).toEqual([4, 32, 32, 3]);
    expect([...t.labels]).toEqual([0, 1, 2, 3]);
    for (let i = 0; i < 4; i++) expectImage(t.images, i, 100 + i);
  });

  it('finds the files under dir/cifar-10-batches-bin/ (where the archive extracts)', async () => {
    const parent = join(tmp(), 'parent');
    await writeCifarDir(join(parent, 'cifar-10-batches-bin'));
    expect((await loadCifar10({ dir: parent, split: 'test' })).length).toBe(4);
  });

  it('names the file for a truncated batch, a bad label, and a missing file', async () => {
    const dir = join(tmp(), 'broken');
    await writeCifarDir(dir);
    const whole = cifarBatch([100, 101]);
    await writeFile(join(dir, 'test_batch.bin'), whole.subarray(0, whole.length - 100));
    await expect(loadCifar10({ dir, split: 'test' })).rejects.toThrow(/test_batch\.bin has 6046 bytes, which is not a whole number of 3073-byte records \(truncated/);
    const badLabel = cifarBatch([100, 101]);
    badLabel[CIFAR10_RECORD_BYTES] = 12; // record 1's label byte
    await writeFile(join(dir, 'test_batch.bin'), badLabel);
    await expect(loadCifar10({ dir, split: 'test' })).rejects.toThrow(/test_batch\.bin record 1 \(byte 3073\) has label 12, expected 0–9/);
    await writeFile(join(dir, 'test_batch.bin'), new Uint8Array(0));
    await expect(loadCifar10({ dir, split: 'test' })).rejects.toThrow(/test_batch\.bin has 0 bytes/);
    await rm(join(dir, 'data_batch_4.bin'));
    await expect(loadCifar10({ dir, split: 'train' })).rejects.toThrow(/loadCifar10: missing file .*data_batch_4\.bin/);
    await expect(loadCifar10({ dir: join(tmp(), 'nowhere'), split: 'train' })).rejects.toThrow(
      /loadCifar10: missing file data_batch_1\.bin: looked in .*nowhere and .*nowhere\/cifar-10-batches-bin.*downloadCifar10/,
    );
  });

  it('checks its options', async () => {
    await expect(loadCifar10({ dir: tmp(), split: 'validation' as never })).rejects.toThrow(/loadCifar10: split must be 'train' or 'test', got "validation"/);
    await expect(loadCifar10({ dir: '', split: 'train' })).rejects.toThrow(/loadCifar10: dir must be a non-empty string/);
  });
});

describe('downloadCifar10 against a local server', () => {
  let archive: Uint8Array;
  let md5: string;
  let server: Server;
  let base: string;
  const requests: Array<{ url: string; range?: string }> = [];

  beforeAll(async () => {
    // A small archive with the official layout: cifar-10-batches-bin/{data_batch_1..5,test_batch}.bin.
    const src = join(tmp(), 'archive-src');
    await writeCifarDir(join(src, 'cifar-10-batches-bin'));
    const file = join(tmp(), 'cifar-10-binary.tar.gz');
    await tar.c({ gzip: true, file, cwd: src, portable: true }, ['cifar-10-batches-bin']);
    archive = await readFile(file);
    md5 = createHash('md5').update(archive).digest('hex');
    // Serves the archive (honouring Range), a 404, and a connection that drops mid-body.
    server = createServer((req, res) => {
      requests.push({ url: req.url ?? '', range: req.headers.range });
      if (req.url === '/missing.tar.gz') {
        res.writeHead(404, 'Not Found').end();
        return;
      }
      const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
      if (range) {
        const start = Number(range[1]);
        res.writeHead(206, { 'content-range': `bytes ${start}-${archive.length - 1}/${archive.length}`, 'content-length': archive.length - start });
        res.end(archive.subarray(start));
        return;
      }
      res.writeHead(200, { 'content-length': archive.length });
      if (req.url === '/drops/cifar-10-binary.tar.gz') {
        res.write(archive.subarray(0, 1000), () => setTimeout(() => res.destroy(), 200));
        return;
      }
      res.end(archive);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('downloads, checks the MD5, extracts, reports progress, and then loadCifar10 reads it', async () => {
    const dir = join(tmp(), 'dl-fresh');
    const progress: DownloadProgress[] = [];
    const batches = await downloadCifar10({ dir, url: `${base}/cifar-10-binary.tar.gz`, md5, onProgress: (p) => progress.push(p) });
    expect(batches).toBe(join(dir, 'cifar-10-batches-bin'));
    expect(progress[0]).toEqual({ receivedBytes: 0, totalBytes: archive.length, resumedFrom: 0 });
    expect(progress.at(-1)).toEqual({ receivedBytes: archive.length, totalBytes: archive.length, resumedFrom: 0 });
    const t = await loadCifar10({ dir, split: 'test' });
    for (let i = 0; i < 4; i++) expectImage(t.images, i, 100 + i);
    // A second call finds the files and fetches nothing.
    const before = requests.length;
    await downloadCifar10({ dir, url: `${base}/cifar-10-binary.tar.gz`, md5 });
    expect(requests.length).toBe(before);
  });

  it('resumes a partial download with a Range request', async () => {
    const dir = join(tmp(), 'dl-resume');
    await mkdir(dir);
    await writeFile(join(dir, 'cifar-10-binary.tar.gz.part'), archive.subarray(0, 700));
    const progress: DownloadProgress[] = [];
    await downloadCifar10({ dir, url: `${base}/cifar-10-binary.tar.gz`, md5, onProgress: (p) => progress.push(p) });
    expect(requests.at(-1)?.range).toBe('bytes=700-');
    expect(progress[0]).toEqual({ receivedBytes: 700, totalBytes: archive.length, resumedFrom: 700 });
    expect((await stat(join(dir, 'cifar-10-binary.tar.gz'))).size).toBe(archive.length);
    expect((await loadCifar10({ dir, split: 'train' })).length).toBe(15);
  });

  it('keeps what arrived when the connection drops, and says to run again', async () => {
    const dir = join(tmp(), 'dl-drop');
    const error = (await downloadCifar10({ dir, url: `${base}/drops/cifar-10-binary.tar.gz`, md5 }).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/downloadCifar10: the download from .*drops\/cifar-10-binary\.tar\.gz (was interrupted after|ended after) \d+ .*run again to resume/);
    // The .part file holds exactly the bytes the message reports (1000 unless the socket lost the race).
    const received = Number(/after (\d+)/.exec(error.message)![1]);
    expect((await stat(join(dir, 'cifar-10-binary.tar.gz.part'))).size).toBe(received);
  });

  it('deletes a file with the wrong checksum and names both sums', async () => {
    const dir = join(tmp(), 'dl-md5');
    const wrong = '0123456789abcdef0123456789abcdef';
    await expect(downloadCifar10({ dir, url: `${base}/cifar-10-binary.tar.gz`, md5: wrong })).rejects.toThrow(
      new RegExp(`checksum mismatch for .*: expected md5 ${wrong}, got ${md5} \\(the file was deleted`),
    );
    await expect(stat(join(dir, 'cifar-10-binary.tar.gz.part'))).rejects.toThrow(/ENOENT/);
  });

  it('gives a clear error offline (unreachable host) and on an HTTP error', async () => {
    // A port that was just freed: nothing listens there, so the connection is refused, as offline.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(downloadCifar10({ dir: join(tmp(), 'dl-offline'), url: `http://127.0.0.1:${port}/cifar-10-binary.tar.gz` })).rejects.toThrow(
      new RegExp(`downloadCifar10: could not reach http://127\\.0\\.0\\.1:${port}/cifar-10-binary\\.tar\\.gz \\(ECONNREFUSED\\); download it by hand`),
    );
    await expect(downloadCifar10({ dir: join(tmp(), 'dl-404'), url: `${base}/missing.tar.gz` })).rejects.toThrow(/downloadCifar10: .*missing\.tar\.gz answered HTTP 404 Not Found/);
  });

  it('checks its options', async () => {
    await expect(downloadCifar10({ dir: tmp(), url: 'ftp://example.org/x.tar.gz' })).rejects.toThrow(/url must use http or https, got ftp:/);
    await expect(downloadCifar10({ dir: tmp(), url: `${base}/x.tar.gz`, md5: 'abc' })).rejects.toThrow(/md5 must be 32 hexadecimal digits, got "abc"/);
    await expect(downloadCifar10({ dir: '' })).rejects.toThrow(/downloadCifar10: dir must be a non-empty string/);
  });
});
