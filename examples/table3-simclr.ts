/**
 * Table 3, Algorithm 2 (Section 4.4): self-training with SimCLR + K-Means against BadNets
 * (gray-scale trigger, γ(D_L) = 0.1, γ(D_U) = 0.1), from a model pretrained on poisoned D_L.
 *
 *   node --conditions source --import tsx examples/table3-simclr.ts [--tiny]
 *
 * Uses only the public packages; `bdst run table3-simclr` does the same with checkpoints and reports.
 */
import { pathToFileURL } from 'node:url';
import { createRng, initBackend, loadFashionMnist, smallCnn, syntheticDataset, train } from '@bdst/core';
import type { Rng } from '@bdst/core';
import { badnetsTrigger, poisonBadNets, poisonUnlabeled, triggeredTestSet } from '@bdst/attacks';
import { evaluate } from '@bdst/metrics';
import { createSimclrModel, selfTrainWithSimclr } from '@bdst/simclr';

/** Runs Algorithm 2 and returns SA/ASR before and after, and the cluster pseudo-labels' accuracy. */
export async function table3Simclr({ tiny = false, seed = 0 }: { tiny?: boolean; seed?: number } = {}) {
  await initBackend({ quiet: tiny });
  const rng = createRng(seed);
  const full = tiny ? syntheticDataset({ size: 200, seed: 1, height: 16, width: 16, channels: 1 }) : await loadFashionMnist({ split: 'train' });
  const train_ = tiny ? full : full.subset(Int32Array.from(rng.fork('subset').permutation(full.length).subarray(0, 3000)).sort());
  const test = tiny ? syntheticDataset({ size: 60, seed: 2, height: 16, width: 16, channels: 1 }) : (await loadFashionMnist({ split: 'test' })).subset(Int32Array.from({ length: 1000 }, (_, i) => i));
  const [labeled, unlabeled] = train_.split(0.2, rng.fork('split'));
  const trigger = badnetsTrigger({ kind: 'grayscale', size: tiny ? 3 : 5 });
  const dL = poisonBadNets(labeled, { trigger, targetLabel: 1, ratio: 0.1, rng: rng.fork('poison-L') });
  const dU = await poisonUnlabeled(unlabeled, { trigger, ratio: 0.1, rng: rng.fork('poison-U') });
  const sets = { clean: test, triggered: triggeredTestSet(test, trigger, 1), targetLabel: 1 };

  const [h, w, c] = train_.imageShape;
  const widths = (tiny ? [4, 8, 8] : [8, 16, 32]) as [number, number, number];
  const createModel = (r: Rng) => smallCnn({ inputShape: [h, w, c], numClasses: 10, rng: r, widths });
  const epochs = (n: number) => (tiny ? 1 : n);
  const pretrained = createModel(rng.fork('init'));
  await train(pretrained, dL, { epochs: epochs(15), lr: 0.05, batchSize: 64, rng: rng.fork('pretrain') });
  const before = await evaluate(pretrained, sets);

  const result = await selfTrainWithSimclr({
    labeled: dL,
    unlabeled: dU,
    createModel,
    pretrained,
    // SimCLR on D_L ∪ D_U (paper: ResNet-18, 1000 epochs, batch 512, lr 0.6, τ = 0.5).
    simclr: {
      model: createSimclrModel({ encoder: 'smallCnn', inputShape: [h, w, c], widths, projectionDim: tiny ? 16 : 64, rng: rng.fork('simclr') }),
      fit: { epochs: epochs(5), batchSize: tiny ? 64 : 128, lr: 0.3 },
    },
    iterations: 4, // N
    fractionPerIteration: 0.3, // k
    retrain: { epochs: epochs(2), lr: 0.01, batchSize: 64 },
    final: { epochs: epochs(4), lr: 0.05, batchSize: 64 },
    evaluate: sets,
    rng,
  });
  const after = result.history.final!.evaluation!;
  const clusterAccuracy = result.initialPseudoLabelStats.pseudoLabelAccuracy;
  result.model.dispose();
  result.simclrModel.network.dispose();
  pretrained.dispose();
  return { pretrained: { sa: before.sa, asr: before.asr }, proposed: { sa: after.sa, asr: after.asr ?? 0 }, clusterAccuracy };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { pretrained, proposed, clusterAccuracy } = await table3Simclr({ tiny: process.argv.includes('--tiny') });
  const pct = (v: number) => `${(v * 100).toFixed(2)} %`;
  console.log('| Pretrained SA | Pretrained ASR | Proposed SA | Proposed ASR |\n|---:|---:|---:|---:|');
  console.log(`| ${pct(pretrained.sa)} | ${pct(pretrained.asr)} | ${pct(proposed.sa)} | ${pct(proposed.asr)} |`);
  console.log(`\nK-Means cluster pseudo-labels: ${pct(clusterAccuracy)} correct on D_L ∪ D_U`);
  process.exit(0);
}
