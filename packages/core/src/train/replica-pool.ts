import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { ReplicaGradients, ReplicaProbabilities, ReplicaReady, ReplicaReply, ReplicaRequest } from './replica-messages.js';
import { nativeConvolutionKernelsEnabled } from '../backend/native-convolution-kernels.js';
import { checkBatchForModel } from './batch-check.js';
import { replicasOnBackend } from './replica-count.js';
import { replicaWorkerEntry, type ReplicaWorkerEntry } from './replica-worker-entry.js';
import { SgdMomentum } from './sgd-momentum.js';
import { copyTensorsToHost, readHostValues, tensorFromHostCopy } from './host-values.js';
import { shardGradients, shardValueCount, type ShardResult } from './shard-gradients.js';
import { shardSizes } from './shard-sizes.js';
import type { TrainStepResult } from './train-step.js';

/** Options of {@link ReplicaPool.start}. */
export interface ReplicaPoolOptions {
  /** The model to train; the pool updates its weights in place (the main thread's replica). */
  model: tfl.LayersModel;
  /**
   * Applies the combined gradients on the main thread (its `lr` may change between steps).
   * Required for {@link ReplicaPool.step}; a pool without one serves inference only
   * ({@link ReplicaPool.probabilities}).
   */
  optimizer?: SgdMomentum | null;
  /**
   * Data-parallel replicas, including the main thread: an integer ≥ 1 (1 = no worker; the step
   * then equals {@link trainStep}). One per CPU core is the useful maximum.
   */
  replicas: number;
}

/** One worker thread and the request it is answering (one at a time). */
interface Replica {
  worker: Worker;
  /** The backend its model runs on (a parked worker serves only pools on the same one). */
  backend: 'wasm' | 'cpu';
  /** Its replica number in the pool it serves (1 …), for error messages. */
  index: number;
  pending: { resolve: (reply: ReplicaReply) => void; reject: (error: Error) => void } | null;
  /** Set once the worker exited or failed; later requests are refused with it. */
  failure: Error | null;
}

/**
 * Workers of terminated pools, parked (idle, unref'd) for the next {@link ReplicaPool.start} on
 * the same backend, which rebuilds its model in them: starting a worker — a thread, the
 * `@bdst/core` and tfjs modules, the WebAssembly backend — and warming its compiled code costs
 * ~0.3–0.4 s plus a first step ~0.3 s slower than the next (smallCnn, this 2-core VM, built
 * packages), paid by every `train({ replicas })` / `predict({ replicas })` call without it.
 */
const parkedWorkers: Replica[] = [];

/** At most this many parked workers (one per core is all a pool uses). */
const MAX_PARKED_WORKERS = Math.max(1, availableParallelism());

/**
 * Data-parallel training on worker threads: `replicas − 1` `worker_threads` Workers, each with a
 * copy of the model on its own single-threaded backend (the main thread's backend, 'wasm' or
 * 'cpu'), and the main thread as replica 0. {@link ReplicaPool.step} is {@link trainStep} with the
 * batch split over the replicas, so it uses several cores even where the kernels use one
 * (`train({ replicas })` runs on it):
 *
 * 1. the batch of B images is cut into contiguous shards ({@link shardSizes}: sizes differ by at
 *    most one, the first larger); shard 0 stays on the main thread, shard r goes to worker r,
 *    together with all the model's current weights (`model.weights`, packed into one
 *    SharedArrayBuffer that every worker reads). Images, weights, gradients and moving
 *    statistics cross between threads through SharedArrayBuffers the pool allocates once and
 *    reuses, copied straight from and to the tensors' storage: a step allocates no host arrays
 *    (which kept V8 collecting the main thread's heap every few steps);
 * 2. every replica computes the mean cross-entropy of its shard and its gradients in training
 *    mode, concurrently;
 * 3. the main thread combines the gradients weighted by shard size, Σ n_r·g_r / B (in float64, in
 *    replica order, rounded once to float32) — the gradient of the full batch's mean loss up to
 *    float rounding — and applies `optimizer` to its model;
 * 4. the BatchNorm moving mean / variance become the same size-weighted mean of the replicas'
 *    updated values. As in PyTorch DistributedDataParallel without SyncBatchNorm, BatchNorm
 *    normalizes each shard with that shard's own batch statistics, so a model with BatchNorm
 *    trains like one with a smaller BatchNorm batch (same expectation, slightly more noise);
 *    without BatchNorm the step equals the single-thread step up to rounding.
 *
 * Deterministic: for a fixed replica count the shards, the kernels (single-threaded) and the order
 * of every sum are fixed, so the weights are bit-identical run to run.
 *
 * Workers are `unref`'d while idle (an idle pool never keeps the process alive) and ref'd while a
 * request is in flight. Call {@link ReplicaPool.terminate} when done: it parks the workers for the
 * next pool (the model is rebuilt in them; every step sends all weights, so nothing of the earlier
 * model carries over — the results are bit-identical to fresh workers'), which saves each later
 * `train({ replicas })` / `predict({ replicas })` call the worker start;
 * {@link ReplicaPool.stopParkedWorkers} ends them. A worker that crashes fails the pending step
 * with an error naming it, and the pool refuses further steps.
 *
 * @example
 * const pool = await ReplicaPool.start({ model, optimizer, replicas: 2 });
 * try { for (const { images, labels } of batches) await pool.step(images, labels); } finally { await pool.terminate(); }
 */
