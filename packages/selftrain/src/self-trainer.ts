import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { ImageDataset, loadModel, predict, saveModel, train } from '@bdst/core';
import type { EpochReport, Rng, Transform } from '@bdst/core';
import { paperStrongAugment } from '@bdst/augment';
import { evaluate, selectionStats } from '@bdst/metrics';
import type { SelectionStats } from '@bdst/metrics';
import { selectConfident } from './select-confident.js';
import type { PseudoLabels } from './select-confident.js';
import { selectionQuota } from './selection-quota.js';
import type { TrainingSettings } from './training-settings.js';

/** Test sets evaluated after pretraining, after every iteration and after the final training. */
export interface EvaluationSets {
  /** Clean test set: standard accuracy (SA). */
  clean: ImageDataset;
  /** Triggered test set (non-target images with the trigger, true labels): attack success rate (ASR). */
  triggered?: ImageDataset;
  /** The attack's target label; required with `triggered`. */
  targetLabel?: number;
}

/** SA and ASR of a model at one point of the run (fractions in [0, 1]). */
export interface PhaseEvaluation {
  /** Standard accuracy on `evaluate.clean`. */
  sa: number;
  /** Attack success rate on `evaluate.triggered`, or null without a triggered set. */
  asr: number | null;
}

/** The phases of a run, in order. */
export type SelfTrainPhase = 'pretrain' | `iteration-${number}` | 'final';

/** What one self-training iteration did (Algorithm 1, one pass of the outer loop). */
export interface IterationReport {
  /** n, 1-based. */
  iteration: number;
  /** min(1, k·n). */
  fraction: number;
  /** Samples selected per class, or null when the whole D_UL was used. */
  perClassQuota: number | null;
  /** |D_UL|. */
  pseudoLabeledCount: number;
  /** |D_n|. */
  selectedCount: number;
  /** How many of D_n came from D_L and from D_U. */
  fromLabeled: number;
  fromUnlabeled: number;
  /** |D_n| per pseudo-label class. */
  classCounts: number[];
  /** Poisoned samples among D_n and the pseudo-labels they got (uses the datasets' `meta`, never read by the algorithm). */
  selection: SelectionStats;
  /** SA/ASR of the warm-started model after this iteration, when `evaluate` is given. */
  evaluation: PhaseEvaluation | null;
  /** Training history of this iteration's retraining. */
  epochs: EpochReport[];
  /** Wall time of the iteration (pseudo-labeling, selection, retraining), seconds. */
  seconds: number;
}

/** Pretraining or final-training summary. */
export interface PhaseReport {
  /** Training history (empty when a pretrained model was given). */
  epochs: EpochReport[];
  /** SA/ASR after the phase, when `evaluate` is given. */
  evaluation: PhaseEvaluation | null;
  /** Wall time, seconds (of the part run in this process when resumed). */
  seconds: number;
}

/** Everything a run records; saved in the checkpoint and returned by {@link SelfTrainer.run}. */
export interface SelfTrainHistory {
  pretrain: PhaseReport | null;
  iterations: IterationReport[];
  final: PhaseReport | null;
}

