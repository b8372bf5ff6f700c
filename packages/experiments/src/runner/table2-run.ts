import { parseAugmentation } from '@bdst/augment';
import { evaluate } from '@bdst/metrics';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { loadExperimentData } from '../data/load-experiment-data.js';
import { poisonExperimentData } from '../data/poison-experiment-data.js';
import type { PoisonedData } from '../data/poison-experiment-data.js';
import { modelFactory, trainingSettings } from './model-factory.js';
import type { RunContext } from './run-context.js';
import { formatScore, runSelfTrainingMethod } from './self-train-method.js';
import type { MethodResult, Score } from './self-train-method.js';

/** The data an experiment ran on, as recorded in `results.json`. */
export interface DataSummary {
  /** e.g. `"Fashion-MNIST: |D_L| = 2000, |D_U| = 8000, 2000 test images"`. */
  description: string;
  /** Poisoned samples in D_L and D_U. */
  poisoned: { labeled: number; unlabeled: number };
}

/** Results of a Table 2 row (kind `'table2'`). */
export interface Table2Result {
  /** Kind tag. */
  kind: 'table2';
  /** The data. */
  data: DataSummary;
  /** The model trained on poisoned D_L ("Pretrained Model"). */
  pretrained: Score;
  /** Self-training without augmentation ("Semi-supervised Baseline"). */
  baseline: MethodResult;
  /** Algorithm 1 with T ("Proposed Method"). */
  proposed: MethodResult;
}

/**
 * A Table 2 row: load and poison the data, pretrain on poisoned D_L (`standardTrainAugment`, Section
 * 5.1), then self-train twice from that model — the baseline (no T) and Algorithm 1 (T) — and score
 * all three on the clean and the triggered test sets.
 */
export async function runTable2(ctx: RunContext): Promise<Table2Result> {
  const { config } = ctx;
  const loaded = await loadExperimentData(config.dataset, ctx.rng.fork('data'));
  ctx.progress.note(loaded.description);
  const data = await poisonExperimentData(loaded, config.attack, ctx);
  ctx.progress.note(`${config.attack.kind}: ${data.poisonedCounts.labeled} poisoned in D_L, ${data.poisonedCounts.unlabeled} in D_U`);
  const pretrained = await pretrainOn(ctx, data);
  try {
    const pretrainedScore = await scoreOnce(ctx, 'pretrain-score', pretrained, data);
    const baseline = await ctx.once('baseline', () => runSelfTrainingMethod(ctx, { part: 'baseline', transform: null, pretrained, data }));
    const transform = parseAugmentation(config.selfTrain.transform);
    const proposed = await ctx.once('proposed', () => runSelfTrainingMethod(ctx, { part: 'proposed', transform, pretrained, data }));
    return {
      kind: 'table2',
      data: { description: loaded.description, poisoned: data.poisonedCounts },
      pretrained: pretrainedScore,
      baseline,
      proposed,
    };
  } finally {
    pretrained.dispose();
  }
}

/** Pretrains (or loads the checkpointed) model on poisoned D_L with the config's pretraining phase. */
export async function pretrainOn(ctx: RunContext, data: PoisonedData, part = 'pretrain'): Promise<LayersModel> {
  const create = modelFactory(ctx.config.model, data.labeled.imageShape, data.labeled.numClasses);
  return ctx.trainedModel(part, create, data.labeled, trainingSettings(ctx.config.selfTrain.pretrain));
}

/** SA/ASR of `model`, computed once and checkpointed under `part`. */
export async function scoreOnce(ctx: RunContext, part: string, model: LayersModel, data: PoisonedData): Promise<Score> {
  return ctx.once(part, async () => {
    const { sa, asr } = await evaluate(model, { clean: data.test, triggered: data.triggeredTest, targetLabel: data.targetLabel });
    ctx.progress.note(`${part}${formatScore({ sa, asr })}`);
    return { sa, asr };
  });
}
