import { join } from 'node:path';
import { ImageDataset } from '@bdst/core';
import { checkSelfTrainOptions, SelfTrainer } from '@bdst/selftrain';
import type { SelfTrainOptions, SelfTrainResult } from '@bdst/selftrain';
import { selectionStats } from '@bdst/metrics';
import type { SelectionStats } from '@bdst/metrics';
import { createSimclrModel, type SimclrModel } from '../encoder/simclr-model.js';
import { embed, type Embeddings } from '../embedding/embed.js';
import { assignPseudoLabels, clusterPseudoLabels, type ClusterModel, type ClusterPseudoLabels, type ClusterPseudoLabelsOptions } from '../cluster/cluster-pseudo-labels.js';
import { SimclrTrainer } from '../trainer/simclr-trainer.js';
import type { SimclrEpochReport, SimclrFitOptions, SimclrFitResult } from '../trainer/simclr-fit-options.js';

/** The SimCLR part of {@link SelfTrainWithSimclrOptions}. */
export interface SimclrStageOptions {
  /**
   * The SimCLR network to train (or one already trained, with `fit.epochs` equal to the epochs it
   * was trained for and a `checkpointDir` holding its checkpoint). Default: a new
   * `createSimclrModel({ encoder: 'resnet18', inputShape })` seeded from `rng.fork('simclr/init')`.
   */
  model?: SimclrModel;
  /**
   * SimCLR training on D_L ∪ D_U (paper: 1000 epochs, batch 512, lr 0.6, momentum 0.9, weight
   * decay 1e-6, τ 0.5 — the defaults of {@link SimclrFitOptions} but `epochs`). Randomness,
   * `signal` and `checkpointDir` come from the run's options.
   */
  fit: Omit<SimclrFitOptions, 'rng' | 'signal' | 'checkpointDir'>;
}

/** Options of {@link selfTrainWithSimclr} (Algorithm 2). */
export interface SelfTrainWithSimclrOptions extends Omit<SelfTrainOptions, 'initialPseudoLabels' | 'pseudoLabelOn' | 'transform'> {
  /** SimCLR: the network and its training. */
  simclr: SimclrStageOptions;
  /** K-Means on D_L's embeddings (default k = C clusters; seeded from `rng.fork('kmeans')`). */
  cluster?: Omit<ClusterPseudoLabelsOptions, 'rng' | 'numClasses'>;
  /**
   * Applied to x_l before the model pseudo-labels it in iterations n ≥ 2. Default `null`:
   * Algorithm 2 forward-passes x_l ∪ x_u as they are. Pass e.g. `paperStrongAugment` to combine
   * both defenses (Algorithm 1's T).
   */
  transform?: SelfTrainOptions['transform'];
  /** Images per forward pass when embedding (default 256). */
  embedBatchSize?: number;
  /** Called after each SimCLR epoch. */
  onSimclrEpochEnd?: (report: SimclrEpochReport) => void;
}

/** What {@link selfTrainWithSimclr} returns: Algorithm 1's result plus the SimCLR and clustering stages. */
export interface SelfTrainWithSimclrResult extends SelfTrainResult {
  /** The trained SimCLR network (the caller disposes `network` and `encoder`). */
  simclrModel: SimclrModel;
  /** SimCLR's training history. */
  simclr: SimclrFitResult;
  /** The K-Means clusters of D_L's embeddings and their majority labels. */
  clusters: ClusterModel;
  /** Iteration 1's pseudo-labels of D_L ∪ D_U (D_L first) from the nearest centre. */
  initialPseudoLabels: ClusterPseudoLabels;
  /**
   * The cluster pseudo-labels of D_L ∪ D_U against the datasets' poisoning bookkeeping (analysis
   * only; the algorithm never reads `meta`): accuracy against the true labels, and how many
   * poisoned samples the clusters still give the attack's target label (`evaluate.targetLabel`, default 1).
   */
  initialPseudoLabelStats: SelectionStats;
}

/**
 * Self-training with SimCLR, Algorithm 2 of the paper (Section 4.4):
 *
 * 1. train a SimCLR encoder f(·) on D_L ∪ D_U (labels never read; {@link SimclrTrainer});
 * 2. h = f(D_L), L2-normalized ({@link embed}); K-Means into k = C clusters; each cluster takes
 *    the majority of the given labels y_l in it ({@link clusterPseudoLabels});
 * 3. iteration 1 pseudo-labels x_l ∪ x_u by the nearest centre, with the distance-based
 *    confidence of {@link assignPseudoLabels}; iterations 2…N pseudo-label them with the model;
 *    each iteration selects the ⌈k·n·|D_UL|/C⌉ most confident per class and retrains the model
 *    (warm start); finally a model is trained from scratch on D_N.
 *
 * Step 3 is `@bdst/selftrain`'s {@link SelfTrainer} (its `initialPseudoLabels` hook) with
 * `pseudoLabelOn: 'labeled+unlabeled'` and, by default, no transform. The classifier starts from
 * `pretrained`, or is pretrained on D_L with `pretrain` ("model trained on D_L", Algorithm 2's input).
 *
 * With `checkpointDir`, SimCLR checkpoints in `<dir>/simclr` and self-training in
 * `<dir>/self-train`; a run started again with the same directory resumes (K-Means is
 * recomputed: it is a pure function of the embeddings and the seed).
 */
