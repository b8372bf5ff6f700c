/**
 * Converts integer class labels read from a file (uint8, int32 or int64) to the `Int32Array`
 * an {@link ImageDataset} holds, checking each is a class index in [0, numClasses).
 *
 * @param values the labels as read (a `BigInt64Array` for numpy int64).
 * @param numClasses the number of classes; every label must be below it.
 * @param where prefix for error messages, naming the file, e.g. `"loadNpyImages: labels.npy"`.
 * @throws naming the first label outside [0, numClasses) and its index.
 */
export function classLabels(values: Uint8Array | Int32Array | BigInt64Array, numClasses: number, where: string): Int32Array {
  const n = values.length;
  const out = new Int32Array(n);
  if (values instanceof BigInt64Array) {
    const max = BigInt(numClasses);
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (v < 0n || v >= max) throw labelError(where, i, String(v), numClasses);
      out[i] = Number(v);
    }
    return out;
  }
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v < 0 || v >= numClasses) throw labelError(where, i, String(v), numClasses);
    out[i] = v;
  }
  return out;
}

function labelError(where: string, i: number, value: string, numClasses: number): Error {
  return new Error(`${where}: label ${i} is ${value}, outside the class range [0, ${numClasses})`);
}