export class ReplicaPool {
  /** Replicas including the main thread. */
  readonly replicas: number;
  private readonly model: tfl.LayersModel;
  private readonly optimizer: SgdMomentum | null;
  private readonly workers: Replica[];
  private busy = false;
  private terminated = false;
  private weightsLoaded = false;
  /** The weights as last packed for the workers (see {@link ReplicaPool.sharedWeights}). */
  private weightBuffer: Float32Array | null = null;
  /**
   * Per worker (same order as `workers`): its image buffer and its result buffer, on
   * SharedArrayBuffers reused from step to step (see {@link ReplicaPool.postShards}); null until
   * first needed.
   */
  private readonly imageBuffers: Array<Float32Array | null> = [];
  private readonly outBuffers: Array<Float32Array | null> = [];
  /** Shard 0's gradients and moving statistics, and the combined ones; reused from step to step. */
  private localOut: Float32Array | null = null;
  private combined: Float32Array | null = null;

  private constructor(options: ReplicaPoolOptions, workers: Replica[]) {
    this.replicas = options.replicas;
    this.model = options.model;
    this.optimizer = options.optimizer ?? null;
    this.workers = workers;
  }

  /**
   * Takes `replicas − 1` workers — parked ones on the active backend first (see
   * {@link ReplicaPool.terminate}), new ones for the rest — and builds the model in each (from
   * `model.toJSON()`, so any model of standard tfjs-layers layers); resolves when all are ready.
   *
   * @throws Error naming the bad option; when the active backend is neither 'wasm' nor 'cpu'
   *   (native TensorFlow already uses every core); when a worker cannot start.
   */
  static async start(options: ReplicaPoolOptions): Promise<ReplicaPool> {
    if (options === null || typeof options !== 'object') throw new Error(`Error in ReplicaPool.start: options must be an object { model, optimizer, replicas }, but got ${String(options)}`);
    const { model, optimizer, replicas } = options;
    if (!(model instanceof tfl.LayersModel)) throw new Error(`Error in ReplicaPool.start: options.model must be a tf.LayersModel, but got ${String(model)}`);
    if (optimizer != null && !(optimizer instanceof SgdMomentum)) throw new Error(`Error in ReplicaPool.start: options.optimizer must be an SgdMomentum (or omitted for inference), but got ${String(optimizer)}`);
    if (!Number.isInteger(replicas) || replicas < 1) throw new Error(`Error in ReplicaPool.start: options.replicas must be an integer ≥ 1, but got ${String(replicas)}`);
    const backend = tf.getBackend();
    replicasOnBackend('ReplicaPool.start', { replicas, fromEnv: false }, backend);
    const workers: Replica[] = [];
    const pool = new ReplicaPool(options, workers);
    if (replicas === 1) return pool;
    try {
      let entry: ReplicaWorkerEntry | null = null;
      for (let r = 1; r < replicas; r++) workers.push(unpark(backend as 'wasm' | 'cpu', r) ?? spawn((entry ??= replicaWorkerEntry()), r, backend as 'wasm' | 'cpu'));
      const topology = model.toJSON(null, false) as object;
      const init: ReplicaRequest = { type: 'init', topology, backend: backend as 'wasm' | 'cpu', nativeKernels: backend === 'wasm' && nativeConvolutionKernelsEnabled() };
      const readies = await Promise.all(workers.map((w) => request(w, init, [])));
      const shapes = model.weights.map((w) => w.shape.join('×')).join(', ');
      readies.forEach((ready, i) => {
        const { weightShapes, trainable } = ready as ReplicaReady;
        if (weightShapes.map((s) => s.join('×')).join(', ') !== shapes || trainable !== model.trainableWeights.length) {
          throw new Error(`Error in ReplicaPool.start: replica ${i + 1} rebuilt the model with other weights ([${weightShapes.map((s) => s.join('×')).join(', ')}] vs [${shapes}])`);
        }
      });
    } catch (error) {
      pool.terminated = true;
      await Promise.all(workers.map((w) => w.worker.terminate()));
      throw error;
    }
    return pool;
  }

