import type { LayersModel } from '@tensorflow/tfjs-layers';
import { ImageDataset, predict, throwIfAborted, train } from '@bdst/core';
import type { EpochReport, Transform } from '@bdst/core';
import { paperStrongAugment } from '@bdst/augment';
import { evaluate, standardAccuracy } from '@bdst/metrics';
import { selectConfident } from './select-confident.js';
import type { PseudoLabels } from './select-confident.js';
import { selectionQuota } from './selection-quota.js';
import { recordSelection } from './selection-record.js';
import { SelfTrainCheckpoint } from './self-train-checkpoint.js';
import type { SelfTrainFingerprint, SelfTrainSavedState } from './self-train-checkpoint.js';
import type { IterationReport, PhaseEvaluation, SelfTrainHistory, SelfTrainPhase } from './self-train-history.js';
import { checkSelfTrainOptions } from './self-train-options.js';
import type { PseudoLabelOn, SelfTrainOptions } from './self-train-options.js';
import type { TrainingSettings } from './training-settings.js';

/** The result of a whole run. The caller owns (and disposes) both models. */
export interface SelfTrainResult {
  /** The model trained from scratch on D_N (Algorithm 1's output). */
  model: LayersModel;
  /** The warm-started teacher/student after the N iterations. */
  selfTrainedModel: LayersModel;
  /** D_N: the original images of the last selection, labelled with their pseudo-labels. */
  finalSelection: ImageDataset;
  /** Everything recorded along the way. */
  history: SelfTrainHistory;
}

/** Where a run stands; see {@link SelfTrainer.state}. */
export interface SelfTrainState {
  /** Whether the pretrained model exists (trained here, or given and copied). */
  pretrained: boolean;
  /** Iterations finished, 0..N. */
  completedIterations: number;
  /** Whether the final model has been trained. */
  finished: boolean;
  /** The history so far. */
  history: SelfTrainHistory;
}

/** D_UL pseudo-labels plus where D_U starts in it. */
interface PseudoLabeledSet extends PseudoLabels {
  /** Number of D_L samples at the front of D_UL (0 when only D_U is pseudo-labelled). */
  labeledCount: number;
}

/**
 * Self-training with data augmentation (Algorithm 1 of the paper, Section 4.3), as a resumable
 * trainer. For n = 1..N:
 * 1. pseudo-label the transformed labeled images T(x_l) and the untransformed unlabeled images
 *    x_u with the current model;
 * 2. D_UL keeps the *original* images with those labels;
 * 3. for each class c, select the ⌈min(1, k·n)·|D_UL|/C⌉ most confident samples predicted as c
 *    (all of D_UL once k·n ≥ 1) → D_n;
 * 4. retrain the same model on D_n (warm start), with no loss on the given labels.
 * Then train a fresh model (`createModel`) from scratch on D_N.
 *
 * `transform: null` is the semi-supervised baseline of Table 2, `pseudoLabelOn: 'unlabeled'` the
 * D_U-only pilot variant of Table 1. Everything stochastic draws from forks of `options.rng`, and
 * a run given `checkpointDir` can be killed at any point and resumed with the same result.
 *
 * ```ts
 * const trainer = new SelfTrainer({ labeled, unlabeled, createModel, pretrain, retrain, final, rng });
 * const { model, history } = await trainer.run();
 * ```
 */
export class SelfTrainer {
  private readonly options: SelfTrainOptions;
  private readonly iterations: number;
  private readonly fractionPerIteration: number;
  private readonly transform: Transform | null;
  private readonly pseudoLabelOn: PseudoLabelOn;
  private readonly checkpoint: SelfTrainCheckpoint | null;
  private teacher: LayersModel | null = null;
  private finalModel: LayersModel | null = null;
  private lastSelection: ImageDataset | null = null;
  private saved: SelfTrainSavedState;
  private restored = false;
  private handedOut = false;
  private disposed = false;

  /** Checks the options (throws `Error in selfTrain: …`); no work starts before `run` or `step`. */
  constructor(options: SelfTrainOptions) {
    checkSelfTrainOptions(options);
    this.options = options;
    this.iterations = options.iterations ?? 4;
    this.fractionPerIteration = options.fractionPerIteration ?? 0.3;
    this.transform = options.transform === undefined ? paperStrongAugment : options.transform;
    this.pseudoLabelOn = options.pseudoLabelOn ?? 'labeled+unlabeled';
    this.checkpoint = options.checkpointDir ? new SelfTrainCheckpoint(options.checkpointDir) : null;
    this.saved = {
      version: 1,
      fingerprint: this.fingerprint(),
      pretrained: false,
      completedIterations: 0,
      finished: false,
      history: { pretrain: null, iterations: [], final: null },
    };
  }

