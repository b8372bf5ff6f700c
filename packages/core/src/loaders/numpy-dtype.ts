/**
 * The numpy element types bdst's `.npy` and pickle readers understand: little-endian (or
 * byte-order-free) unsigned bytes, 32- and 64-bit signed integers, 32- and 64-bit floats.
 */
export type NumpyDtype = 'u1' | 'i4' | 'i8' | 'f4' | 'f8';

/** The typed array each {@link NumpyDtype} is returned as (`i8` keeps its 64 bits as `BigInt64Array`). */
export type NumpyTypedArray = Uint8Array | Int32Array | BigInt64Array | Float32Array | Float64Array;

/** Bytes per element of each supported dtype. */
export const NUMPY_DTYPE_BYTES: Readonly<Record<NumpyDtype, number>> = { u1: 1, i4: 4, i8: 8, f4: 4, f8: 8 };

const SUPPORTED = Object.keys(NUMPY_DTYPE_BYTES) as NumpyDtype[];

/**
 * Parses a numpy dtype string such as `'|u1'`, `'<i8'`, `'<f4'` or a bare `'u1'` (as the pickled
 * `numpy.dtype('u1')` carries, with the byte order given separately in `byteOrder`).
 *
 * @param descr the type string (`descr` in a `.npy` header, or the first argument of `numpy.dtype`).
 * @param byteOrder the byte-order character when it is not part of `descr` (`'<'`, `'|'`, `'='`, `'>'`).
 * @param where prefix for error messages, e.g. `"readNpy: /data/x.npy"`.
 * @throws when the type is big-endian or not one of u1, i4, i8, f4, f8.
 */
export function parseNumpyDtype(descr: string, where: string, byteOrder?: string): NumpyDtype {
  let order = byteOrder ?? '';
  let name = descr;
  if (/^[<>|=]/.test(descr)) {
    order = descr[0];
    name = descr.slice(1);
  }
  if (!(SUPPORTED as string[]).includes(name)) {
    throw new Error(`${where}: unsupported dtype '${descr}'; expected one of ${SUPPORTED.map((d) => `'${d}'`).join(', ')} (little-endian)`);
  }
  if (order === '>' && name !== 'u1') {
    throw new Error(`${where}: dtype '${order}${name}' is big-endian; only little-endian ('<') data is supported (save it with arr.astype('<${name}'))`);
  }
  return name as NumpyDtype;
}

/**
 * Interprets raw little-endian bytes as a typed array of `dtype`. Returns a view (no copy) when
 * `bytes` is suitably aligned, else an aligned copy. `bytes.length` must be a multiple of the
 * element size.
 */
export function typedArrayFromBytes(bytes: Uint8Array, dtype: NumpyDtype): NumpyTypedArray {
  const size = NUMPY_DTYPE_BYTES[dtype];
  if (bytes.length % size !== 0) {
    throw new RangeError(`typedArrayFromBytes: ${bytes.length} bytes is not a whole number of ${dtype} elements (${size} bytes each)`);
  }
  if (dtype === 'u1') return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  const aligned = bytes.byteOffset % size === 0 ? bytes : bytes.slice();
  const n = bytes.length / size;
  switch (dtype) {
    case 'i4':
      return new Int32Array(aligned.buffer, aligned.byteOffset, n);
    case 'i8':
      return new BigInt64Array(aligned.buffer, aligned.byteOffset, n);
    case 'f4':
      return new Float32Array(aligned.buffer, aligned.byteOffset, n);
    case 'f8':
      return new Float64Array(aligned.buffer, aligned.byteOffset, n);
  }
}