/** Options of {@link SelfTrainer} and {@link selfTrain} (Algorithm 1; Algorithm 2 through `initialPseudoLabels`). */
export interface SelfTrainOptions {
  /** D_L, the labeled set (possibly poisoned). Its labels are used only for pretraining. */
  labeled: ImageDataset;
  /** D_U, the unlabeled set (possibly poisoned). Its labels are never read. */
  unlabeled: ImageDataset;
  /**
   * Builds a fresh classifier (logits out) for pretraining (when `pretrained` is absent) and for the
   * final training from scratch. Use `rng` to seed the weight initialisation.
   */
  createModel: (rng: Rng) => LayersModel;
  /**
   * A model already trained on D_L ("model trained on D_L" in Algorithm 1's input). It is trained
   * further in place: the teacher becomes the student (Section 4.3). Omit it to pretrain with `pretrain`.
   */
  pretrained?: LayersModel;
  /** Pretraining settings, required when `pretrained` is absent (paper: 200 epochs, Section 5.1). */
  pretrain?: TrainingSettings;
  /**
   * T in Algorithm 1: applied to the labeled images only, and only to pseudo-label them. Default
   * `paperStrongAugment` (RCS0.5+VFlip, Section 4.2); `null` gives the semi-supervised baseline.
   */
  transform?: Transform | null;
  /**
   * Which data are pseudo-labelled (Table 1's pilot variants): `'labeled+unlabeled'` (D_L ∪ D_U,
   * Algorithm 1, default) or `'unlabeled'` (D_U only; D_L is then used only for pretraining).
   */
  pseudoLabelOn?: 'labeled+unlabeled' | 'unlabeled';
  /** N (paper: 4, Section 5.1). */
  iterations?: number;
  /** k (paper: 0.3, Section 5.1). */
  fractionPerIteration?: number;
  /** Each warm-start retraining on D_n (paper: 150 epochs, Section 5.1). */
  retrain: TrainingSettings;
  /** The final training from scratch on D_N (paper: 300 epochs, Section 5.1). */
  final: TrainingSettings;
  /** Test sets for SA/ASR after pretraining, every iteration and the final training. */
  evaluate?: EvaluationSets;
  /**
   * Pseudo-labels of D_UL for the first iteration instead of the model's (Algorithm 2: the K-Means
   * cluster labels, `@bdst/simclr`), in D_UL order (D_L first, then D_U).
   */
  initialPseudoLabels?: PseudoLabels;
  /** The run's random stream: weight init, shuffling, augmentation. */
  rng: Rng;
  /** Stops the run between batches; the checkpoint keeps the last finished epoch. */
  signal?: AbortSignal;
  /** Directory for checkpoints; a run started again with the same directory resumes. */
  checkpointDir?: string;
  /** Batch size for pseudo-labeling and evaluation (default 256). */
  predictBatchSize?: number;
  /** Called when a phase starts. */
  onPhaseStart?: (phase: SelfTrainPhase) => void;
  /** Called after each training epoch of any phase. */
  onEpochEnd?: (phase: SelfTrainPhase, report: EpochReport) => void;
  /** Called after each training batch of any phase. */
  onBatchEnd?: (phase: SelfTrainPhase, info: { epoch: number; batch: number; batches: number; loss: number }) => void;
  /** Called after each self-training iteration. */
  onIterationEnd?: (report: IterationReport) => void;
}

/** The result of a whole run. The caller owns (and disposes) both models. */
export interface SelfTrainResult {
  /** The model trained from scratch on D_N (Algorithm 1's output). */
  model: LayersModel;
  /** The warm-started teacher after the N iterations. */
  selfTrainedModel: LayersModel;
  /** D_N: the last selection, with its pseudo-labels. */
  finalSelection: ImageDataset;
  /** Everything recorded along the way. */
  history: SelfTrainHistory;
}

/** Where a run stands; see {@link SelfTrainer.state}. */
export interface SelfTrainState {
  pretrained: boolean;
  completedIterations: number;
  finished: boolean;
  history: SelfTrainHistory;
}

interface SavedState {
  version: 1;
  pretrained: boolean;
  completedIterations: number;
  finished: boolean;
  history: SelfTrainHistory;
}

const STATE_FILE = 'selftrain-state.json';