  /**
   * One data-parallel training step (see the class doc): splits the batch over the replicas,
   * combines their gradients and BatchNorm statistics, and applies one optimizer update to the
   * model. Same contract as {@link trainStep}: disposes everything it creates, the caller still
   * owns `images`; one step at a time.
   *
   * @param images NHWC float32 in [0, 1], `[B, H, W, C]` matching the model input, B ≥ 1.
   * @param labels B class indices in [0, numClasses).
   * @returns the mean cross-entropy over the batch and the correct count, before the update.
   */
  async step(images: tf.Tensor4D, labels: Int32Array): Promise<TrainStepResult> {
    if (this.terminated) throw new Error('Error in ReplicaPool.step: the pool was terminated');
    if (this.busy) throw new Error('Error in ReplicaPool.step: a step is already running (await it before the next)');
    if (!(images instanceof tf.Tensor) || images.rank !== 4) throw new Error(`Error in ReplicaPool.step: images must be a rank-4 NHWC tensor, but got ${images instanceof tf.Tensor ? `rank ${images.rank}` : String(images)}`);
    if (!(labels instanceof Int32Array) || labels.length !== images.shape[0]) {
      throw new Error(`Error in ReplicaPool.step: labels must be an Int32Array with one label per image (${images.shape[0]}), but got ${labels instanceof Int32Array ? `length ${labels.length}` : String(labels)}`);
    }
    if (images.dtype !== 'float32') throw new Error(`Error in ReplicaPool.step: images must be float32, but got ${images.dtype}`);
    if (images.shape[0] < 1) throw new Error('Error in ReplicaPool.step: images must hold at least one image, but the batch is empty');
    if (this.optimizer === null) throw new Error('Error in ReplicaPool.step: this pool was started without an optimizer (inference only)');
    checkBatchForModel('ReplicaPool.step', this.model, images, labels); // before the split: errors name the whole batch
    this.busy = true;
    try {
      return await this.stepNow(images, labels);
    } finally {
      this.busy = false;
    }
  }

  /**
   * Sends the model's current weights to the workers for the {@link ReplicaPool.probabilities}
   * calls that follow (call it again after the weights change). Resolves when all have loaded them.
   */
  async loadWeights(): Promise<void> {
    this.checkIdle('loadWeights');
    this.busy = true;
    try {
      const weights = this.sharedWeights();
      await settleAll(this.workers.map((replica) => request(replica, { type: 'weights', weights }, [])));
      this.weightsLoaded = true;
    } finally {
      this.busy = false;
    }
  }

  /**
   * Softmax probabilities of `images` in inference mode (BatchNorm on its moving statistics),
   * `[B, numClasses]` row-major on the host: the batch is split into the same contiguous shards
   * as {@link ReplicaPool.step}, shard 0 on this thread, the others on the workers with the
   * weights of the last {@link ReplicaPool.loadWeights}. Per image the same computation as one
   * thread's (inference does not mix the images of a batch). The caller still owns `images`.
   */
  async probabilities(images: tf.Tensor4D): Promise<Float32Array> {
    this.checkIdle('probabilities');
    if (!(images instanceof tf.Tensor) || images.rank !== 4) throw new Error(`Error in ReplicaPool.probabilities: images must be a rank-4 NHWC tensor, but got ${images instanceof tf.Tensor ? `rank ${images.rank}` : String(images)}`);
    if (images.dtype !== 'float32') throw new Error(`Error in ReplicaPool.probabilities: images must be float32, but got ${images.dtype}`);
    if (this.workers.length > 0 && !this.weightsLoaded) throw new Error('Error in ReplicaPool.probabilities: call loadWeights() first');
    this.busy = true;
    try {
      const batch = images.shape[0];
      const sizes = shardSizes(batch, this.replicas);
      const remote = this.postShards(images, sizes, (shard, shape) => ({ message: { type: 'predict', images: shard, shape }, transfer: [] }));
      const local = await alongside(remote, async () => {
        const probs = tf.tidy(() => {
          const shard = sizes[0] === batch ? images : tf.slice(images, 0, sizes[0]);
          return tf.softmax(this.model.apply(shard, { training: false }) as tf.Tensor2D);
        });
        try {
          return (await probs.data()) as Float32Array;
        } finally {
          probs.dispose();
        }
      });
      const replies = (await settleAll(remote)) as Array<ReplicaProbabilities | null>;
      const numClasses = this.model.outputs[0].shape[1] as number;
      const out = new Float32Array(batch * numClasses);
      out.set(local, 0);
      let at = local.length;
      for (const reply of replies) {
        if (!reply) continue;
        out.set(reply.probabilities, at);
        at += reply.probabilities.length;
      }
      return out;
    } finally {
      this.busy = false;
    }
  }

