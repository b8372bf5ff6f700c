/**
 * Entry point of a data-parallel replica: a `worker_threads` Worker started by
 * {@link ReplicaPool} (built to `dist/replica-worker.{js,cjs}`; run from this `.ts` file under tsx
 * when bdst runs from its sources). It owns a copy of the model and a single-threaded backend and
 * answers the requests of `replica-messages.ts`: `init` rebuilds the model from the main model's
 * topology; each `step` loads the sent weights, computes the shard's loss and gradients in
 * training mode ({@link shardGradients}) and writes them, with the updated moving statistics,
 * into the step's shared `out` buffer (the reply carries the loss and the correct count).
 * For inference, `weights` loads the main model's weights once and each `predict` returns the
 * softmax probabilities of a shard in inference mode. It never updates weights itself: the main
 * thread owns the optimizer.
 */
import { parentPort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../backend/init-backend.js';
import { tensorFromHostCopy } from './host-values.js';
import { shardGradients } from './shard-gradients.js';
import type { ReplicaInit, ReplicaPredict, ReplicaReply, ReplicaRequest, ReplicaStep } from './replica-messages.js';

const port = parentPort;
if (port === null) throw new Error('replica-worker: this file is the entry of a ReplicaPool worker thread; it cannot run on the main thread');

let model: tfl.LayersModel | null = null;
let queue: Promise<void> = Promise.resolve();

port.on('message', (request: ReplicaRequest) => {
  queue = queue.then(async () => {
    let reply: ReplicaReply;
    const transfer: ArrayBuffer[] = [];
    try {
      if (request.type === 'init') reply = await init(request);
      else if (request.type === 'step') reply = await step(request);
      else if (request.type === 'weights') {
        loadWeights(request.weights);
        reply = { type: 'loaded' };
      } else reply = await predictShard(request, transfer);
    } catch (error) {
      reply = { type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) };
    }
    port.postMessage(reply, transfer);
  });
});

async function init(request: ReplicaInit): Promise<ReplicaReply> {
  await initBackend({ backend: request.backend, threads: 1, quiet: true, nativeKernels: request.nativeKernels });
  model?.dispose();
  model = await tfl.models.modelFromJSON({ modelTopology: withZeroInitializers(request.topology) } as Parameters<typeof tfl.models.modelFromJSON>[0]);
  return { type: 'ready', weightShapes: model.weights.map((w) => w.shape.map(Number)), trainable: model.trainableWeights.length };
}

/** Writes `weights` (every weight of the model packed in `model.weights` order) into the replica's model. */
function loadWeights(weights: Float32Array): tfl.LayersModel {
  if (model === null) throw new Error('replica-worker: got weights before init');
  let offset = 0;
  model.weights.forEach((w) => {
    const shape = w.read().shape;
    const size = tf.util.sizeFromShape(shape);
    const value = tensorFromHostCopy(weights.subarray(offset, offset + size), shape); // the pool rewrites the shared buffer later
    offset += size;
    w.write(value);
    value.dispose();
  });
  if (offset !== weights.length) throw new Error(`replica-worker: got ${weights.length} weight values, the model has ${offset}`);
  return model;
}

async function step(request: ReplicaStep): Promise<ReplicaReply> {
  const m = loadWeights(request.weights);
  const images = tensorFromHostCopy(request.images, request.shape) as tf.Tensor4D;
  try {
    const result = await shardGradients(m, images, request.labels, request.out);
    return { type: 'gradients', ...result };
  } finally {
    images.dispose();
  }
}

async function predictShard(request: ReplicaPredict, transfer: ArrayBuffer[]): Promise<ReplicaReply> {
  if (model === null) throw new Error('replica-worker: got a predict request before init');
  const m = model;
  const probabilities = tf.tidy(() => tf.softmax(m.apply(tensorFromHostCopy(request.images, request.shape), { training: false }) as tf.Tensor2D));
  try {
    const values = (await probabilities.data()) as Float32Array;
    const copy = values.slice();
    transfer.push(copy.buffer as ArrayBuffer);
    return { type: 'probabilities', probabilities: copy };
  } finally {
    probabilities.dispose();
  }
}

/**
 * The topology with every `*_initializer` replaced by zeros: the replica's weights are always
 * overwritten before use, so this skips drawing random initial values (seconds for a large model)
 * and accepts initializers only the main thread knows.
 */
function withZeroInitializers(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withZeroInitializers);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [key, key.endsWith('_initializer') && v !== null ? { class_name: 'Zeros', config: {} } : withZeroInitializers(v)]),
  );
}
