import type { LayersModel } from '@tensorflow/tfjs-layers';
import { ImageDataset } from '@bdst/core';
import type { BatchEndInfo, EpochReport, Rng, Transform } from '@bdst/core';
import type { PseudoLabels } from './select-confident.js';
import type { IterationReport, PhaseEvaluation, SelfTrainPhase } from './self-train-history.js';
import type { TrainingSettings } from './training-settings.js';

/** Test sets evaluated after pretraining, after every iteration and after the final training. */
export interface EvaluationSets {
  /** Clean test set: standard accuracy (SA). */
  clean: ImageDataset;
  /** Triggered test set (test images with the trigger and their true labels, e.g. `triggeredTestSet`): attack success rate (ASR). */
  triggered?: ImageDataset;
  /** The attack's target label (paper: 1, Section 5.1); required with `triggered`. */
  targetLabel?: number;
}

/** Which samples are pseudo-labelled each iteration (Table 1's two pilot variants). */
export type PseudoLabelOn = 'labeled+unlabeled' | 'unlabeled';

/** Options of `SelfTrainer` and `selfTrain` (Algorithm 1; Algorithm 2 through `initialPseudoLabels`). */
export interface SelfTrainOptions {
  /** D_L, the labeled set (possibly poisoned). Its labels are read only by pretraining. */
  labeled: ImageDataset;
  /** D_U, the unlabeled set (possibly poisoned). Its labels are never read (only `meta` for the history). */
  unlabeled: ImageDataset;
  /**
   * Builds a fresh classifier (logits out) from a seed stream: the teacher/student (into which a
   * given `pretrained` model's weights are copied) and the final model trained from scratch.
   */
  createModel: (rng: Rng) => LayersModel;
  /**
   * A model already trained on D_L (Algorithm 1's input "model trained on D_L"). Its weights are
   * copied into `createModel`'s model, which must have the same architecture; `pretrained` itself
   * is never modified, so one pretrained model can start several runs (baseline and proposed).
   * Omit it to pretrain with `pretrain`.
   */
  pretrained?: LayersModel;
  /** Supervised pretraining on D_L, required when `pretrained` is absent (paper: 200 epochs, Section 5.1). */
  pretrain?: TrainingSettings;
  /**
   * T in Algorithm 1: applied to the labeled images only, and only to pseudo-label them (the
   * stored sample stays the original image). Default `paperStrongAugment` (RCS0.5+VFlip, Section
   * 4.2); `null` gives the semi-supervised baseline of Table 2 (no transform).
   */
  transform?: Transform | null;
  /**
   * Which data are pseudo-labelled (Table 1's pilot variants): `'labeled+unlabeled'` (D_L ∪ D_U,
   * Algorithm 1, default) or `'unlabeled'` (D_U only; D_L then serves only for pretraining).
   */
  pseudoLabelOn?: PseudoLabelOn;
  /** N, a positive integer (paper: 4, Section 5.1). Default 4. */
  iterations?: number;
  /** k, in (0, 1] (paper: 0.3, Section 5.1). Default 0.3. */
  fractionPerIteration?: number;
  /** Each warm-start retraining on D_n (paper: 150 epochs, lr 0.01 ×0.5 at 100, Section 5.1). */
  retrain: TrainingSettings;
  /** The final training from scratch on D_N (paper: 300 epochs, lr 0.01 ×0.5 at 100 and 200, Section 5.1). */
  final: TrainingSettings;
  /** Test sets for SA/ASR after pretraining, after every iteration and after the final training. */
  evaluate?: EvaluationSets;
  /**
   * Pseudo-labels of D_UL for the first iteration instead of the model's (Algorithm 2: the K-Means
   * cluster labels, `@bdst/simclr`), in D_UL order (D_L first when pseudo-labelled, then D_U).
   */
  initialPseudoLabels?: PseudoLabels;
  /** The run's random stream: weight init, shuffling, train-time augmentation and T. */
  rng: Rng;
  /** Stops the run between batches (an `AbortError`); the checkpoint keeps the last finished epoch. */
  signal?: AbortSignal;
  /**
   * Directory for checkpoints (written after every epoch and every iteration). A run started
   * again with the same directory and options resumes from the last finished epoch and reaches
   * the same result as an uninterrupted run.
   */
  checkpointDir?: string;
  /** Images per forward pass when pseudo-labeling and evaluating (default 256). */
  predictBatchSize?: number;
  /**
   * Data-parallel replicas on worker threads (`@bdst/core`'s `replicas`, an integer ≥ 1): used
   * for pseudo-labelling (step 1, `predict`) and as the default of every training phase that sets
   * no `replicas` of its own. Unset: pseudo-labelling runs on one thread and training phases
   * follow `BDST_REPLICAS`. Speed only, and for large sets (measured: one iteration over 30,000
   * images 1.17× faster with 2; over 10,000 slower, as starting workers for inference costs more
   * than it saves); with more than one, training's BatchNorm statistics are per shard (results
   * differ slightly), pseudo-labels are the same.
   */
  replicas?: number;
  /** Called when a phase starts. */
  onPhaseStart?: (phase: SelfTrainPhase) => void;
  /** Called after each training epoch of any phase. */
  onEpochEnd?: (phase: SelfTrainPhase, report: EpochReport) => void;
  /** Called after each training batch of any phase. */
  onBatchEnd?: (phase: SelfTrainPhase, info: BatchEndInfo) => void;
  /** Called after each evaluation (after pretraining, each iteration, the final training). */
  onEvaluation?: (phase: SelfTrainPhase, evaluation: PhaseEvaluation) => void;
  /** Called after each self-training iteration. */
  onIterationEnd?: (report: IterationReport) => void;
}

