import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createRng, FASHION_MNIST_SYSTEM_DIR, initBackend, loadFashionMnist, smallCnn, train } from '@bdst/core';
import type { Rng } from '@bdst/core';
import { badnetsTrigger, poisonBadNets, poisonUnlabeled } from '@bdst/attacks';
import { selfTrain } from '@bdst/selftrain';

// Memory soak: Algorithm 1 over all 60,000 Fashion-MNIST training images (12,000 labeled,
// 48,000 unlabeled), with a deliberately tiny model and one epoch per phase so it is about memory,
// not accuracy: the tensor count must be the same after every iteration, and the peak RSS is
// printed (and bounded). Needs Debian's dataset-fashion-mnist.
const haveData = existsSync(join(FASHION_MNIST_SYSTEM_DIR, 'train-images-idx3-ubyte.gz')) || existsSync(join(FASHION_MNIST_SYSTEM_DIR, 'train-images-idx3-ubyte'));
if (!haveData) console.warn(`fashion-mnist-memory.slow.test: skipped, Fashion-MNIST is not in ${FASHION_MNIST_SYSTEM_DIR} (apt-get install dataset-fashion-mnist)`);

describe('self-training over 60,000 Fashion-MNIST images', () => {
  it.runIf(haveData)('keeps tf.memory().numTensors flat across iterations; reports peak RSS', async () => {
    await initBackend({ backend: 'wasm', quiet: true });
    const rng = createRng('selftrain-memory');
    const all = await loadFashionMnist({ split: 'train' });
    expect(all.length).toBe(60_000);
    const [labeledClean, unlabeledClean] = all.split(0.2, rng.fork('split'));
    const trigger = badnetsTrigger({ kind: 'grayscale', size: 5 });
    const labeled = poisonBadNets(labeledClean, { trigger, targetLabel: 1, ratio: 0.1, rng: rng.fork('poison-l') });
    const unlabeled = await poisonUnlabeled(unlabeledClean, { trigger, ratio: 0.01, rng: rng.fork('poison-u') });
    const createModel = (r: Rng) => smallCnn({ inputShape: [28, 28, 1], numClasses: 10, rng: r, widths: [2, 2, 4] });
    const phase = { epochs: 1, batchSize: 256, lr: 0.05 };
    const pretrained = createModel(rng.fork('pretrain'));
    await train(pretrained, labeled, { ...phase, rng: rng.fork('pretrain/train') });

    const before = tf.memory().numTensors;
    const tensors: number[] = [];
    const rss: number[] = [];
    const started = performance.now();
    const result = await selfTrain({
      labeled,
      unlabeled,
      createModel,
      pretrained,
      retrain: phase,
      final: phase,
      predictBatchSize: 1000,
      rng: rng.fork('self-train'),
      onIterationEnd: (r) => {
        tensors.push(tf.memory().numTensors);
        rss.push(process.memoryUsage().rss);
        console.log(`iteration ${r.iteration}: |D_n| = ${r.selectedCount}, numTensors ${tf.memory().numTensors}, rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB, ${r.seconds.toFixed(0)} s`);
      },
    });
    const peakRssMiB = process.resourceUsage().maxRSS / 1024;
    console.log(`60,000 images: ${((performance.now() - started) / 1000).toFixed(0)} s, tensors per iteration ${tensors.join(', ')}, peak RSS ${peakRssMiB.toFixed(0)} MiB`);
    expect(result.history.iterations.at(-1)!.selectedCount).toBe(60_000);
    expect(new Set(tensors).size).toBe(1);
    result.model.dispose();
    result.selfTrainedModel.dispose();
    expect(tf.memory().numTensors).toBe(before);
    pretrained.dispose();
    // Host memory: the images are uint8 (47 MB for 60,000); D_n is one more copy at most.
    expect(peakRssMiB).toBeLessThan(3 * 1024);
  });
});
