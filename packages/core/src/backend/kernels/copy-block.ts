/** A typed view of tensor values in the WebAssembly heap (float32, int32 or bool). */
export type HeapValues = Float32Array | Int32Array | Uint8Array;

/**
 * Copies `length` contiguous values from `source[from…]` to `target[to…]` (both the same kind of
 * view): `TypedArray.set` for 16 values or more, a plain loop below that, where creating the
 * subarray would cost more than the copy. The inner step of the wasm fast paths that move whole
 * slices (`Transpose`, `GatherV2`, `Reverse`).
 */
export function copyBlock(source: HeapValues, target: HeapValues, from: number, to: number, length: number): void {
  if (length >= 16) target.set(source.subarray(from, from + length), to);
  else for (let k = 0; k < length; k++) target[to + k] = source[from + k];
}
