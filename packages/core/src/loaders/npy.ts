import { readFile } from 'node:fs/promises';
import { NUMPY_DTYPE_BYTES, parseNumpyDtype, typedArrayFromBytes, type NumpyDtype, type NumpyTypedArray } from './numpy-dtype.js';

/** An array read by {@link readNpy}: its elements in C (row-major) order, shape and dtype. */
export interface NpyArray {
  /** The elements, C order; a view into the file's bytes when aligned (always for `u1`). */
  readonly data: NumpyTypedArray;
  /** The array's shape (`[]` for a scalar). */
  readonly shape: readonly number[];
  /** The element type (`u1`, `i4`, `i8`, `f4` or `f8`). */
  readonly dtype: NumpyDtype;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/**
 * Reads a numpy `.npy` file (format versions 1.0, 2.0 and 3.0) as written by `numpy.save`.
 *
 * Supported: little-endian `u1`, `i4`, `i8`, `f4`, `f8` in C order. Fortran-order arrays, other
 * dtypes, big-endian data and object arrays are refused with an error naming the file. `i8`
 * comes back as a `BigInt64Array`, `f8` as a `Float64Array`.
 *
 * @param path the `.npy` file.
 * @throws when the file is missing, truncated, not a `.npy` file, or holds an unsupported array.
 */
export async function readNpy(path: string): Promise<NpyArray> {
  if (typeof path !== 'string' || path.length === 0) throw new TypeError(`readNpy: path must be a non-empty string, got ${String(path)}`);
  let file: Buffer;
  try {
    file = await readFile(path);
  } catch (e) {
    throw new Error(`readNpy: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return parseNpy(file, path);
}

/**
 * Parses the bytes of a `.npy` file (see {@link readNpy}); `name` is used in error messages.
 * The returned `data` is a view into `bytes` whenever alignment allows.
 */
export function parseNpy(bytes: Uint8Array, name = '<bytes>'): NpyArray {
  const where = `readNpy: ${name}`;
  if (bytes.length < 10 || !MAGIC.every((b, i) => bytes[i] === b)) {
    throw new Error(`${where} is not a .npy file (bad magic number: expected \\x93NUMPY, got ${hex(bytes.subarray(0, 6))})`);
  }
  const major = bytes[6];
  const minor = bytes[7];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLength: number;
  let headerStart: number;
  if (major === 1) {
    headerLength = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new Error(`${where} is truncated: it ends inside the .npy preamble (${bytes.length} bytes)`);
    headerLength = view.getUint32(8, true);
    headerStart = 12;
  } else {
    throw new Error(`${where}: unsupported .npy format version ${major}.${minor}; expected 1.0, 2.0 or 3.0`);
  }
  const dataStart = headerStart + headerLength;
  if (bytes.length < dataStart) {
    throw new Error(`${where} is truncated: the header declares ${headerLength} bytes but the file has ${bytes.length - headerStart} after the preamble`);
  }
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, dataStart));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new Error(`${where}: malformed .npy header (expected 'descr', 'fortran_order' and 'shape'): ${header.trim()}`);
  }
  const dtype = parseNumpyDtype(descr, where);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      const d = Number(s.replace(/L$/, ''));
      if (!Number.isInteger(d) || d < 0) throw new Error(`${where}: malformed shape (${shapeText}) in the .npy header`);
      return d;
    });
  const count = shape.reduce((a, b) => a * b, 1);
  if (fortran === 'True' && shape.filter((d) => d > 1).length > 1) {
    throw new Error(`${where}: the array is stored in Fortran order, which is not supported; save it in C order (numpy.ascontiguousarray(x))`);
  }
  const needed = count * NUMPY_DTYPE_BYTES[dtype];
  const available = bytes.length - dataStart;
  if (available < needed) {
    throw new Error(`${where} is truncated: shape (${shape.join(', ')}) of '${descr}' needs ${needed} bytes of data but only ${available} follow the header`);
  }
  const data = typedArrayFromBytes(bytes.subarray(dataStart, dataStart + needed), dtype);
  return { data, shape, dtype };
}

function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ') || '(empty file)';
}
