import type { ShardResult } from './shard-gradients.js';

/**
 * The messages {@link ReplicaPool} (main thread) and its replica workers (`replica-worker.ts`)
 * exchange. One request is in flight per worker at a time; every request gets exactly one reply
 * (its result or a {@link ReplicaFailure}).
 *
 * Protocol: `init` once (→ `ready`), then one `step` per batch (→ `gradients`); for inference,
 * `weights` once (→ `loaded`), then one `predict` per batch (→ `probabilities`). Packed weights
 * follow `model.weights` order; gradients `model.trainableWeights` order; moving statistics
 * `model.nonTrainableWeights` order — the worker's model is rebuilt from the main model's
 * topology, so the orders agree (`ready` reports the shapes, which the pool checks).
 */

/** Main → worker: build the replica model and start the backend. */
export interface ReplicaInit {
  type: 'init';
  /** `model.toJSON(null, false)` of the main model (Keras-style topology, no weights). */
  topology: object;
  /** The tfjs backend the main thread trains on; the worker uses the same, single-threaded. */
  backend: 'wasm' | 'cpu';
  /** Whether the main thread's WASM convolutions run on bdst's native kernels; the worker's do too. */
  nativeKernels: boolean;
}

/** Main → worker: compute the loss and gradients of one shard with these weights. */
export interface ReplicaStep {
  type: 'step';
  /**
   * Every weight of the model (trainable and moving statistics), `model.weights` order, packed
   * end to end; backed by a SharedArrayBuffer that all workers read and the pool rewrites only
   * between requests.
   */
  weights: Float32Array;
  /**
   * The shard's images, NHWC float32, `shape[0]` ≥ 1 images: a view of this worker's image
   * buffer (a SharedArrayBuffer the pool reuses; it rewrites it only between requests).
   */
  images: Float32Array;
  /** `[n, H, W, C]` of `images`. */
  shape: [number, number, number, number];
  /** n class indices. */
  labels: Int32Array;
  /**
   * Where the worker writes its result (a SharedArrayBuffer of this worker's, reused from step to
   * step): the gradients of `model.trainableWeights`, then the values of
   * `model.nonTrainableWeights` after the shard's forward, end to end (`shardGradients`).
   */
  out: Float32Array;
}

/** Main → worker: load these weights (`model.weights` order) for the `predict` requests that follow. */
export interface ReplicaWeights {
  type: 'weights';
  /** Packed as in {@link ReplicaStep.weights}. */
  weights: Float32Array;
}

/** Main → worker: softmax probabilities of a shard in inference mode, with the loaded weights. */
export interface ReplicaPredict {
  type: 'predict';
  /** The shard's images, NHWC float32 (a view of this worker's image buffer, as for `step`). */
  images: Float32Array;
  /** `[n, H, W, C]` of `images`. */
  shape: [number, number, number, number];
}

/** Worker → main: the weights of a {@link ReplicaWeights} are loaded. */
export interface ReplicaLoaded {
  type: 'loaded';
}

/** Worker → main: the result of a {@link ReplicaPredict}, `[n, numClasses]` row-major. */
export interface ReplicaProbabilities {
  type: 'probabilities';
  probabilities: Float32Array;
}

/** Worker → main: the replica is ready; its weight shapes in `model.weights` order. */
export interface ReplicaReady {
  type: 'ready';
  weightShapes: number[][];
  /** How many of the weights are trainable (the rest are moving statistics and frozen weights). */
  trainable: number;
}

/** Worker → main: a {@link ReplicaStep} is done; its gradients and moving statistics are in the step's `out`. */
export interface ReplicaGradients extends ShardResult {
  type: 'gradients';
}

/** Worker → main: the request failed. */
export interface ReplicaFailure {
  type: 'error';
  message: string;
}

/** What the main thread posts to a replica worker. */
export type ReplicaRequest = ReplicaInit | ReplicaStep | ReplicaWeights | ReplicaPredict;
/** What a replica worker posts back. */
export type ReplicaReply = ReplicaReady | ReplicaGradients | ReplicaLoaded | ReplicaProbabilities | ReplicaFailure;