/**
 * Self-training with data augmentation (Algorithm 1 of the paper, Section 4.3), as a resumable
 * trainer. For n = 1..N: pseudo-label the transformed labeled images T(x_l) and the untransformed
 * unlabeled images x_u with the current model; keep the original images with those labels
 * (D_UL); select, per predicted class, the ⌈k·n·|D_UL|/C⌉ most confident (D_n); retrain the same
 * model on D_n (warm start) with no loss on the given labels. Then train a fresh model on D_N.
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
  private readonly pseudoLabelOn: 'labeled+unlabeled' | 'unlabeled';
  private teacher: LayersModel | null = null;
  private finalModel: LayersModel | null = null;
  private selection: ImageDataset | null = null;
  private saved: SavedState = { version: 1, pretrained: false, completedIterations: 0, finished: false, history: { pretrain: null, iterations: [], final: null } };
  private restored = false;

  constructor(options: SelfTrainOptions) {
    validateOptions(options);
    this.options = options;
    this.iterations = options.iterations ?? 4;
    this.fractionPerIteration = options.fractionPerIteration ?? 0.3;
    this.transform = options.transform === undefined ? paperStrongAugment : options.transform;
    this.pseudoLabelOn = options.pseudoLabelOn ?? 'labeled+unlabeled';
  }

  /** Where the run stands: what is done, and the history so far. */
  get state(): SelfTrainState {
    const { pretrained, completedIterations, finished, history } = this.saved;
    return { pretrained, completedIterations, finished, history };
  }

  /** The number of samples pseudo-labelled per iteration, |D_UL|. */
  get pseudoLabeledCount(): number {
    return (this.pseudoLabelOn === 'labeled+unlabeled' ? this.options.labeled.length : 0) + this.options.unlabeled.length;
  }

  /** Runs everything that is left (pretraining, the remaining iterations, the final training). */
  async run(): Promise<SelfTrainResult> {
    await this.restore();
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
    if (n > this.iterations) throw new Error(`SelfTrainer.step: all ${this.iterations} iterations are done; call finish()`);
    const phase: SelfTrainPhase = `iteration-${n}`;
    this.options.onPhaseStart?.(phase);
    const started = performance.now();
    const teacher = this.teacher!;
    const { labeled } = this.options;

    // 1–2. Pseudo-label T(x_l) and x_u; D_UL keeps the original images.
    const pseudo = await this.pseudoLabel(n, teacher);
    // 3. Per-class confident selection → D_n.
    const quota = selectionQuota({ iteration: n, fractionPerIteration: this.fractionPerIteration, total: pseudo.labels.length, numClasses: labeled.numClasses });
    const chosen = selectConfident(pseudo, { perClass: quota.perClass, numClasses: labeled.numClasses }).sort();
    const selection = this.gatherSelection(chosen, pseudo.labels);
    const fromLabeled = this.pseudoLabelOn === 'labeled+unlabeled' ? countBelow(chosen, labeled.length) : 0;
    // 4. Warm-start retraining on D_n only: the given labels never reach a loss here.
    const result = await this.trainPhase(teacher, selection, this.options.retrain, phase);
    await this.saveModelFor(phase, teacher);
    await this.saveSelection(n, chosen, selection.labels);
    const evaluation = await this.evaluateModel(teacher);

    const report: IterationReport = {
      iteration: n,
      fraction: quota.fraction,
      perClassQuota: Number.isFinite(quota.perClass) ? quota.perClass : null,
      pseudoLabeledCount: pseudo.labels.length,
      selectedCount: selection.length,
      fromLabeled,
      fromUnlabeled: selection.length - fromLabeled,
      classCounts: [...selection.classCounts()],
      selection: selectionStats(selection, { targetLabel: this.options.evaluate?.targetLabel }),
      evaluation,
      epochs: result,
      seconds: (performance.now() - started) / 1000,
    };
    this.selection = selection;
    this.saved.history.iterations.push(report);
    this.saved.completedIterations = n;
    await this.saveState();
    this.options.onIterationEnd?.(report);
    return report;
  }

  /** Trains the final model from scratch on D_N (after all iterations) and returns the result. */
  async finish(): Promise<SelfTrainResult> {
    await this.restore();
    if (this.saved.completedIterations < this.iterations) {
      throw new Error(`SelfTrainer.finish: only ${this.saved.completedIterations} of ${this.iterations} iterations are done; call step() or run()`);
    }
    const selection = this.selection ?? (await this.loadSelection(this.iterations));
    this.selection = selection;
    if (!this.saved.finished) {
      this.options.onPhaseStart?.('final');
      const started = performance.now();
      const model = this.options.createModel(this.options.rng.fork('final/init'));
      const epochs = await this.trainPhase(model, selection, this.options.final, 'final');
      await this.saveModelFor('final', model);
      this.finalModel = model;
      const evaluation = await this.evaluateModel(model);
      this.saved.history.final = { epochs, evaluation, seconds: (performance.now() - started) / 1000 };
      this.saved.finished = true;
      await this.saveState();
    } else if (!this.finalModel) {
      this.finalModel = await this.loadModelFor('final');
    }
    return { model: this.finalModel!, selfTrainedModel: this.teacher!, finalSelection: selection, history: this.saved.history };
  }

  private async ensurePretrained(): Promise<void> {
    if (this.teacher && this.saved.pretrained) return;
    const { pretrained, createModel, rng, labeled, pretrain } = this.options;
    this.teacher ??= pretrained ?? createModel(rng.fork('pretrain/init'));
    if (this.saved.pretrained) return;
    this.options.onPhaseStart?.('pretrain');
    const started = performance.now();
    let epochs: EpochReport[] = [];
    if (!pretrained) {
      epochs = await this.trainPhase(this.teacher, labeled, pretrain!, 'pretrain');
      await this.saveModelFor('pretrain', this.teacher);
    }
    const evaluation = await this.evaluateModel(this.teacher);
    this.saved.history.pretrain = { epochs, evaluation, seconds: (performance.now() - started) / 1000 };
    this.saved.pretrained = true;
    await this.saveState();
  }

  private async pseudoLabel(n: number, model: LayersModel): Promise<PseudoLabels> {
    const total = this.pseudoLabeledCount;
    const initial = this.options.initialPseudoLabels;
    if (n === 1 && initial) {
      if (initial.labels.length !== total) {
        throw new Error(`SelfTrainer: initialPseudoLabels has ${initial.labels.length} labels but D_UL has ${total} samples`);
      }
      return initial;
    }
    const batchSize = this.options.predictBatchSize ?? 256;
    const labels = new Int32Array(total);
    const confidences = new Float32Array(total);
    let offset = 0;
    if (this.pseudoLabelOn === 'labeled+unlabeled') {
      const onLabeled = await predict(model, this.options.labeled, {
        batchSize,
        transform: this.transform,
        rng: this.options.rng.fork(`iteration-${n}/pseudo-label`),
      });
      labels.set(onLabeled.labels, 0);
      confidences.set(onLabeled.confidences, 0);
      offset = this.options.labeled.length;
    }
    const onUnlabeled = await predict(model, this.options.unlabeled, { batchSize });
    labels.set(onUnlabeled.labels, offset);
    confidences.set(onUnlabeled.confidences, offset);
    return { labels, confidences };
  }

  /** D_n: the original images at the chosen D_UL indices (sorted), with their pseudo-labels. */
  private gatherSelection(chosen: Int32Array, pseudoLabels: Int32Array): ImageDataset {
    const { labeled, unlabeled } = this.options;
    const nL = this.pseudoLabelOn === 'labeled+unlabeled' ? labeled.length : 0;
    const split = countBelow(chosen, nL);
    const labels = Int32Array.from(chosen, (i) => pseudoLabels[i]);
    const parts = [];
    if (split > 0) parts.push({ dataset: labeled, indices: chosen.subarray(0, split) });
    parts.push({ dataset: unlabeled, indices: Int32Array.from(chosen.subarray(split), (i) => i - nL) });
    return ImageDataset.gather(parts, { labels, name: 'D_n' });
  }

  private async trainPhase(model: LayersModel, dataset: ImageDataset, settings: TrainingSettings, phase: SelfTrainPhase): Promise<EpochReport[]> {
    const { rng, signal, checkpointDir, onEpochEnd, onBatchEnd } = this.options;
    const result = await train(model, dataset, {
      epochs: settings.epochs,
      batchSize: settings.batchSize,
      lr: settings.lr,
      momentum: settings.momentum,
      weightDecay: settings.weightDecay,
      schedule: settings.schedule,
      transform: settings.transform ?? null,
      rng: rng.fork(`${phase}/train`),
      signal,
      checkpointDir: checkpointDir ? join(checkpointDir, `train-${phase}`) : undefined,
      onEpochEnd: onEpochEnd && ((report) => onEpochEnd(phase, report)),
      onBatchEnd: onBatchEnd && ((info) => onBatchEnd(phase, info)),
    });
    return result.history;
  }

  private async evaluateModel(model: LayersModel): Promise<PhaseEvaluation | null> {
    const sets = this.options.evaluate;
    if (!sets) return null;
    const result = await evaluate(model, {
      clean: sets.clean,
      triggered: sets.triggered,
      targetLabel: sets.targetLabel,
      batchSize: this.options.predictBatchSize ?? 256,
    });
    return { sa: result.sa, asr: sets.triggered ? result.asr : null };
  }

  // ---- checkpoints -------------------------------------------------------------------------

  private async restore(): Promise<void> {
    if (this.restored) return;
    this.restored = true;
    const dir = this.options.checkpointDir;
    if (!dir) return;
    await mkdir(dir, { recursive: true });
    const file = join(dir, STATE_FILE);
    if (!existsSync(file)) return;
    let saved: SavedState;
    try {
      saved = JSON.parse(await readFile(file, 'utf8')) as SavedState;
    } catch (error) {
      throw new Error(`SelfTrainer: cannot read the checkpoint ${file}: ${(error as Error).message}`);
    }
    if (saved.version !== 1) throw new Error(`SelfTrainer: checkpoint ${file} has version ${saved.version}, expected 1`);
    if (saved.completedIterations > this.iterations) {
      throw new Error(`SelfTrainer: checkpoint ${file} has ${saved.completedIterations} iterations done but this run has iterations = ${this.iterations}`);
    }
    this.saved = saved;
    const { pretrained, createModel, rng } = this.options;
    this.teacher = pretrained ?? createModel(rng.fork('pretrain/init'));
    const last: SelfTrainPhase | null = saved.completedIterations > 0 ? `iteration-${saved.completedIterations}` : saved.pretrained && !pretrained ? 'pretrain' : null;
    if (last) await this.loadWeightsInto(this.teacher, last);
  }

  private async saveState(): Promise<void> {
    const dir = this.options.checkpointDir;
    if (!dir) return;
    const file = join(dir, STATE_FILE);
    await writeFile(`${file}.tmp`, JSON.stringify(this.saved));
    await rename(`${file}.tmp`, file);
  }

  private async saveModelFor(phase: SelfTrainPhase, model: LayersModel): Promise<void> {
    const dir = this.options.checkpointDir;
    if (!dir) return;
    const tmp = join(dir, `model-${phase}.tmp`);
    await saveModel(model, tmp);
    await rename(tmp, join(dir, `model-${phase}`)).catch(async () => {
      const { rm } = await import('node:fs/promises');
      await rm(join(dir, `model-${phase}`), { recursive: true, force: true });
      await rename(tmp, join(dir, `model-${phase}`));
    });
  }

  private async loadModelFor(phase: SelfTrainPhase): Promise<LayersModel> {
    return loadModel(join(this.options.checkpointDir!, `model-${phase}`));
  }

  private async loadWeightsInto(model: LayersModel, phase: SelfTrainPhase): Promise<void> {
    const saved = await this.loadModelFor(phase);
    model.setWeights(saved.getWeights());
    saved.dispose();
  }

  private async saveSelection(n: number, chosen: Int32Array, labels: Int32Array): Promise<void> {
    const dir = this.options.checkpointDir;
    if (!dir) return;
    const file = join(dir, `selection-iteration-${n}.bin`);
    const buffer = Buffer.alloc(8 + 8 * chosen.length);
    buffer.writeUInt32LE(chosen.length, 0);
    Buffer.from(chosen.buffer, chosen.byteOffset, chosen.byteLength).copy(buffer, 8);
    Buffer.from(labels.buffer, labels.byteOffset, labels.byteLength).copy(buffer, 8 + 4 * chosen.length);
    await writeFile(`${file}.tmp`, buffer);
    await rename(`${file}.tmp`, file);
  }

  private async loadSelection(n: number): Promise<ImageDataset> {
    const dir = this.options.checkpointDir;
    if (!dir) throw new Error('SelfTrainer: no selection in memory and no checkpointDir to read it from');
    const buffer = await readFile(join(dir, `selection-iteration-${n}.bin`));
    const count = buffer.readUInt32LE(0);
    const chosen = new Int32Array(count);
    const labels = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      chosen[i] = buffer.readInt32LE(8 + 4 * i);
      labels[i] = buffer.readInt32LE(8 + 4 * count + 4 * i);
    }
    const full = new Int32Array(this.pseudoLabeledCount);
    chosen.forEach((c, j) => (full[c] = labels[j]));
    return this.gatherSelection(chosen, full);
  }
}