  /**
   * Ends this pool (idempotent; later calls of its methods throw). Its healthy, idle workers are
   * parked for the next {@link ReplicaPool.start} on the same backend (they are unref'd: they do
   * not keep the process alive); a worker that failed, is still answering, or exceeds one per
   * core is stopped. {@link ReplicaPool.stopParkedWorkers} stops the parked ones, e.g. to free
   * their memory (each holds its model and its WebAssembly heap).
   */
  async terminate(): Promise<void> {
    if (this.terminated) return;
    this.terminated = true;
    const stopping: Array<Promise<number>> = [];
    for (const replica of this.workers) {
      if (replica.failure === null && replica.pending === null && parkedWorkers.length < MAX_PARKED_WORKERS) parkedWorkers.push(replica);
      else stopping.push(replica.worker.terminate());
    }
    await Promise.all(stopping);
  }

  /** Stops every parked worker (see {@link ReplicaPool.terminate}); the next start spawns new ones. */
  static async stopParkedWorkers(): Promise<void> {
    const parked = parkedWorkers.splice(0);
    await Promise.all(parked.map((replica) => replica.worker.terminate()));
  }

  /** How many workers are parked for reuse now (see {@link ReplicaPool.terminate}). */
  static parkedWorkerCount(): number {
    return parkedWorkers.length;
  }

  /**
   * Posts shard r ≥ 1 of `images` (contiguous, sizes `sizes`) to worker r as the request `build`
   * makes of it; an empty shard gets no request (null). Each shard is copied from the tensor's
   * storage ({@link readHostValues}) into worker r's image buffer, a SharedArrayBuffer kept from
   * request to request and rewritten only while the worker is idle, and posted as a view of it:
   * reading the batch with `data()` and transferring a slice allocated ~2.4 MB of host arrays per
   * 128-image CIFAR batch, which (with the gradients read the same way) made V8 collect the main
   * thread's heap every few steps. Returns the pending replies in replica order (empty when only
   * shard 0 holds images). A reply's rejection is left for the caller to collect.
   */
  private postShards(
    images: tf.Tensor4D,
    sizes: number[],
    build: (shard: Float32Array, shape: [number, number, number, number], offset: number, worker: number) => { message: ReplicaRequest; transfer: ArrayBuffer[] },
  ): Array<Promise<ReplicaReply> | null> {
    if (sizes.length < 2 || sizes[1] === 0) return [];
    const [, h, w, c] = images.shape;
    const pixels = h * w * c;
    const shards = this.workers.map((_, i) => (sizes[i + 1] === 0 ? null : sharedBuffer(this.imageBuffers, i, sizes[i + 1] * pixels)));
    readHostValues(images, (values) => {
      let offset = sizes[0] * pixels;
      shards.forEach((shard) => {
        if (shard === null) return;
        shard.set(values.subarray(offset, offset + shard.length));
        offset += shard.length;
      });
    });
    let offset = sizes[0];
    return this.workers.map((replica, i) => {
      const shard = shards[i];
      if (shard === null) return null;
      const n = sizes[i + 1];
      const { message, transfer } = build(shard, [n, h, w, c], offset, i);
      offset += n;
      const reply = request(replica, message, transfer);
      reply.catch(() => undefined); // collected by the caller; a worker may fail before shard 0 is done
      return reply;
    });
  }

