import { beforeAll, describe, expect, it } from 'vitest';
import { createRng, initBackend, smallCnn, syntheticDataset, train } from '@bdst/core';
import type { Rng } from '@bdst/core';
import { badnetsTrigger, poisonBadNets, poisonUnlabeled, triggeredTestSet } from '@bdst/attacks';
import { evaluate } from '@bdst/metrics';
import { selfTrain } from '@bdst/selftrain';
import type { PhaseEvaluation, SelfTrainOptions } from '@bdst/selftrain';

// End to end on the synthetic set (no download): BadNets gray-scale at γ(D_L) = 0.1 and
// γ(D_U) = 0.01, one pretrained model, then the semi-supervised baseline (no T) and the proposed
// method (T = RCS0.5+VFlip) — Table 2's "γ(D_U) = 0.01" row in miniature. Several minutes on two
// shared CPU cores, hence a slow test (`npm run test:slow`).
const size = 16;
const createModel = (rng: Rng) => smallCnn({ inputShape: [size, size, 1], numClasses: 10, rng, widths: [8, 16, 32] });

describe('Algorithm 1 end to end on the synthetic set with BadNets (γ(D_L) = 0.1, γ(D_U) = 0.01)', () => {
  let pretrainedScore: PhaseEvaluation;
  let baseline: PhaseEvaluation;
  let proposed: PhaseEvaluation;

  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
    const rng = createRng('selftrain-e2e');
    const all = syntheticDataset({ size: 3200, seed: 'selftrain-e2e-train', height: size, width: size, channels: 1 });
    const test = syntheticDataset({ size: 400, seed: 'selftrain-e2e-test', height: size, width: size, channels: 1 });
    const [labeledClean, unlabeledClean] = all.split(0.2, rng.fork('split'));
    const trigger = badnetsTrigger({ kind: 'grayscale', size: 3, position: 'bottom-right' });
    const labeled = poisonBadNets(labeledClean, { trigger, targetLabel: 1, ratio: 0.1, rng: rng.fork('poison-labeled') });
    const unlabeled = await poisonUnlabeled(unlabeledClean, { trigger, ratio: 0.01, rng: rng.fork('poison-unlabeled') });
    const sets = { clean: test, triggered: triggeredTestSet(test, trigger, 1), targetLabel: 1 };

    const pretrained = createModel(rng.fork('pretrain/init'));
    // No train-time augmentation: Section 5.1's pad-4 crop and horizontal flip on 16×16 images cost
    // this small model ~18 points of SA and the trigger 7 points of ASR (measured), unlike on 32×32.
    await train(pretrained, labeled, { epochs: 20, batchSize: 64, lr: 0.05, schedule: { milestones: [16], gamma: 0.2 }, rng: rng.fork('pretrain/train') });
    const e = await evaluate(pretrained, sets);
    pretrainedScore = { sa: e.sa, asr: e.asr };

    const options: SelfTrainOptions = {
      labeled,
      unlabeled,
      createModel,
      pretrained,
      retrain: { epochs: 2, batchSize: 64, lr: 0.01 },
      final: { epochs: 16, batchSize: 64, lr: 0.05, schedule: { milestones: [13], gamma: 0.2 } },
      evaluate: sets,
      rng: rng.fork('self-train'),
    };
    for (const method of ['baseline', 'proposed'] as const) {
      const result = await selfTrain({ ...options, ...(method === 'baseline' && { transform: null }) });
      const score = result.history.final!.evaluation!;
      if (method === 'baseline') baseline = score;
      else proposed = score;
      console.log(`${method}: pretrained SA ${pretrainedScore.sa} ASR ${pretrainedScore.asr}; iterations ${JSON.stringify(result.history.iterations.map((r) => ({ ...r.evaluation, poisoned: r.selection.poisoned, withTarget: r.selection.poisonedWithTarget })))}; final ${JSON.stringify(score)}`);
      result.model.dispose();
      result.selfTrainedModel.dispose();
    }
    pretrained.dispose();
  }, 3_600_000);

  it('the pretrained model and the semi-supervised baseline keep the backdoor (ASR ≥ 90%)', () => {
    expect(pretrainedScore.asr).toBeGreaterThanOrEqual(0.9);
    expect(baseline.asr).toBeGreaterThanOrEqual(0.9);
  });

  it('the proposed method cuts ASR at least by half', () => {
    expect(proposed.asr!).toBeLessThanOrEqual(pretrainedScore.asr! / 2);
  });

  // Issue 5's bar. Measured (15:34 UTC, this config): pretrained SA 92.0%, proposed 71.5% — 20.5
  // points lower, so this fails: the warm-started teacher degrades on D_L's T-view pseudo-labels
  // (SA 92 → 84 → 79 → 75 → 62.5 over the iterations) while the baseline's stays at ~90%.
  it('the proposed method keeps SA within 15 points of the pretrained model', () => {
    expect(proposed.sa).toBeGreaterThanOrEqual(pretrainedScore.sa - 0.15);
  });
});
