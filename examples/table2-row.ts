/**
 * Table 2, one row: BadNets (gray-scale 5×5 trigger, γ(D_L) = 0.1, target 1) on Fashion-MNIST with
 * 20% labeled, D_U poisoned at γ(D_U); the pretrained model, the semi-supervised baseline
 * (Algorithm 1 without T) and the proposed method (T = RCS0.5+VFlip), scored by SA and ASR.
 *
 *   node --conditions source --import tsx examples/table2-row.ts [--gamma-u 0.01] [--tiny]
 *
 * Uses only the public packages; the `bdst run table2-…` presets do the same with checkpoints and reports.
 */
import { pathToFileURL } from 'node:url';
import { createRng, initBackend, loadFashionMnist, smallCnn, syntheticDataset, train } from '@bdst/core';
import type { ImageDataset, Rng } from '@bdst/core';
import { badnetsTrigger, poisonBadNets, poisonUnlabeled, triggeredTestSet } from '@bdst/attacks';
import { parseAugmentation } from '@bdst/augment';
import { evaluate, toMarkdownTable } from '@bdst/metrics';
import { selfTrain } from '@bdst/selftrain';
import type { TrainingSettings } from '@bdst/selftrain';

/** Options of {@link table2Row}. */
export interface Table2RowOptions {
  /** γ(D_U) (Table 2: 0.1 or 0.01). */
  gammaU: number;
  /** A few steps on 16×16 synthetic images instead of Fashion-MNIST (smoke test). */
  tiny?: boolean;
  /** Seed. */
  seed?: number;
}

/** Runs the row and returns its Markdown table and the three SA/ASR pairs. */
export async function table2Row({ gammaU, tiny = false, seed = 0 }: Table2RowOptions) {
  await initBackend({ quiet: tiny });
  const rng = createRng(seed);
  const [train_, test] = tiny
    ? [syntheticDataset({ size: 200, seed: 1, height: 16, width: 16, channels: 1 }), syntheticDataset({ size: 60, seed: 2, height: 16, width: 16, channels: 1 })]
    : [subset(await loadFashionMnist({ split: 'train' }), 5000, rng.fork('train')), subset(await loadFashionMnist({ split: 'test' }), 2000, rng.fork('test'))];
  const [labeled, unlabeled] = train_.split(0.2, rng.fork('split')); // D_L, D_U

  const trigger = badnetsTrigger({ kind: 'grayscale', size: tiny ? 3 : 5, position: 'bottom-right' });
  const dL = poisonBadNets(labeled, { trigger, targetLabel: 1, ratio: 0.1, rng: rng.fork('poison-L') }); // γ(D_L) = 0.1
  const dU = await poisonUnlabeled(unlabeled, { trigger, ratio: gammaU, rng: rng.fork('poison-U') }); // γ(D_U)
  const sets = { clean: test, triggered: triggeredTestSet(test, trigger, 1), targetLabel: 1 };

  const [h, w, c] = train_.imageShape;
  const createModel = (r: Rng) => smallCnn({ inputShape: [h, w, c], numClasses: 10, rng: r, widths: tiny ? [4, 8, 8] : [8, 16, 32] });
  const phase = (epochs: number, lr: number): TrainingSettings => ({ epochs: tiny ? 1 : epochs, lr, batchSize: 64 });
  const pretrained = createModel(rng.fork('init'));
  await train(pretrained, dL, { ...phase(15, 0.05), rng: rng.fork('pretrain') });

  const results: Record<string, { sa: number; asr: number }> = { 'Pretrained Model': await evaluate(pretrained, sets) };
  for (const [method, transform] of [['Semi-supervised Baseline', null], ['Proposed Method', parseAugmentation('RCS0.5+VFlip')]] as const) {
    const teacher = createModel(rng.fork('copy'));
    teacher.setWeights(pretrained.getWeights()); // both methods start from the same pretrained model
    const { model, history } = await selfTrain({
      labeled: dL,
      unlabeled: dU,
      createModel,
      pretrained: teacher,
      transform, // T (null: the baseline)
      iterations: 4, // N
      fractionPerIteration: 0.3, // k
      retrain: phase(2, 0.01),
      final: phase(6, 0.05),
      evaluate: sets,
      rng: rng.fork(method),
    });
    const { sa, asr } = history.final!.evaluation!;
    results[method] = { sa, asr: asr ?? 0 };
    model.dispose();
    teacher.dispose();
  }
  pretrained.dispose();
  const table = toMarkdownTable([{ dataset: tiny ? 'synthetic' : 'Fashion-MNIST', attack: 'BadNet Gray-Scale', poisonRatio: gammaU, results }]);
  return { table, results };
}

function subset(dataset: ImageDataset, size: number, rng: Rng): ImageDataset {
  return dataset.subset(Int32Array.from(rng.permutation(dataset.length).subarray(0, size)).sort());
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const gammaU = args.includes('--gamma-u') ? Number(args[args.indexOf('--gamma-u') + 1]) : 0.01;
  const { table } = await table2Row({ gammaU, tiny: args.includes('--tiny') });
  console.log(table);
  process.exit(0);
}