  /**
   * The model's current weights (`model.weights` order) packed into one float32 buffer on a
   * SharedArrayBuffer, reused from step to step: workers read it in place (it is rewritten only
   * when no request is in flight). Posting the weights as arrays instead cost a structured-clone
   * copy per step — ~0.15–0.27 s of ResNet-18's 45 MB, measured — before any worker could start.
   */
  private sharedWeights(): Float32Array {
    const total = this.model.weights.reduce((sum, v) => sum + tf.util.sizeFromShape(v.shape as number[]), 0);
    if (this.weightBuffer === null || this.weightBuffer.length !== total) this.weightBuffer = new Float32Array(new SharedArrayBuffer(total * 4));
    copyTensorsToHost(this.model.weights.map((v) => v.read()), this.weightBuffer);
    return this.weightBuffer;
  }

  private checkIdle(method: string): void {
    if (this.terminated) throw new Error(`Error in ReplicaPool.${method}: the pool was terminated`);
    if (this.busy) throw new Error(`Error in ReplicaPool.${method}: another call is running (await it first)`);
  }

  private async stepNow(images: tf.Tensor4D, labels: Int32Array): Promise<TrainStepResult> {
    const batch = images.shape[0];
    const sizes = shardSizes(batch, this.replicas);
    const count = shardValueCount(this.model);

    // 1. Post every non-empty worker shard with the current weights (one shared buffer all
    //    workers read: no per-worker structured-clone copy of the weights) and the buffer that
    //    worker writes its gradients and moving statistics into.
    const weights = sizes.length > 1 && sizes[1] > 0 ? this.sharedWeights() : new Float32Array(0);
    const remote = this.postShards(images, sizes, (shard, shape, offset, worker) => {
      const shardLabels = labels.slice(offset, offset + shape[0]);
      const out = sharedBuffer(this.outBuffers, worker, count, true);
      return { message: { type: 'step', weights, images: shard, shape, labels: shardLabels, out }, transfer: [shardLabels.buffer] };
    });

    // 2. Shard 0 on this thread, meanwhile.
    const localOut = this.localOut?.length === count ? this.localOut : (this.localOut = new Float32Array(count));
    const local = await alongside(remote, () => this.localShard(images, labels, sizes[0], localOut));

    // 3. Combine in replica order: Σ n_r·x_r / B in float64, rounded once to float32.
    const replies = (await settleAll(remote)) as Array<ReplicaGradients | null>;
    const parts: Array<ShardResult & { n: number; values: Float32Array }> = [{ n: sizes[0], values: localOut, ...local }];
    replies.forEach((reply, i) => {
      if (reply) parts.push({ n: sizes[i + 1], values: this.outBuffers[i]!, ...reply });
    });
    const combined = this.combined?.length === count ? this.combined : (this.combined = new Float32Array(count));
    combineShards(combined, parts, batch);
    let at = 0;
    const variables = this.model.trainableWeights.map((v) => v.read() as tf.Variable);
    const grads = variables.map((v) => tensorFromHostCopy(combined.subarray(at, (at += v.size)), v.shape));
    try {
      this.optimizer!.applyGradients(variables, grads);
    } finally {
      tf.dispose(grads);
    }
    if (parts.length > 1) {
      // (With one part, shard 0's forward already left the moving statistics in the model.)
      this.model.nonTrainableWeights.forEach((v) => {
        const current = v.read();
        const value = tensorFromHostCopy(combined.subarray(at, (at += current.size)), current.shape);
        v.write(value);
        value.dispose();
      });
    }
    let lossSum = 0;
    let correct = 0;
    for (const part of parts) {
      lossSum += part.n * part.loss;
      correct += part.correct;
    }
    return { loss: lossSum / batch, correct };
  }

  /** Loss and correct count of the first `n` images (shard 0); their gradients and moving statistics go to `out`. */
  private async localShard(images: tf.Tensor4D, labels: Int32Array, n: number, out: Float32Array): Promise<ShardResult> {
    const shard = n === images.shape[0] ? images : tf.slice(images, 0, n);
    try {
      return await shardGradients(this.model, shard, n === labels.length ? labels : labels.subarray(0, n), out);
    } finally {
      if (shard !== images) shard.dispose();
    }
  }
}

/**
 * `out[j] = Σ_r n_r · values_r[j] / batch` in float64, in replica order, rounded once to float32:
 * the size-weighted mean of the replicas' gradients (the full batch's mean-loss gradient up to
 * rounding) and moving statistics.
 */
