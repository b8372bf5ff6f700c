import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createRng, initBackend, predict, smallCnn, syntheticDataset, train } from '@bdst/core';

/**
 * Issue 2's "Done when": smallCnn trains on the synthetic set to ≥ 90% test accuracy in under 60 s
 * on the WASM backend, with `tf.memory().numTensors` unchanged across epochs.
 *
 * The time limit is checked on this process's CPU time (user + system, all threads): the run is
 * compute-bound, so on an idle machine its wall time is at most that (less with WASM threads).
 * The wall time is printed too; it is larger whenever the CPU is shared with other work, as on
 * the 2-core machine several engineers share, where a wall-clock limit would fail at random.
 */
describe('smallCnn on the synthetic set (WASM)', () => {
  it('reaches ≥ 90% test accuracy in under 60 s of compute, with no tensor growth across epochs', async () => {
    const info = await initBackend({ backend: 'wasm', quiet: true });
    const cpuStart = process.cpuUsage();
    const wallStart = performance.now();

    const size = 16;
    const trainSet = syntheticDataset({ size: 4000, seed: 'done-when-train', height: size, width: size });
    const testSet = syntheticDataset({ size: 1000, seed: 'done-when-test', height: size, width: size });
    const model = smallCnn({ inputShape: [size, size, 3], numClasses: 10, rng: createRng('done-when-model') });
    const tensorsAtEpochEnd: number[] = [];
    await train(model, trainSet, {
      epochs: 3,
      batchSize: 64,
      lr: 0.1,
      weightDecay: 5e-4,
      // Decaying the rate for the last epoch lets BatchNorm's moving statistics catch up with the
      // weights (inference mode uses them), as the paper's step schedules do.
      schedule: { milestones: [2], gamma: 0.2 },
      rng: createRng('done-when-train'),
      onEpochEnd: (r) => {
        tensorsAtEpochEnd.push(tf.memory().numTensors);
        console.log(`epoch ${r.epoch}: loss ${r.loss.toFixed(3)}, train accuracy ${(100 * r.accuracy).toFixed(1)}%, lr ${r.lr}, ${r.seconds.toFixed(1)} s`);
      },
    });
    const { labels } = await predict(model, testSet);
    let correct = 0;
    for (let i = 0; i < testSet.length; i++) if (labels[i] === testSet.labels[i]) correct++;
    const accuracy = correct / testSet.length;
    const cpu = process.cpuUsage(cpuStart);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const wallSeconds = (performance.now() - wallStart) / 1000;
    console.log(
      `smallCnn on synthetic ${size}×${size}×3 (4,000 train / 1,000 test, 3 epochs) on ${info.description}: ` +
        `test accuracy ${(100 * accuracy).toFixed(1)}% in ${cpuSeconds.toFixed(1)} s CPU (${wallSeconds.toFixed(1)} s wall)`,
    );
    expect(accuracy).toBeGreaterThanOrEqual(0.9);
    expect(cpuSeconds).toBeLessThan(60);
    expect(new Set(tensorsAtEpochEnd).size, `tensors at epoch ends: ${tensorsAtEpochEnd.join(', ')}`).toBe(1);
    model.dispose();
  }, 600_000);
});
