import * as tf from '@tensorflow/tfjs-core';

/** The part of tfjs-backend-wasm's `BackendWasm` this file uses (a view of a tensor in its heap). */
interface HeapBackend {
  typedArrayFromHeap(tensor: tf.Tensor): Float32Array;
}

function heapBackend(): HeapBackend | null {
  const backend = tf.backend() as unknown as Partial<HeapBackend>;
  return typeof backend.typedArrayFromHeap === 'function' ? (backend as HeapBackend) : null;
}

/**
 * Runs `read` on the float32 values of `tensor` without copying them to a new host array: on the
 * WASM backend `values` is a view of the tensor in the WebAssembly heap, elsewhere what
 * `dataSync()` returns (the CPU backend's own storage). The view is valid only during `read`,
 * which must not call tfjs (an allocation may grow the heap and detach it) nor write to `values`.
 *
 * {@link ReplicaPool} moves images, weights, gradients and moving statistics between threads
 * through buffers it allocates once; reading them with `data()` instead allocated fresh host
 * arrays every step (~4 MB a step for smallCnn 16-32-64 at batch 128, ~200 MB for ResNet-18),
 * which made V8 run a full garbage collection every few steps on the main thread.
 */
export function readHostValues<T>(tensor: tf.Tensor, read: (values: Float32Array) => T): T {
  if (tensor.dtype !== 'float32') throw new Error(`readHostValues: expected a float32 tensor, but got ${tensor.dtype}`);
  const heap = heapBackend();
  return read(heap ? heap.typedArrayFromHeap(tensor) : (tensor.dataSync() as Float32Array));
}

/**
 * Copies the values of `tensors` into `target`, end to end from `offset` (with
 * {@link readHostValues}: no host array allocated); returns the offset after the last.
 */
export function copyTensorsToHost(tensors: readonly tf.Tensor[], target: Float32Array, offset = 0): number {
  let at = offset;
  for (const tensor of tensors) {
    if (at + tensor.size > target.length) throw new Error(`copyTensorsToHost: ${tensor.size} values from offset ${at} overrun a buffer of ${target.length}`);
    readHostValues(tensor, (values) => target.set(values, at));
    at += tensor.size;
  }
  return at;
}

/**
 * A float32 tensor holding a copy of `values`, so the caller may overwrite `values` afterwards
 * (the WASM backend copies into its heap; the CPU backend would keep `values` itself, so it gets a
 * copy made here).
 */
export function tensorFromHostCopy(values: Float32Array, shape: readonly number[]): tf.Tensor {
  return tf.tensor(heapBackend() ? values : values.slice(), shape as number[], 'float32');
}