/**
 * Checks {@link SelfTrainOptions} before any work and throws `Error in selfTrain: …` naming the
 * bad option and what it must be.
 */
export function checkSelfTrainOptions(o: SelfTrainOptions): void {
  const fail = (m: string): never => {
    throw new Error(`Error in selfTrain: ${m}`);
  };
  if (o === null || typeof o !== 'object') fail(`options must be an object { labeled, unlabeled, createModel, … }, but got ${String(o)}`);
  if (!(o.labeled instanceof ImageDataset)) fail('labeled must be an ImageDataset (D_L)');
  if (!(o.unlabeled instanceof ImageDataset)) fail('unlabeled must be an ImageDataset (D_U)');
  if (o.labeled.imageShape.join('×') !== o.unlabeled.imageShape.join('×')) {
    fail(`labeled images are ${o.labeled.imageShape.join('×')} but unlabeled images are ${o.unlabeled.imageShape.join('×')}`);
  }
  if (o.labeled.numClasses !== o.unlabeled.numClasses) fail(`labeled has ${o.labeled.numClasses} classes but unlabeled has ${o.unlabeled.numClasses}`);
  if (typeof o.createModel !== 'function') fail('createModel must be a function (rng) => LayersModel');
  if (!o.pretrained && !o.pretrain) fail('give either `pretrained` (a model trained on D_L) or `pretrain` (settings to train one)');
  if (o.pretrained && typeof (o.pretrained as { getWeights?: unknown }).getWeights !== 'function') fail('pretrained must be a tf.LayersModel');
  if (o.transform !== undefined && o.transform !== null && typeof o.transform !== 'function') fail(`transform must be a Transform function or null, but got ${typeof o.transform}`);
  if (o.iterations !== undefined && !(Number.isInteger(o.iterations) && o.iterations >= 1)) fail(`iterations must be a positive integer, but got ${o.iterations}`);
  if (o.fractionPerIteration !== undefined && !(o.fractionPerIteration > 0 && o.fractionPerIteration <= 1)) {
    fail(`fractionPerIteration must be in (0, 1], but got ${o.fractionPerIteration}`);
  }
  if (o.pseudoLabelOn !== undefined && o.pseudoLabelOn !== 'labeled+unlabeled' && o.pseudoLabelOn !== 'unlabeled') {
    fail(`pseudoLabelOn must be 'labeled+unlabeled' or 'unlabeled', but got ${JSON.stringify(o.pseudoLabelOn)}`);
  }
  for (const name of ['pretrain', 'retrain', 'final'] as const) {
    const settings = o[name];
    if (settings === undefined && name === 'pretrain') continue;
    if (!settings || !(Number.isInteger(settings.epochs) && settings.epochs >= 1)) fail(`${name}.epochs must be a positive integer, but got ${settings?.epochs}`);
  }
  if (!o.rng || typeof o.rng.fork !== 'function') fail('rng must be an Rng (createRng(seed) from @bdst/core)');
  if (o.evaluate !== undefined) {
    if (!(o.evaluate.clean instanceof ImageDataset)) fail('evaluate.clean must be an ImageDataset (the clean test set)');
    if (o.evaluate.triggered !== undefined && !(o.evaluate.triggered instanceof ImageDataset)) fail('evaluate.triggered must be an ImageDataset (the triggered test set)');
    if (o.evaluate.triggered && o.evaluate.targetLabel === undefined) fail('evaluate.targetLabel is required with evaluate.triggered');
  }
  const target = o.evaluate?.targetLabel;
  if (target !== undefined && !(Number.isInteger(target) && target >= 0 && target < o.labeled.numClasses)) {
    fail(`evaluate.targetLabel must be an integer in [0, ${o.labeled.numClasses}), but got ${target}`);
  }
  if (o.predictBatchSize !== undefined && !(Number.isInteger(o.predictBatchSize) && o.predictBatchSize >= 1)) fail(`predictBatchSize must be a positive integer, but got ${o.predictBatchSize}`);
  if (o.replicas !== undefined && !(Number.isInteger(o.replicas) && o.replicas >= 1)) fail(`replicas must be an integer ≥ 1, but got ${o.replicas}`);
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) fail('signal must be an AbortSignal');
  if (o.checkpointDir !== undefined && (typeof o.checkpointDir !== 'string' || o.checkpointDir.length === 0)) fail('checkpointDir must be a non-empty directory path');
  const total = (o.pseudoLabelOn === 'unlabeled' ? 0 : o.labeled.length) + o.unlabeled.length;
  if (total === 0) fail('there is nothing to pseudo-label: D_UL is empty');
  if (o.initialPseudoLabels !== undefined && o.initialPseudoLabels.labels?.length !== total) {
    fail(`initialPseudoLabels must hold one label per D_UL sample (${total}), but has ${o.initialPseudoLabels.labels?.length}`);
  }
}
