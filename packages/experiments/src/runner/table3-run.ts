import { createSimclrModel, selfTrainWithSimclr } from '@bdst/simclr';
import { loadExperimentData } from '../data/load-experiment-data.js';
import { poisonExperimentData } from '../data/poison-experiment-data.js';
import { modelFactory, trainingSettings } from './model-factory.js';
import type { RunContext } from './run-context.js';
import { formatScore, summarizeIteration, toScore } from './self-train-method.js';
import type { MethodResult, Score } from './self-train-method.js';
import { pretrainOn, scoreOnce } from './table2-run.js';
import type { DataSummary } from './table2-run.js';

/** Results of Table 3 (kind `'table3-simclr'`): Algorithm 2 against the pretrained model. */
export interface Table3Result {
  /** Kind tag. */
  kind: 'table3-simclr';
  /** The data. */
  data: DataSummary;
  /** The model trained on poisoned D_L ("Pretrained Model"). */
  pretrained: Score;
  /** Self-training with SimCLR + K-Means ("Proposed Method"). */
  proposed: MethodResult;
  /**
   * Accuracy, against the true labels, of iteration 1's cluster pseudo-labels on D_L ∪ D_U (the
   * nearest K-Means centre's majority label), in [0, 1].
   */
  clusterAccuracy: number;
  /** Poisoned samples of D_L ∪ D_U to which the clusters gave the target label (the backdoor's label). */
  clusterPoisonedWithTarget: number;
  /** SimCLR's NT-Xent loss after its last epoch. */
  simclrFinalLoss: number;
}

/**
 * Table 3 (Section 5.2.2, Algorithm 2): pretrain on poisoned D_L, then `selfTrainWithSimclr` of
 * `@bdst/simclr` from a copy of that model — SimCLR on D_L ∪ D_U (ResNet-18 encoder at the paper
 * scale, the config's `smallCnn` otherwise), K-Means on D_L's embeddings, cluster pseudo-labels for
 * the first iteration, then Algorithm 1's selection, warm-start retraining and final training.
 */
export async function runTable3(ctx: RunContext): Promise<Table3Result> {
  const { config } = ctx;
  const simclr = config.simclr!;
  const loaded = await loadExperimentData(config.dataset, ctx.rng.fork('data'));
  ctx.progress.note(loaded.description);
  const data = await poisonExperimentData(loaded, config.attack, ctx);
  const pretrained = await pretrainOn(ctx, data);
  try {
    const pretrainedScore = await scoreOnce(ctx, 'pretrain-score', pretrained, data);
    return await ctx.once('simclr-self-train', async () => {
      const part = 'simclr';
      const createModel = modelFactory(config.model, data.labeled.imageShape, data.labeled.numClasses);
      const teacher = createModel(ctx.rng.fork(`${part}/copy`));
      teacher.setWeights(pretrained.getWeights());
      const small = config.model.name === 'smallCnn';
      const simclrModel = createSimclrModel({
        encoder: small ? 'smallCnn' : 'resnet18',
        inputShape: data.labeled.imageShape,
        projectionDim: simclr.projectionDim,
        ...(small && config.model.widths ? { widths: config.model.widths } : {}),
        rng: ctx.rng.fork(`${part}/simclr-init`),
      });
      const retrain = trainingSettings(config.selfTrain.retrain);
      const final = trainingSettings(config.selfTrain.final);
      const simclrPhase = `${part} SimCLR`;
      ctx.progress.phaseStart({ phase: simclrPhase, epochs: simclr.epochs });
      const epochsOf = (phase: string): number => (phase === 'final' ? final.epochs : retrain.epochs);
      const result = await selfTrainWithSimclr({
        labeled: data.labeled,
        unlabeled: data.unlabeled,
        createModel,
        pretrained: teacher,
        iterations: config.selfTrain.iterations,
        fractionPerIteration: config.selfTrain.fractionPerIteration,
        retrain,
        final,
        evaluate: { clean: data.test, triggered: data.triggeredTest, targetLabel: data.targetLabel },
        simclr: {
          model: simclrModel,
          fit: {
            epochs: simclr.epochs,
            batchSize: simclr.batchSize,
            lr: simclr.lr,
            momentum: simclr.momentum,
            weightDecay: simclr.weightDecay,
            temperature: simclr.temperature,
            onBatchEnd: (info) => ctx.progress.batch({ phase: simclrPhase, epochs: simclr.epochs, ...info }),
          },
        },
        onSimclrEpochEnd: (r) => ctx.progress.epoch({ phase: simclrPhase, epoch: r.epoch, epochs: simclr.epochs, loss: r.loss, accuracy: null, seconds: r.seconds }),
        onPhaseStart: (phase) => ctx.progress.phaseStart({ phase: `${part} ${phase}`, epochs: epochsOf(phase) }),
        onBatchEnd: (phase, info) => ctx.progress.batch({ phase: `${part} ${phase}`, epochs: epochsOf(phase), ...info }),
        onEpochEnd: (phase, r) => ctx.progress.epoch({ phase: `${part} ${phase}`, epoch: r.epoch, epochs: epochsOf(phase), loss: r.loss, accuracy: r.accuracy, seconds: r.seconds }),
        onIterationEnd: (r) => ctx.progress.note(`${part} iteration ${r.iteration}: |D_n| = ${r.selectedCount}, poisoned selected ${r.selection.poisoned}${formatScore(r.evaluation)}`),
        rng: ctx.rng.fork(part),
        signal: ctx.signal,
        checkpointDir: ctx.dir(part),
      });
      const { history } = result;
      result.model.dispose();
      if (result.selfTrainedModel !== teacher) result.selfTrainedModel.dispose();
      teacher.dispose();
      result.simclrModel.network.dispose();
      const score = toScore(history.final?.evaluation ?? null)!;
      const iterations = history.iterations.map(summarizeIteration);
      const proposed: MethodResult = {
        score,
        selfTrainedScore: iterations.at(-1)?.score ?? null,
        iterations,
        seconds: history.iterations.reduce((s, r) => s + r.seconds, 0) + (history.final?.seconds ?? 0),
      };
      ctx.progress.note(`${part}: final model${formatScore(score)}; cluster pseudo-label accuracy ${(result.initialPseudoLabelStats.pseudoLabelAccuracy * 100).toFixed(1)} %`);
      return {
        kind: 'table3-simclr' as const,
        data: { description: loaded.description, poisoned: data.poisonedCounts },
        pretrained: pretrainedScore,
        proposed,
        clusterAccuracy: result.initialPseudoLabelStats.pseudoLabelAccuracy,
        clusterPoisonedWithTarget: result.initialPseudoLabelStats.poisonedWithTarget,
        simclrFinalLoss: result.simclr.history.at(-1)?.loss ?? Number.NaN,
      };
    });
  } finally {
    pretrained.dispose();
  }
}
