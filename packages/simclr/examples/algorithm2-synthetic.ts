/**
 * Algorithm 2 (self-training with SimCLR) against BadNets on the synthetic set, beside Algorithm 1
 * (self-training with RCS0.5+VFlip) from the same pretrained model — the run recorded in
 * docs/results/simclr.md. Sized for two CPU cores (WASM backend): about 10 minutes alone.
 *
 *   node --import tsx --conditions source packages/simclr/examples/algorithm2-synthetic.ts
 *   node --import tsx --conditions source packages/simclr/examples/algorithm2-synthetic.ts --strong-t
 *
 * `--strong-t` runs only Algorithm 2, pseudo-labelling x_l through T = RCS0.5+VFlip in iterations
 * 2–4 (Section 4.4's "proceeds as described in Section 4.3") instead of the algorithm box's plain
 * forward pass.
 *
 * Setting: 1,500 gray 16×16 synthetic images split 20% D_L / 80% D_U, BadNets with a 3×3
 * gray-scale trigger in the bottom-right corner, target 1, γ(D_L) = 0.1, γ(D_U) = 0.01; a
 * 400-image clean test set and its triggered non-target images for SA / ASR.
 */
import { createRng, initBackend, smallCnn, syntheticDataset, train } from '@bdst/core';
import type { Rng, Transform } from '@bdst/core';
import { badnetsTrigger, poisonBadNets, poisonUnlabeled, triggeredTestSet } from '@bdst/attacks';
import { colorJitter, compose, paperStrongAugment, randomApply, randomHorizontalFlip, randomResizedCrop, randomVerticalFlip } from '@bdst/augment';
import { evaluate } from '@bdst/metrics';
import { selfTrain } from '@bdst/selftrain';
import type { SelfTrainResult } from '@bdst/selftrain';
import { createSimclrModel, selfTrainWithSimclr, simclrPresets } from '@bdst/simclr';
import type { SelfTrainWithSimclrResult } from '@bdst/simclr';

/** SA / ASR of one model (fractions). */
export interface SaAsr {
  sa: number;
  asr: number;
}

/** What {@link runAlgorithm2Synthetic} measured. */
export interface Algorithm2SyntheticRun {
  pretrained: SaAsr;
  algorithm2: SelfTrainWithSimclrResult;
  algorithm1: SelfTrainResult | null;
  seconds: number;
}

const S = 16;
const inputShape = [S, S, 1] as const;

/**
 * Runs the experiment: poison, pretrain one classifier on D_L, then Algorithm 2 (and, with
 * `withAlgorithm1`, Algorithm 1) from copies of it. `log` receives progress lines.
 */
