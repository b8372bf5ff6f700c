import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { access, mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar';
import { CIFAR10_BATCHES_DIR, CIFAR10_FILES } from './cifar10.js';

/** The official CIFAR-10 binary archive (about 162 MiB). */
export const CIFAR10_URL = 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz';

/** MD5 of the archive at {@link CIFAR10_URL}, as published on the CIFAR-10 page. */
export const CIFAR10_MD5 = 'c32a1d4ab5d03f1284b67883e8d87530';

/** What {@link DownloadCifar10Options.onProgress} receives, once when the transfer starts and after each chunk. */
export interface DownloadProgress {
  /** Bytes of the archive on disk so far, counting a resumed partial file. */
  readonly receivedBytes: number;
  /** The archive's full size when the server says it (Content-Length / Content-Range), else undefined. */
  readonly totalBytes: number | undefined;
  /** Bytes that were already on disk in the `.part` file when this transfer started (0 for a fresh one). */
  readonly resumedFrom: number;
}

/** Options of {@link downloadCifar10}. */
export interface DownloadCifar10Options {
  /** Directory to download into; the archive extracts to `dir/cifar-10-batches-bin/`. Created if missing. */
  dir: string;
  /** Where to fetch the archive (http or https); default {@link CIFAR10_URL}. Mirrors and tests override it. */
  url?: string;
  /**
   * Expected MD5 of the archive (32 hex digits). Default: {@link CIFAR10_MD5} for the default
   * url, none (no check) for a custom url.
   */
  md5?: string;
  /** Aborts the transfer; the partial `.part` file is kept, and the next call resumes it. */
  signal?: AbortSignal;
  /** Called with the progress of the transfer (bytes on disk, total when known). */
  onProgress?: (progress: DownloadProgress) => void;
}

/**
 * Downloads and extracts the CIFAR-10 binary archive so {@link loadCifar10} can read it, and
 * returns the directory holding the batch files (`dir/cifar-10-batches-bin`).
 *
 * Does nothing when the six batch files are already there. Otherwise fetches `url` with Node's
 * `fetch` into `<archive>.part`, resuming an existing partial file with an HTTP Range request
 * (starting over when the server ignores it), checks the MD5, renames it to the archive name
 * (the url's last path segment) and extracts it with the `tar` package. The archive is kept, so
 * a later call extracts again without downloading.
 *
 * @throws `downloadCifar10: could not reach <url> (…)` when offline or the host is unreachable;
 *   on an HTTP error status; on a checksum mismatch (the bad file is deleted); when extraction
 *   fails or the archive lacks the batch files. An abort rejects with the signal's reason.
 */
export async function downloadCifar10(options: DownloadCifar10Options): Promise<string> {
  const { dir, url = CIFAR10_URL, signal, onProgress } = options ?? ({} as DownloadCifar10Options);
  if (typeof dir !== 'string' || dir.length === 0) throw new TypeError(`downloadCifar10: dir must be a non-empty string, got ${String(dir)}`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`downloadCifar10: url must be an absolute http(s) URL, got ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new TypeError(`downloadCifar10: url must use http or https, got ${parsed.protocol}`);
  const md5 = options.md5 ?? (url === CIFAR10_URL ? CIFAR10_MD5 : undefined);
  if (md5 !== undefined && !/^[0-9a-fA-F]{32}$/.test(md5)) throw new TypeError(`downloadCifar10: md5 must be 32 hexadecimal digits, got ${JSON.stringify(md5)}`);
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new TypeError('downloadCifar10: signal must be an AbortSignal');
  if (onProgress !== undefined && typeof onProgress !== 'function') throw new TypeError('downloadCifar10: onProgress must be a function');

  const batchesDir = join(dir, CIFAR10_BATCHES_DIR);
  const allFiles = [...CIFAR10_FILES.train, ...CIFAR10_FILES.test];
  if (await allExist(batchesDir, allFiles)) return batchesDir;
  await mkdir(dir, { recursive: true });

  const archive = join(dir, basename(decodeURIComponent(parsed.pathname)) || 'cifar-10-binary.tar.gz');
  const part = `${archive}.part`;
  let haveArchive = await exists(archive);
  if (haveArchive && md5 !== undefined && (await fileMd5(archive)) !== md5.toLowerCase()) {
    await unlink(archive);
    haveArchive = false;
  }
  if (!haveArchive) {
    signal?.throwIfAborted();
    await fetchResumable(url, part, signal, onProgress);
    if (md5 !== undefined) {
      const actual = await fileMd5(part);
      if (actual !== md5.toLowerCase()) {
        await unlink(part);
        throw new Error(`downloadCifar10: checksum mismatch for ${url}: expected md5 ${md5.toLowerCase()}, got ${actual} (the file was deleted; run again to download it afresh)`);
      }
    }
    await rename(part, archive);
  }

  try {
    await tar.x({ file: archive, cwd: dir });
  } catch (e) {
    throw new Error(`downloadCifar10: cannot extract ${archive} (${(e as Error).message})`);
  }
  const missing: string[] = [];
  for (const f of allFiles) if (!(await exists(join(batchesDir, f)))) missing.push(f);
  if (missing.length > 0) {
    throw new Error(`downloadCifar10: ${archive} did not contain ${CIFAR10_BATCHES_DIR}/ with ${missing.join(', ')}; is it the CIFAR-10 binary version?`);
  }
  return batchesDir;
}

/** Fetches `url` into `part`, appending to an existing partial file when the server honours a Range request. */
async function fetchResumable(url: string, part: string, signal: AbortSignal | undefined, onProgress: DownloadCifar10Options['onProgress']): Promise<void> {
  const existing = (await exists(part)) ? (await stat(part)).size : 0;
  let response: Response;
  try {
    response = await fetch(url, { headers: existing > 0 ? { Range: `bytes=${existing}-` } : {}, signal });
  } catch (e) {
    if (signal?.aborted) throw signal.reason;
    throw new Error(`downloadCifar10: could not reach ${url} (${describeFetchError(e)}); download it by hand and pass --data-dir`);
  }
  if (response.status === 416 && existing > 0) {
    // The partial file already holds every byte the server has; the checksum decides.
    await response.body?.cancel();
    return;
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    throw new Error(`downloadCifar10: ${url} answered HTTP ${response.status} ${response.statusText}`.trimEnd());
  }
  const resumed = response.status === 206 && existing > 0 && rangeStart(response) === existing;
  if (response.status === 206 && !resumed) {
    await response.body.cancel();
    throw new Error(`downloadCifar10: ${url} answered a partial response (${response.headers.get('content-range')}) that does not continue the ${existing} bytes on disk; delete ${part} and run again`);
  }
  const start = resumed ? existing : 0;
  const totalBytes = totalSize(response, start);
  const handle = await open(part, resumed ? 'a' : 'w');
  let received = start;
  try {
    onProgress?.({ receivedBytes: received, totalBytes, resumedFrom: start });
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      await handle.write(chunk);
      received += chunk.length;
      onProgress?.({ receivedBytes: received, totalBytes, resumedFrom: start });
    }
  } catch (e) {
    if (signal?.aborted) throw signal.reason;
    throw new Error(`downloadCifar10: the download from ${url} was interrupted after ${received} bytes (${describeFetchError(e)}); run again to resume`);
  } finally {
    await handle.close();
  }
  if (totalBytes !== undefined && received !== totalBytes) {
    throw new Error(`downloadCifar10: the download from ${url} ended after ${received} of ${totalBytes} bytes; run again to resume`);
  }
}

function rangeStart(response: Response): number | undefined {
  const m = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(response.headers.get('content-range') ?? '');
  return m ? Number(m[1]) : undefined;
}

function totalSize(response: Response, start: number): number | undefined {
  const range = /\/(\d+)$/.exec(response.headers.get('content-range') ?? '');
  if (range) return Number(range[1]);
  const length = response.headers.get('content-length');
  return length !== null && /^\d+$/.test(length) ? start + Number(length) : undefined;
}

function describeFetchError(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (e as Error).message ?? String(e);
}

async function fileMd5(path: string): Promise<string> {
  const hash = createHash('md5');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

async function allExist(dir: string, files: readonly string[]): Promise<boolean> {
  for (const f of files) if (!(await exists(join(dir, f)))) return false;
  return true;
}
