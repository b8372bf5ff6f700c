import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { createRng, initBackend, SgdMomentum, smallCnn, trainStep } from '@bdst/core';
import { heapOffset } from '../../src/backend/kernels/run-wasm-kernel.js';

const TWO_GIB = 2 ** 31;

/**
 * Fills the wasm heap below 2 GiB so that later allocations land above it: for each size from
 * 64 MiB down to 16 bytes, allocates blocks of that size (never written, so they cost address
 * space, not memory) until one lands above 2 GiB. (The allocator may still place a few tiny
 * tensors in a small hole below; the test checks where the large ones went.) Returns them, to free.
 */
function fillBelowTwoGibibytes(backend: BackendWasm): tf.TensorInfo[] {
  const blocks: tf.TensorInfo[] = [];
  for (let bytes = 64 * 2 ** 20; bytes >= 16; bytes /= 4) {
    for (;;) {
      const block = backend.makeOutput([bytes / 4], 'float32');
      blocks.push(block);
      if (heapOffset(backend, block) >= TWO_GIB) break;
    }
  }
  return blocks;
}

/** One smallCnn step (every SIMD kernel: convolution, both gradients, BatchNorm, max-pool gradient, SGD); the new weights. */
async function stepWeights(fillFirst: boolean): Promise<{ weights: Float32Array[]; lowest: number }> {
  await initBackend({ backend: 'wasm', threads: 1, quiet: true });
  const backend = tf.backend() as BackendWasm;
  const blocks = fillFirst ? fillBelowTwoGibibytes(backend) : [];
  const model = smallCnn({ inputShape: [12, 12, 3], numClasses: 4, widths: [8, 16, 16], rng: createRng('high-memory') });
  const rng = createRng('high-memory-data');
  const images = tf.tensor4d(Float32Array.from({ length: 6 * 12 * 12 * 3 }, () => rng.uniform(0, 1)), [6, 12, 12, 3]);
  const optimizer = new SgdMomentum({ lr: 0.1 });
  await trainStep(model, optimizer, images, Int32Array.from([0, 1, 2, 3, 0, 1]));
  await trainStep(model, optimizer, images, Int32Array.from([0, 1, 2, 3, 0, 1]));
  const weights = model.getWeights();
  // The convolution kernels (≥ 1 KiB each, written by the SGD kernel); a few tensors of a handful
  // of values may still find a small hole below 2 GiB.
  const lowest = Math.min(...model.weights.filter((w) => w.name.endsWith('/kernel')).map((w) => heapOffset(backend, w.read())));
  const values = weights.map((w) => w.dataSync().slice() as Float32Array);
  images.dispose();
  optimizer.dispose();
  model.dispose();
  blocks.forEach((block) => backend.disposeData(block.dataId));
  return { weights: values, lowest };
}

describe('bdst SIMD kernels on tensors above 2 GiB of the wasm heap', () => {
  it('train a smallCnn exactly as they do at low addresses (pointers past int32 stay unsigned)', async () => {
    const low = await stepWeights(false);
    const high = await stepWeights(true);
    expect(low.lowest).toBeLessThan(TWO_GIB);
    expect(high.lowest, 'every kernel weight the step wrote lies above 2 GiB').toBeGreaterThanOrEqual(TWO_GIB);
    high.weights.forEach((w, i) => expect(Buffer.from(w.buffer).equals(Buffer.from(low.weights[i].buffer)), `weight ${i}`).toBe(true));
  }, 120_000);
});