export async function runAlgorithm2Synthetic(options: { withAlgorithm1: boolean; algorithm2Transform?: Transform | null; log?: (line: string) => void }): Promise<Algorithm2SyntheticRun> {
  const started = performance.now();
  const log = (line: string) => options.log?.(`${((performance.now() - started) / 1000).toFixed(0)}s ${line}`);
  const all = syntheticDataset({ size: 1500, seed: 'alg2', height: S, width: S, channels: 1 });
  const test = syntheticDataset({ size: 400, seed: 'alg2-test', height: S, width: S, channels: 1 });
  const [labeledClean, unlabeledClean] = all.split(0.2, createRng('split'));
  const trigger = badnetsTrigger({ kind: 'grayscale', size: 3 });
  const labeled = poisonBadNets(labeledClean, { trigger, targetLabel: 1, ratio: 0.1, rng: createRng('poison-l') });
  const unlabeled = await poisonUnlabeled(unlabeledClean, { trigger, ratio: 0.01, rng: createRng('poison-u') });
  const sets = { clean: test, triggered: triggeredTestSet(test, trigger, 1), targetLabel: 1 };

  // Classifier phases: smallCnn 8-16-32 (the cpu-small classifier), batch 32, no train-time augmentation.
  const createModel = (rng: Rng) => smallCnn({ inputShape, numClasses: 10, rng, widths: [8, 16, 32] });
  const settings = {
    retrain: { epochs: 2, batchSize: 32, lr: 0.01 },
    final: { epochs: 10, batchSize: 32, lr: 0.05 },
    iterations: 4,
    fractionPerIteration: 0.3,
  };
  const pretrained = createModel(createRng('pretrain/init'));
  await train(pretrained, labeled, { epochs: 15, batchSize: 32, lr: 0.05, rng: createRng('pretrain') });
  const pre = await evaluate(pretrained, sets);
  log(`pretrained: SA ${pre.sa.toFixed(4)} ASR ${pre.asr.toFixed(4)}`);
  const common = {
    labeled, unlabeled, createModel, pretrained, ...settings, evaluate: sets,
    onEvaluation: (phase: string, e: { sa: number; asr: number | null }) => log(`${phase}: SA ${e.sa.toFixed(4)} ASR ${e.asr?.toFixed(4)}`),
  };

  // SimCLR: the cpu-small preset; views are crops of 50–100%, both flips, brightness/contrast jitter.
  const preset = simclrPresets['cpu-small'];
  const augment = compose([randomResizedCrop({ scale: [0.5, 1] }), randomHorizontalFlip(0.5), randomVerticalFlip(0.5), randomApply(colorJitter({ brightness: 0.4, contrast: 0.4 }), 0.8)]);
  log('Algorithm 2');
  const algorithm2 = await selfTrainWithSimclr({
    ...common,
    rng: createRng('algorithm2'),
    transform: options.algorithm2Transform ?? null,
    simclr: {
      model: createSimclrModel({ encoder: preset.model.encoder, widths: preset.model.widths, projectionDim: preset.model.projectionDim, inputShape, rng: createRng('simclr/init') }),
      fit: { ...preset.fit, augment },
    },
    onSimclrEpochEnd: (e) => log(`SimCLR epoch ${e.epoch}: NT-Xent ${e.loss.toFixed(4)}`),
  });
  const stats = algorithm2.initialPseudoLabelStats;
  log(`cluster pseudo-labels of D_L ∪ D_U: accuracy ${stats.pseudoLabelAccuracy.toFixed(4)}, poisoned ${stats.poisoned}, of which given the target ${stats.poisonedWithTarget}`);

  let algorithm1: SelfTrainResult | null = null;
  if (options.withAlgorithm1) {
    log('Algorithm 1');
    algorithm1 = await selfTrain({ ...common, transform: paperStrongAugment, rng: createRng('algorithm1') });
  }
  pretrained.dispose();
  return { pretrained: pre, algorithm2, algorithm1, seconds: (performance.now() - started) / 1000 };
}

const isMain = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].split('/').pop()!);
if (isMain) {
  await initBackend({ backend: 'wasm' });
  const strongT = process.argv.includes('--strong-t');
  const run = await runAlgorithm2Synthetic({ withAlgorithm1: !strongT, algorithm2Transform: strongT ? paperStrongAugment : null, log: (line) => console.log(line) });
  const pct = (x: number | null | undefined) => (x == null ? '—' : `${(100 * x).toFixed(2)} %`);
  const a1 = run.algorithm1?.history.final?.evaluation;
  const a2 = run.algorithm2.history.final?.evaluation;
  console.log('\n| model | SA | ASR |\n|---|---|---|');
  console.log(`| pretrained on D_L | ${pct(run.pretrained.sa)} | ${pct(run.pretrained.asr)} |`);
  if (a1) console.log(`| Algorithm 1 (RCS0.5+VFlip) | ${pct(a1.sa)} | ${pct(a1.asr)} |`);
  console.log(`| Algorithm 2 (SimCLR + K-Means${strongT ? ', T = RCS0.5+VFlip in iterations 2–4' : ''}) | ${pct(a2?.sa)} | ${pct(a2?.asr)} |`);
  console.log(`\n${run.seconds.toFixed(0)} s`);
  process.exit(0);
}
