import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { Transform } from '@bdst/core';
import { SelfTrainer } from '@bdst/selftrain';
import type { IterationReport, PhaseEvaluation } from '@bdst/selftrain';
import type { PoisonedData } from '../data/poison-experiment-data.js';
import { modelFactory, trainingSettings } from './model-factory.js';
import type { RunContext } from './run-context.js';

/** SA and ASR of one model (fractions in [0, 1]). */
export interface Score {
  /** Standard accuracy on the clean test set. */
  sa: number;
  /** Attack success rate on the triggered non-target test images. */
  asr: number;
}

/** One self-training iteration, as recorded in `results.json`. */
export interface IterationSummary {
  /** n, 1-based. */
  iteration: number;
  /** |D_n|. */
  selected: number;
  /** Poisoned samples in D_n. */
  poisonedSelected: number;
  /** Poisoned samples in D_n whose pseudo-label is the target (the backdoor survives in them). */
  poisonedWithTarget: number;
  /** Pseudo-label accuracy of D_n against the true labels. */
  pseudoLabelAccuracy: number;
  /** SA/ASR of the warm-started model after the iteration. */
  score: Score | null;
  /** Wall time, seconds. */
  seconds: number;
}

/** A self-training run (baseline or proposed) as recorded in `results.json`. */
export interface MethodResult {
  /** SA/ASR of the final model, trained from scratch on D_N (Algorithm 1's output). */
  score: Score;
  /** SA/ASR of the warm-started model after the last iteration. */
  selfTrainedScore: Score | null;
  /** Per-iteration records. */
  iterations: IterationSummary[];
  /** Wall time of the run in this process and the ones before it, seconds. */
  seconds: number;
}

/** Options of {@link runSelfTrainingMethod}. */
export interface SelfTrainingMethodOptions {
  /** The part name (`"baseline"`, `"proposed"`, a pilot variant): labels progress and checkpoints. */
  part: string;
  /** T, or null for the semi-supervised baseline. */
  transform: Transform | null;
  /** Table 1's variants; default `'labeled+unlabeled'`. */
  pseudoLabelOn?: 'labeled+unlabeled' | 'unlabeled';
  /** The model trained on D_L; it is copied, not changed. */
  pretrained: LayersModel;
  /** The attacked data. */
  data: PoisonedData;
}

/**
 * Runs Algorithm 1 (`SelfTrainer` of `@bdst/selftrain`) from a copy of the pretrained model, with
 * the config's N, k and training phases, checkpointing under the part's directory (a killed run
 * resumes from its last finished epoch), and returns its scores. Models are disposed.
 */
export async function runSelfTrainingMethod(ctx: RunContext, options: SelfTrainingMethodOptions): Promise<MethodResult> {
  const { part, data } = options;
  const { selfTrain } = ctx.config;
  const createModel = modelFactory(ctx.config.model, data.labeled.imageShape, data.labeled.numClasses);
  const teacher = createModel(ctx.rng.fork(`${part}/copy`));
  teacher.setWeights(options.pretrained.getWeights());
  const retrain = trainingSettings(selfTrain.retrain);
  const final = trainingSettings(selfTrain.final);
  const epochsOf = (phase: string): number => (phase === 'final' ? final.epochs : retrain.epochs);
  const started = performance.now();
  const trainer = new SelfTrainer({
    labeled: data.labeled,
    unlabeled: data.unlabeled,
    createModel,
    pretrained: teacher,
    transform: options.transform,
    pseudoLabelOn: options.pseudoLabelOn ?? 'labeled+unlabeled',
    iterations: selfTrain.iterations,
    fractionPerIteration: selfTrain.fractionPerIteration,
    retrain,
    final,
    evaluate: { clean: data.test, triggered: data.triggeredTest, targetLabel: data.targetLabel },
    rng: ctx.rng.fork(part),
    signal: ctx.signal,
    checkpointDir: ctx.dir(part),
    onPhaseStart: (phase) => {
      if (phase !== 'pretrain') ctx.progress.phaseStart({ phase: `${part} ${phase}`, epochs: epochsOf(phase) });
    },
    onBatchEnd: (phase, info) => ctx.progress.batch({ phase: `${part} ${phase}`, epochs: epochsOf(phase), ...info }),
    onEpochEnd: (phase, r) =>
      ctx.progress.epoch({ phase: `${part} ${phase}`, epoch: r.epoch, epochs: epochsOf(phase), loss: r.loss, accuracy: r.accuracy, seconds: r.seconds }),
    onIterationEnd: (r) => ctx.progress.note(`${part} iteration ${r.iteration}: |D_n| = ${r.selectedCount}, poisoned selected ${r.selection.poisoned}${formatScore(r.evaluation)}`),
  });
  const result = await trainer.run();
  const { history } = result;
  result.model.dispose();
  if (result.selfTrainedModel !== teacher) result.selfTrainedModel.dispose();
  teacher.dispose();
  const finalScore = toScore(history.final?.evaluation ?? null);
  if (!finalScore) throw new Error(`runSelfTrainingMethod: ${part} finished without a final evaluation`);
  const iterations = history.iterations.map(summarizeIteration);
  const seconds = history.iterations.reduce((s, r) => s + r.seconds, 0) + (history.final?.seconds ?? 0);
  ctx.progress.note(`${part}: final model${formatScore(history.final?.evaluation ?? null)} (${((performance.now() - started) / 1000).toFixed(0)} s in this process)`);
  return { score: finalScore, selfTrainedScore: iterations.at(-1)?.score ?? null, iterations, seconds };
}

/** A `@bdst/selftrain` iteration report as recorded in `results.json`. */
export function summarizeIteration(r: IterationReport): IterationSummary {
  return {
    iteration: r.iteration,
    selected: r.selectedCount,
    poisonedSelected: r.selection.poisoned,
    poisonedWithTarget: r.selection.poisonedWithTarget,
    pseudoLabelAccuracy: r.selection.pseudoLabelAccuracy,
    score: toScore(r.evaluation),
    seconds: r.seconds,
  };
}

/** A selftrain evaluation as a {@link Score} (null without one or without ASR). */
export function toScore(evaluation: PhaseEvaluation | null): Score | null {
  if (!evaluation || evaluation.asr === null) return null;
  return { sa: evaluation.sa, asr: evaluation.asr };
}

/** `", SA 81.2 %, ASR 3.4 %"`, or nothing. */
export function formatScore(evaluation: { sa: number; asr: number | null } | null): string {
  if (!evaluation) return '';
  return `, SA ${(evaluation.sa * 100).toFixed(1)} %${evaluation.asr === null ? '' : `, ASR ${(evaluation.asr * 100).toFixed(1)} %`}`;
}
