import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng, ImageDataset, initBackend, smallCnn, syntheticDataset } from '@bdst/core';
import type { Rng } from '@bdst/core';
import { badnetsTrigger, poisonBadNets } from '@bdst/attacks';
import { selectConfident, selectionQuota } from '@bdst/selftrain';
import { assignPseudoLabels, createSimclrModel, embed, selfTrainWithSimclr } from '@bdst/simclr';
import type { SelfTrainWithSimclrOptions } from '@bdst/simclr';

// Mechanics of Algorithm 2 on a tiny set (the defense itself: algorithm2.slow.test.ts).
const all = syntheticDataset({ size: 60, seed: 'alg2-mechanics', height: 16, width: 16, channels: 1 });
const [labeledClean, unlabeled] = all.split(1 / 3, createRng('split'));
const labeled = poisonBadNets(labeledClean, { trigger: badnetsTrigger({ kind: 'grayscale', size: 3 }), targetLabel: 1, ratio: 0.1, rng: createRng('poison') });
const createModel = (rng: Rng) => smallCnn({ inputShape: [16, 16, 1], numClasses: 10, rng, widths: [2, 4, 4] });
const tiny = { epochs: 1, batchSize: 16, lr: 0.05 };
const options = (overrides: Partial<SelfTrainWithSimclrOptions> = {}): SelfTrainWithSimclrOptions => ({
  labeled, unlabeled, createModel, pretrain: tiny, retrain: tiny, final: tiny, iterations: 2, fractionPerIteration: 0.5,
  simclr: { model: createSimclrModel({ encoder: 'smallCnn', inputShape: [16, 16, 1], widths: [2, 4, 4], projectionDim: 4, rng: createRng('simclr') }), fit: { epochs: 1, batchSize: 16, lr: 0.05 } },
  rng: createRng('run'),
  ...overrides,
});
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('selfTrainWithSimclr (Algorithm 2 mechanics)', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('pseudo-labels iteration 1 from the nearest cluster centre, then self-trains; a rerun resumes from the checkpoint', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bdst-alg2-'));
    dirs.push(dir);
    const result = await selfTrainWithSimclr(options({ checkpointDir: dir }));
    expect(result.simclr.history).toHaveLength(1);
    expect(result.clusters.k).toBe(10);
    // Iteration 1's pseudo-labels are the cluster labels of D_L ∪ D_U (D_L first) …
    const union = ImageDataset.concat([labeled, unlabeled]);
    const expected = assignPseudoLabels(result.clusters, await embed(result.simclrModel, union));
    expect(result.initialPseudoLabels.labels).toEqual(expected.labels);
    expect(result.initialPseudoLabels.confidences).toEqual(expected.confidences);
    // … and iteration 1 selected by them: its D_n has their per-class counts.
    const quota = selectionQuota({ iteration: 1, fractionPerIteration: 0.5, total: union.length, numClasses: 10 });
    const chosen = selectConfident(expected, { perClass: quota.perClass, numClasses: 10 });
    const perClass = new Array(10).fill(0);
    for (const i of chosen) perClass[expected.labels[i]]++;
    expect(result.history.iterations[0].selection.perClass).toEqual(perClass);
    expect(result.history.iterations).toHaveLength(2);
    expect(result.initialPseudoLabelStats.count).toBe(60);
    expect(result.initialPseudoLabelStats.poisoned).toBe(2);

    // Same directory again: SimCLR resumes after its last epoch and self-training is already done.
    const again = await selfTrainWithSimclr(options({ checkpointDir: dir }));
    expect(again.simclr.resumedFromEpoch).toBe(1);
    expect(again.initialPseudoLabels.labels).toEqual(result.initialPseudoLabels.labels);
    expect(again.history.final?.epochs).toEqual(result.history.final?.epochs);
    for (const r of [result, again]) {
      r.model.dispose();
      r.selfTrainedModel.dispose();
      r.simclrModel.network.dispose();
    }
  });

  it('checks its options and the self-training options before SimCLR starts', async () => {
    await expect(selfTrainWithSimclr({ ...options(), simclr: undefined as never })).rejects.toThrow(/Error in selfTrainWithSimclr: options.simclr must be \{ model\?, fit: \{ epochs, … \} \}/);
    await expect(selfTrainWithSimclr({ ...options(), retrain: undefined as never })).rejects.toThrow(/Error in selfTrain: retrain.epochs must be a positive integer/);
    await expect(selfTrainWithSimclr({ ...options(), labeled: labeled.subset([0]) })).rejects.toThrow(/options.labeled must hold at least 2 images/);
  });
});