  /** Where the run stands: what is done, and the history so far (restored from the checkpoint once a method has run). */
  get state(): SelfTrainState {
    const { pretrained, completedIterations, finished, history } = this.saved;
    return { pretrained, completedIterations, finished, history };
  }

  /** |D_UL|, the number of samples pseudo-labelled per iteration. */
  get pseudoLabeledCount(): number {
    return this.labeledInDul + this.options.unlabeled.length;
  }

  /**
   * Frees the models the trainer still owns: after an abort or an error, or when the run is
   * abandoned. Models already returned by {@link SelfTrainer.finish} / {@link SelfTrainer.run}
   * belong to the caller and are left alone. The trainer cannot be used afterwards (a new one
   * with the same `checkpointDir` resumes the run).
   */
  dispose(): void {
    this.disposed = true;
    if (this.handedOut) return;
    this.teacher?.dispose();
    this.finalModel?.dispose();
    this.teacher = null;
    this.finalModel = null;
  }

  /** Runs everything that is left: pretraining, the remaining iterations, the final training. */
  async run(): Promise<SelfTrainResult> {
    await this.restore();
    await this.ensurePretrained();
    while (this.saved.completedIterations < this.iterations) await this.step();
    return this.finish();
  }

  /**
   * Runs one self-training iteration (pretraining first, when it has not been done) and returns
   * its report. Throws when all N iterations are done.
   */
  async step(): Promise<IterationReport> {
    await this.restore();
    await this.ensurePretrained();
    const n = this.saved.completedIterations + 1;
    if (n > this.iterations) throw new Error(`Error in SelfTrainer.step: all ${this.iterations} iterations are done; call finish()`);
    throwIfAborted(this.options.signal, `selfTrain (iteration ${n})`);
    const phase: SelfTrainPhase = `iteration-${n}`;
    this.options.onPhaseStart?.(phase);
    const started = performance.now();
    const teacher = this.teacher!;
    const numClasses = this.options.labeled.numClasses;

    // 1–2. Pseudo-label T(x_l) and x_u; D_UL keeps the original images.
    const pseudo = await this.pseudoLabel(n, teacher);
    // 3. Per-class confident selection → D_n (indices into D_UL, ascending).
    const quota = selectionQuota({ iteration: n, fractionPerIteration: this.fractionPerIteration, total: pseudo.labels.length, numClasses });
    const chosen = selectConfident(pseudo, { perClass: quota.perClass, numClasses }).sort();
    const pseudoLabels = Int32Array.from(chosen, (i) => pseudo.labels[i]);
    const selection = this.gatherSelection(chosen, pseudoLabels);
    // 4. Warm-start retraining on D_n only: its labels are pseudo-labels, never the given ones.
    const epochs = await this.trainPhase(teacher, selection, this.options.retrain, phase);
    if (this.checkpoint) {
      await this.checkpoint.saveModel(phase, teacher);
      await this.checkpoint.saveSelection(n, chosen, pseudoLabels);
    }
    const evaluation = await this.evaluateModel(phase, teacher);

    const split = countBelow(chosen, this.labeledInDul);
    const recorded = recordSelection(
      {
        labeled: { dataset: this.options.labeled, indices: chosen.slice(0, split), pseudoLabels: pseudoLabels.slice(0, split) },
        unlabeled: { dataset: this.options.unlabeled, indices: chosen.slice(split).map((i) => i - this.labeledInDul), pseudoLabels: pseudoLabels.slice(split) },
      },
      this.options.evaluate?.targetLabel ?? 1,
    );
    const report: IterationReport = {
      iteration: n,
      fraction: quota.fraction,
      perClassQuota: Number.isFinite(quota.perClass) ? quota.perClass : null,
      pseudoLabeledCount: pseudo.labels.length,
      selectedCount: selection.length,
      classCounts: Array.from(selection.classCounts()),
      selection: recorded.total,
      selectionBySource: { labeled: recorded.labeled, unlabeled: recorded.unlabeled },
      evaluation,
      epochs,
      seconds: (performance.now() - started) / 1000,
    };
    this.lastSelection = selection;
    this.saved.history.iterations.push(report);
    this.saved.completedIterations = n;
    await this.saveState();
    this.options.onIterationEnd?.(report);
    return report;
  }