export async function selfTrainWithSimclr(options: SelfTrainWithSimclrOptions): Promise<SelfTrainWithSimclrResult> {
  const fn = 'selfTrainWithSimclr';
  if (options === null || typeof options !== 'object') throw new Error(`Error in ${fn}: options must be an object, but got ${String(options)}`);
  const { labeled, unlabeled, rng, simclr, cluster = {}, embedBatchSize = 256, checkpointDir, signal } = options;
  if (!(labeled instanceof ImageDataset)) throw new Error(`Error in ${fn}: options.labeled must be an ImageDataset (D_L), but got ${String(labeled)}`);
  if (!(unlabeled instanceof ImageDataset)) throw new Error(`Error in ${fn}: options.unlabeled must be an ImageDataset (D_U), but got ${String(unlabeled)}`);
  if (!rng || typeof rng.fork !== 'function') throw new Error(`Error in ${fn}: options.rng must be an Rng (createRng(seed)), but got ${String(rng)}`);
  if (!simclr || typeof simclr !== 'object' || !simclr.fit || typeof simclr.fit !== 'object') {
    throw new Error(`Error in ${fn}: options.simclr must be { model?, fit: { epochs, … } }, but got ${JSON.stringify(simclr)}`);
  }
  if (labeled.length < 2) throw new Error(`Error in ${fn}: options.labeled must hold at least 2 images to cluster, but has ${labeled.length}`);
  // Let SelfTrainer check the rest of its options before the long SimCLR stage starts.
  const selfTrainOptions = (initialPseudoLabels: ClusterPseudoLabels): SelfTrainOptions => {
    const { simclr: _s, cluster: _c, embedBatchSize: _e, onSimclrEpochEnd: _o, ...rest } = options;
    return {
      ...rest,
      transform: options.transform === undefined ? null : options.transform,
      pseudoLabelOn: 'labeled+unlabeled',
      initialPseudoLabels,
      rng: rng.fork('self-train'),
      checkpointDir: checkpointDir === undefined ? undefined : join(checkpointDir, 'self-train'),
    };
  };
  const total = labeled.length + unlabeled.length;
  checkSelfTrainOptions(selfTrainOptions({ labels: new Int32Array(total), confidences: new Float32Array(total), clusters: new Int32Array(total) }));

  // 1. SimCLR on D_L ∪ D_U.
  const simclrModel = simclr.model ?? createSimclrModel({ encoder: 'resnet18', inputShape: labeled.imageShape, rng: rng.fork('simclr/init') });
  const union = unlabeled.length > 0 ? ImageDataset.concat([labeled, unlabeled], 'D_L+D_U') : labeled;
  const simclrResult = await new SimclrTrainer(simclrModel).fit(union, {
    ...simclr.fit,
    rng: rng.fork('simclr/fit'),
    signal,
    checkpointDir: checkpointDir === undefined ? undefined : join(checkpointDir, 'simclr'),
    onEpochEnd: options.onSimclrEpochEnd,
  });

  // 2. K-Means on the normalized h of D_L, majority labels.
  const hLabeled = await embed(simclrModel, labeled, { batchSize: embedBatchSize });
  const clusters = clusterPseudoLabels(hLabeled, labeled.labels, { ...cluster, numClasses: labeled.numClasses, rng: rng.fork('kmeans') });

  // 3. Iteration 1's pseudo-labels of x_l ∪ x_u from the nearest centre (D_L first, as SelfTrainer orders D_UL).
  const hUnlabeled = await embed(simclrModel, unlabeled, { batchSize: embedBatchSize });
  const initialPseudoLabels = assignPseudoLabels(clusters, concatEmbeddings(hLabeled, hUnlabeled));
  const initialPseudoLabelStats = selectionStats(
    { indices: Int32Array.from({ length: union.length }, (_, i) => i), pseudoLabels: initialPseudoLabels.labels },
    union,
    { targetLabel: options.evaluate?.targetLabel ?? 1 },
  );

  const result = await new SelfTrainer(selfTrainOptions(initialPseudoLabels)).run();
  return { ...result, simclrModel, simclr: simclrResult, clusters, initialPseudoLabels, initialPseudoLabelStats };
}

function concatEmbeddings(a: Embeddings, b: Embeddings): Embeddings {
  const vectors = new Float32Array(a.vectors.length + b.vectors.length);
  vectors.set(a.vectors, 0);
  vectors.set(b.vectors, a.vectors.length);
  return { vectors, count: a.count + b.count, dim: a.dim };
}
