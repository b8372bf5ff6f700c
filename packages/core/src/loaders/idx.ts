import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';

const gunzipAsync = promisify(gunzip);

/** An array read by {@link readIdx}. */
export interface IdxArray {
  /** The unsigned bytes, in row-major order (a view into the file's or the decompressed bytes). */
  readonly data: Uint8Array;
  /** The dimensions from the header, e.g. `[60000, 28, 28]` for images, `[60000]` for labels. */
  readonly shape: readonly number[];
  /** The magic number: `0x803` for 3-D unsigned-byte arrays (images), `0x801` for 1-D (labels). */
  readonly magic: number;
}

const IDX_TYPE_NAMES: Record<number, string> = { 0x08: 'unsigned byte', 0x09: 'signed byte', 0x0b: 'int16', 0x0c: 'int32', 0x0d: 'float32', 0x0e: 'float64' };

/**
 * Reads an IDX file (the MNIST / Fashion-MNIST format), raw or gzip-compressed (detected by the
 * `1f 8b` gzip header, not the file name).
 *
 * The header is two zero bytes, the element type (only `0x08`, unsigned byte, is supported), the
 * number of dimensions, then each dimension as a big-endian uint32; the data follow. MNIST's
 * images have magic `0x00000803` (3 dims), its labels `0x00000801` (1 dim).
 *
 * @param path the IDX file (`train-images-idx3-ubyte`, `…-ubyte.gz`, …).
 * @throws naming the file when it is missing, a truncated or corrupt gzip stream, has a bad magic
 *   number or an unsupported element type, or holds fewer data bytes than its header declares.
 */
export async function readIdx(path: string): Promise<IdxArray> {
  if (typeof path !== 'string' || path.length === 0) throw new TypeError(`readIdx: path must be a non-empty string, got ${String(path)}`);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new Error(`readIdx: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = await gunzipAsync(bytes);
    } catch (e) {
      throw new Error(`readIdx: ${path} is a truncated or corrupt gzip file (${(e as Error).message})`);
    }
  }
  return parseIdx(bytes, path);
}

/** Parses the (already decompressed) bytes of an IDX file; see {@link readIdx}. `name` is used in errors. */
export function parseIdx(bytes: Uint8Array, name = '<bytes>'): IdxArray {
  const where = `readIdx: ${name}`;
  if (bytes.length < 4) throw new Error(`${where} is truncated: ${bytes.length} bytes, shorter than the 4-byte IDX magic number`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  const type = bytes[2];
  const rank = bytes[3];
  if (bytes[0] !== 0 || bytes[1] !== 0 || !(type in IDX_TYPE_NAMES) || rank === 0) {
    throw new Error(`${where}: bad magic number 0x${magic.toString(16).padStart(8, '0')}; expected an IDX file (0x00000803 for images, 0x00000801 for labels)`);
  }
  if (type !== 0x08) {
    throw new Error(`${where}: unsupported IDX element type 0x${type.toString(16).padStart(2, '0')} (${IDX_TYPE_NAMES[type]}); only unsigned byte (0x08) is supported`);
  }
  const dataStart = 4 + 4 * rank;
  if (bytes.length < dataStart) throw new Error(`${where} is truncated: it ends inside the header (${bytes.length} of ${dataStart} bytes)`);
  const shape: number[] = [];
  for (let d = 0; d < rank; d++) shape.push(view.getUint32(4 + 4 * d, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const available = bytes.length - dataStart;
  if (available < count) {
    throw new Error(`${where} is truncated: the header declares shape [${shape.join(', ')}] = ${count} bytes of data but only ${available} follow`);
  }
  const data = new Uint8Array(bytes.buffer, bytes.byteOffset + dataStart, count);
  return { data, shape, magic };
}