  /** Trains the final model from scratch on D_N (after all N iterations) and returns the result. */
  async finish(): Promise<SelfTrainResult> {
    await this.restore();
    if (this.saved.completedIterations < this.iterations) {
      throw new Error(`Error in SelfTrainer.finish: only ${this.saved.completedIterations} of ${this.iterations} iterations are done; call step() or run()`);
    }
    const selection = this.lastSelection ?? (await this.loadSelection(this.iterations));
    this.lastSelection = selection;
    if (!this.saved.finished) {
      throwIfAborted(this.options.signal, 'selfTrain (final training)');
      this.options.onPhaseStart?.('final');
      const started = performance.now();
      const model = this.options.createModel(this.options.rng.fork('final/init'));
      try {
        const epochs = await this.trainPhase(model, selection, this.options.final, 'final');
        await this.checkpoint?.saveModel('final', model);
        const evaluation = await this.evaluateModel('final', model);
        this.saved.history.final = { epochs, evaluation, seconds: (performance.now() - started) / 1000 };
      } catch (error) {
        model.dispose();
        throw error;
      }
      this.finalModel = model;
      this.saved.finished = true;
      await this.saveState();
    } else if (!this.finalModel) {
      this.finalModel = await this.checkpoint!.loadModel('final');
    }
    this.handedOut = true;
    return { model: this.finalModel, selfTrainedModel: this.teacher!, finalSelection: selection, history: this.saved.history };
  }

  private get labeledInDul(): number {
    return this.pseudoLabelOn === 'labeled+unlabeled' ? this.options.labeled.length : 0;
  }

  private fingerprint(): SelfTrainFingerprint {
    const { labeled, unlabeled, rng, pretrained } = this.options;
    return {
      seed: rng.seed,
      labeled: labeled.length,
      unlabeled: unlabeled.length,
      numClasses: labeled.numClasses,
      imageShape: labeled.imageShape,
      iterations: this.iterations,
      fractionPerIteration: this.fractionPerIteration,
      pseudoLabelOn: this.pseudoLabelOn,
      transform: this.transform ? 'given' : 'none',
      pretrained: pretrained ? 'given' : 'trained',
    };
  }

  /** The teacher/student: a fresh model, with the given pretrained weights copied in. */
  private createTeacher(): LayersModel {
    const { createModel, rng, pretrained } = this.options;
    const model = createModel(rng.fork('pretrain/init'));
    if (pretrained) {
      const source = pretrained.weights;
      const target = model.weights;
      const shape = (w: { shape: readonly (number | null)[] }) => w.shape.join('×');
      if (source.length !== target.length || source.some((w, i) => shape(w) !== shape(target[i]))) {
        model.dispose();
        throw new Error('Error in selfTrain: createModel must build the same architecture as pretrained (its weights are copied into the model createModel returns)');
      }
      model.setWeights(pretrained.getWeights());
    }
    return model;
  }

  private async ensurePretrained(): Promise<void> {
    this.teacher ??= this.createTeacher();
    if (this.saved.pretrained) return;
    const { pretrained, labeled, pretrain } = this.options;
    this.options.onPhaseStart?.('pretrain');
    const started = performance.now();
    let epochs: EpochReport[] = [];
    if (!pretrained) {
      epochs = await this.trainPhase(this.teacher, labeled, pretrain!, 'pretrain');
      await this.checkpoint?.saveModel('pretrain', this.teacher);
    }
    const evaluation = await this.evaluateModel('pretrain', this.teacher);
    this.saved.history.pretrain = { epochs, evaluation, seconds: (performance.now() - started) / 1000 };
    this.saved.pretrained = true;
    await this.saveState();
  }

  /** Steps 1–2: pseudo-labels of D_UL = T(D_L) (when pseudo-labelled) followed by D_U, untransformed. */
  private async pseudoLabel(n: number, model: LayersModel): Promise<PseudoLabeledSet> {
    const labeledCount = this.labeledInDul;
    const initial = this.options.initialPseudoLabels;
    if (n === 1 && initial) return { labels: initial.labels, confidences: initial.confidences, labeledCount };
    const { replicas } = this.options;
    const inference = { batchSize: this.options.predictBatchSize ?? 256, ...(replicas !== undefined && { replicas }) };
    const labels = new Int32Array(this.pseudoLabeledCount);
    const confidences = new Float32Array(this.pseudoLabeledCount);
    if (labeledCount > 0) {
      const onLabeled = await predict(model, this.options.labeled, {
        ...inference,
        transform: this.transform,
        ...(this.transform && { rng: this.options.rng.fork(`iteration-${n}/pseudo-label`) }),
      });
      labels.set(onLabeled.labels, 0);
      confidences.set(onLabeled.confidences, 0);
    }
    if (this.options.unlabeled.length > 0) {
      const onUnlabeled = await predict(model, this.options.unlabeled, inference);
      labels.set(onUnlabeled.labels, labeledCount);
      confidences.set(onUnlabeled.confidences, labeledCount);
    }
    return { labels, confidences, labeledCount };
  }