/** Runs Algorithm 1 from start to end (or from its checkpoint); see {@link SelfTrainer}. */
export async function selfTrain(options: SelfTrainOptions): Promise<SelfTrainResult> {
  return new SelfTrainer(options).run();
}

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

function validateOptions(o: SelfTrainOptions): void {
  const fail = (m: string): never => {
    throw new Error(`selfTrain: ${m}`);
  };
  if (!(o.labeled instanceof ImageDataset)) fail('labeled must be an ImageDataset (D_L)');
  if (!(o.unlabeled instanceof ImageDataset)) fail('unlabeled must be an ImageDataset (D_U)');
  if (o.labeled.imageShape.join('×') !== o.unlabeled.imageShape.join('×')) {
    fail(`labeled images are ${o.labeled.imageShape.join('×')} but unlabeled images are ${o.unlabeled.imageShape.join('×')}`);
  }
  if (o.labeled.numClasses !== o.unlabeled.numClasses) fail(`labeled has ${o.labeled.numClasses} classes but unlabeled has ${o.unlabeled.numClasses}`);
  if (typeof o.createModel !== 'function') fail('createModel must be a function (rng) => LayersModel');
  if (!o.pretrained && !o.pretrain) fail('give either `pretrained` (a model trained on D_L) or `pretrain` (settings to train one)');
  if (o.iterations !== undefined && !(Number.isInteger(o.iterations) && o.iterations >= 1)) fail(`iterations must be a positive integer, got ${o.iterations}`);
  if (o.fractionPerIteration !== undefined && !(o.fractionPerIteration > 0 && o.fractionPerIteration <= 1)) {
    fail(`fractionPerIteration must be in (0, 1], got ${o.fractionPerIteration}`);
  }
  if (o.pseudoLabelOn !== undefined && o.pseudoLabelOn !== 'labeled+unlabeled' && o.pseudoLabelOn !== 'unlabeled') {
    fail(`pseudoLabelOn must be 'labeled+unlabeled' or 'unlabeled', got ${JSON.stringify(o.pseudoLabelOn)}`);
  }
  if (!o.retrain || !(o.retrain.epochs >= 1)) fail('retrain.epochs must be a positive integer');
  if (!o.final || !(o.final.epochs >= 1)) fail('final.epochs must be a positive integer');
  if (!o.rng || typeof o.rng.fork !== 'function') fail('rng must be an Rng (createRng(seed) from @bdst/core)');
  if (o.evaluate?.triggered && o.evaluate.targetLabel === undefined) fail('evaluate.targetLabel is required with evaluate.triggered');
  if (o.unlabeled.length === 0 && o.pseudoLabelOn === 'unlabeled') fail('unlabeled is empty, so there is nothing to pseudo-label');
}