function combineShards(out: Float32Array, parts: ReadonlyArray<{ n: number; values: Float32Array }>, batch: number): void {
  if (parts.length === 2) {
    // The common case in one pass: the same float64 operations in the same order as below.
    const [{ n: na, values: a }, { n: nb, values: b }] = parts;
    for (let j = 0; j < out.length; j++) out[j] = (0 + na * a[j] + nb * b[j]) / batch;
    return;
  }
  for (let j = 0; j < out.length; j++) {
    let sum = 0;
    for (const part of parts) sum += part.n * part.values[j];
    out[j] = sum / batch;
  }
}

/**
 * Worker `i`'s entry of `buffers`, a float32 view of at least `length` values on a
 * SharedArrayBuffer (a new one when it is missing or too small — or, with `exact`, of another
 * length), returned as a view of exactly `length` values.
 */
function sharedBuffer(buffers: Array<Float32Array | null>, i: number, length: number, exact = false): Float32Array {
  const current = buffers[i];
  if (current == null || current.length < length || (exact && current.length !== length)) buffers[i] = new Float32Array(new SharedArrayBuffer(length * 4));
  return buffers[i]!.length === length ? buffers[i]! : buffers[i]!.subarray(0, length);
}

/** Starts replica `index`'s worker, unref'd until a request is in flight. */
function spawn(entry: ReplicaWorkerEntry, index: number, backend: 'wasm' | 'cpu'): Replica {
  const worker = new Worker(entry.script, { eval: entry.eval, name: 'bdst-replica' });
  const replica: Replica = { worker, backend, index, pending: null, failure: null };
  worker.unref();
  const fail = (error: Error) => {
    replica.failure ??= error;
    const parkedAt = parkedWorkers.indexOf(replica);
    if (parkedAt >= 0) parkedWorkers.splice(parkedAt, 1);
    const pending = replica.pending;
    replica.pending = null;
    pending?.reject(replica.failure);
  };
  worker.on('message', (reply: ReplicaReply) => {
    const pending = replica.pending;
    replica.pending = null;
    worker.unref();
    if (!pending) return;
    if (reply.type === 'error') pending.reject(new Error(`ReplicaPool: replica ${replica.index} failed: ${reply.message}`));
    else pending.resolve(reply);
  });
  worker.on('error', (error: Error) => fail(new Error(`ReplicaPool: replica ${replica.index} crashed: ${error.message}`)));
  worker.on('exit', (code) => fail(new Error(`ReplicaPool: replica ${replica.index} exited (code ${code})`)));
  return replica;
}

/** Takes a parked worker on `backend` for replica `index`, or null when none is parked. */
function unpark(backend: 'wasm' | 'cpu', index: number): Replica | null {
  const at = parkedWorkers.findIndex((replica) => replica.backend === backend); // a worker that fails leaves the list (spawn's fail)
  if (at < 0) return null;
  const [replica] = parkedWorkers.splice(at, 1);
  replica.index = index;
  return replica;
}

/** Posts one request to a replica and resolves with its reply; the worker is ref'd meanwhile. */
function request(replica: Replica, message: ReplicaRequest, transfer: ArrayBuffer[]): Promise<ReplicaReply> {
  if (replica.failure) return Promise.reject(replica.failure);
  if (replica.pending) return Promise.reject(new Error(`ReplicaPool: replica ${replica.index} is already answering a request`));
  return new Promise<ReplicaReply>((resolve, reject) => {
    replica.pending = { resolve, reject };
    replica.worker.ref();
    replica.worker.postMessage(message, transfer);
  });
}

/**
 * Runs `local` (shard 0 on this thread) while the workers answer `remote`; if it fails, waits for
 * the workers first, so the pool stays usable and no reply arrives for a later request.
 */
async function alongside<T>(remote: Array<Promise<ReplicaReply> | null>, local: () => Promise<T>): Promise<T> {
  try {
    return await local();
  } catch (error) {
    await Promise.allSettled(remote);
    throw error;
  }
}

/** Like Promise.all, but waits for every promise to settle before rejecting with the first error. */
async function settleAll<T>(promises: Array<Promise<T> | null>): Promise<Array<T | null>> {
  const settled = await Promise.allSettled(promises.map((p) => p ?? Promise.resolve(null)));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<T | null>).value);
}