  /** D_n: the original images at the chosen D_UL indices (ascending), labelled with their pseudo-labels. */
  private gatherSelection(chosen: Int32Array, pseudoLabels: Int32Array): ImageDataset {
    const { labeled, unlabeled } = this.options;
    const nL = this.labeledInDul;
    const split = countBelow(chosen, nL);
    const parts: { dataset: ImageDataset; indices: Int32Array }[] = [];
    if (split > 0) parts.push({ dataset: labeled, indices: chosen.subarray(0, split) });
    parts.push({ dataset: unlabeled, indices: chosen.subarray(split).map((i) => i - nL) });
    return ImageDataset.gather(parts, { labels: pseudoLabels, name: 'D_n' });
  }

  private async loadSelection(n: number): Promise<ImageDataset> {
    if (!this.checkpoint) throw new Error('Error in SelfTrainer.finish: no selection in memory and no checkpointDir to read it from');
    const { indices, pseudoLabels } = await this.checkpoint.loadSelection(n);
    return this.gatherSelection(indices, pseudoLabels);
  }

  private async trainPhase(model: LayersModel, dataset: ImageDataset, settings: TrainingSettings, phase: SelfTrainPhase): Promise<EpochReport[]> {
    const { rng, signal, onEpochEnd, onBatchEnd } = this.options;
    // TrainingSettings' fields are TrainOptions' fields of the same names.
    const replicas = settings.replicas ?? this.options.replicas;
    const result = await train(model, dataset, {
      ...settings,
      ...(replicas !== undefined && { replicas }),
      transform: settings.transform ?? null,
      rng: rng.fork(`${phase}/train`),
      signal,
      checkpointDir: this.checkpoint?.trainDir(phase),
      onEpochEnd: onEpochEnd && ((report) => onEpochEnd(phase, report)),
      onBatchEnd: onBatchEnd && ((info) => onBatchEnd(phase, info)),
    });
    return result.history;
  }

  private async evaluateModel(phase: SelfTrainPhase, model: LayersModel): Promise<PhaseEvaluation | null> {
    const sets = this.options.evaluate;
    if (!sets) return null;
    const batchSize = this.options.predictBatchSize ?? 256;
    let evaluation: PhaseEvaluation;
    if (sets.triggered) {
      const result = await evaluate(model, { clean: sets.clean, triggered: sets.triggered, targetLabel: sets.targetLabel, batchSize });
      evaluation = { sa: result.sa, asr: result.asr };
    } else {
      evaluation = { sa: await standardAccuracy(model, sets.clean, { batchSize }), asr: null };
    }
    this.options.onEvaluation?.(phase, evaluation);
    return evaluation;
  }

  /** Loads the run state and the teacher's weights from the checkpoint, once. */
  private async restore(): Promise<void> {
    if (this.disposed) throw new Error('Error in SelfTrainer: this trainer was disposed; create a new one (with the same checkpointDir to resume)');
    if (this.restored) return;
    this.restored = true;
    if (!this.checkpoint) return;
    const saved = await this.checkpoint.readState(this.saved.fingerprint);
    if (!saved) return;
    this.saved = saved;
    this.teacher?.dispose();
    this.teacher = this.createTeacher();
    const last: SelfTrainPhase | null =
      saved.completedIterations > 0 ? `iteration-${saved.completedIterations}` : saved.pretrained && !this.options.pretrained ? 'pretrain' : null;
    if (last) await this.checkpoint.loadWeightsInto(last, this.teacher);
  }

  private async saveState(): Promise<void> {
    await this.checkpoint?.writeState(this.saved);
  }
}

/** Runs Algorithm 1 from start to end (or from its checkpoint); see {@link SelfTrainer}. */
export async function selfTrain(options: SelfTrainOptions): Promise<SelfTrainResult> {
  return new SelfTrainer(options).run();
}

/** How many values of ascending `sorted` are below `bound`. */
function countBelow(sorted: Int32Array, bound: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < bound) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
