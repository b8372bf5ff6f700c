/**
 * `@bdst/simclr`: self-training with self-supervised representation learning (Section 4.4 and
 * Algorithm 2 of the paper) — the NT-Xent loss, SimCLR networks and their trainer, embeddings and
 * a k-NN monitor, K-Means cluster pseudo-labels, and Algorithm 2 on top of `@bdst/selftrain`.
 *
 * @packageDocumentation
 */
export { ntXentLoss, PAPER_NT_XENT_TEMPERATURE } from './nt-xent/nt-xent-loss.js';
export { createSimclrModel, PAPER_PROJECTION_DIM } from './encoder/simclr-model.js';
export type { SimclrModel, SimclrModelOptions, SimclrEncoderName } from './encoder/simclr-model.js';
export { SimclrTrainer, scheduledRate } from './trainer/simclr-trainer.js';
export { contrastiveStep } from './trainer/contrastive-step.js';
export { PAPER_SIMCLR_DEFAULTS } from './trainer/simclr-fit-options.js';
export type { SimclrFitOptions, SimclrFitResult, SimclrEpochReport, SimclrBatchInfo, SimclrSchedule, KnnMonitor } from './trainer/simclr-fit-options.js';
export { embed } from './embedding/embed.js';
export type { Embeddings, EmbedOptions } from './embedding/embed.js';
export { knnAccuracy } from './embedding/knn-accuracy.js';
export type { KnnAccuracyOptions } from './embedding/knn-accuracy.js';
export { clusterPseudoLabels, assignPseudoLabels } from './cluster/cluster-pseudo-labels.js';
export type { ClusterModel, ClusterPseudoLabels, ClusterPseudoLabelsOptions } from './cluster/cluster-pseudo-labels.js';
export { selfTrainWithSimclr } from './algorithm2/self-train-with-simclr.js';
export type { SelfTrainWithSimclrOptions, SelfTrainWithSimclrResult, SimclrStageOptions } from './algorithm2/self-train-with-simclr.js';
export { simclrPresets } from './presets.js';
export type { SimclrPreset } from './presets.js';
