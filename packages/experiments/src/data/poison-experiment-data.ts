import type { LayersModel } from '@tensorflow/tfjs-layers';
import { ImageDataset } from '@bdst/core';
import { badnetsTrigger, poisonBadNets, poisonCleanLabel, poisonUnlabeled, triggeredTestSet } from '@bdst/attacks';
import type { Trigger } from '@bdst/attacks';
import type { AttackConfig } from '../config/experiment-config.js';
import { modelFactory, trainingSettings } from '../runner/model-factory.js';
import type { RunContext } from '../runner/run-context.js';
import type { ExperimentData } from './load-experiment-data.js';

/** An experiment's data after the attack: what the defender gets, and what ASR is measured on. */
export interface PoisonedData {
  /** D_L, poisoned with γ(D_L) (`meta.poisoned` marks the samples). */
  labeled: ImageDataset;
  /** D_U, poisoned with γ(D_U) (unchanged when it is 0). */
  unlabeled: ImageDataset;
  /** The clean test set (SA). */
  test: ImageDataset;
  /** The fully poisoned test set: every non-target test image with the trigger, true labels (ASR). */
  triggeredTest: ImageDataset;
  /** The trigger. */
  trigger: Trigger;
  /** The attacker's target label. */
  targetLabel: number;
  /** How many samples of D_L and of D_U are poisoned. */
  poisonedCounts: { labeled: number; unlabeled: number };
}

/**
 * Applies the configured attack (Section 5.1) to D_L and D_U: BadNets stamps the 5×5 trigger in the
 * lower right corner and relabels to the target (D_L) or only stamps (D_U, which has no labels to
 * flip); the clean-label attack PGD-perturbs target-class images against a clean model trained
 * on clean D_L (checkpointed as the part `clean-model`), then stamps the gray-scale trigger.
 * Randomness comes from `ctx.rng` forks named after the attack and the set.
 *
 * @param unlabeledRatio γ(D_U) for this run (defaults to the attack's own).
 */
export async function poisonExperimentData(data: ExperimentData, attack: AttackConfig, ctx: RunContext, unlabeledRatio = attack.unlabeledRatio): Promise<PoisonedData> {
  const trigger = badnetsTrigger({ kind: attack.kind === 'badnets-rgb' ? 'rgb' : 'grayscale', size: attack.triggerSize, position: 'bottom-right' });
  const { targetLabel } = attack;
  const rng = ctx.rng.fork(`poison/${attack.kind}`);
  let labeled: ImageDataset;
  let unlabeled = data.unlabeled;
  if (attack.kind === 'clean-label') {
    const model = await cleanModel(data, attack, ctx);
    try {
      labeled = await poisonCleanLabel(data.labeled, { model, trigger, targetLabel, ratio: attack.labeledRatio, rng: rng.fork('labeled') });
      if (unlabeledRatio > 0) {
        unlabeled = await poisonUnlabeled(data.unlabeled, { trigger, ratio: unlabeledRatio, rng: rng.fork('unlabeled'), cleanLabel: { model, targetLabel } });
      }
    } finally {
      model.dispose();
    }
  } else {
    labeled = poisonBadNets(data.labeled, { trigger, targetLabel, ratio: attack.labeledRatio, rng: rng.fork('labeled') });
    if (unlabeledRatio > 0) unlabeled = await poisonUnlabeled(data.unlabeled, { trigger, ratio: unlabeledRatio, rng: rng.fork('unlabeled') });
  }
  return {
    labeled,
    unlabeled,
    test: data.test,
    triggeredTest: triggeredTestSet(data.test, trigger, targetLabel),
    trigger,
    targetLabel,
    poisonedCounts: { labeled: countPoisoned(labeled), unlabeled: countPoisoned(unlabeled) },
  };
}

/** The clean model the clean-label attack's PGD runs on, trained on clean D_L (Section 5.1). */
async function cleanModel(data: ExperimentData, attack: AttackConfig, ctx: RunContext): Promise<LayersModel> {
  const create = modelFactory(ctx.config.model, data.labeled.imageShape, data.labeled.numClasses);
  return ctx.trainedModel('clean-model', create, data.labeled, trainingSettings(attack.cleanModel!));
}

/** The number of samples flagged in `meta.poisoned` (0 without it). */
export function countPoisoned(dataset: ImageDataset): number {
  const flags = dataset.meta.poisoned;
  if (!flags) return 0;
  let n = 0;
  for (let i = 0; i < flags.length; i++) n += flags[i];
  return n;
}
