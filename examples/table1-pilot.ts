/**
 * Table 1, the pilot study (Section 4.1): vanilla self-training (no augmentation, no supervised
 * loss) from a model pretrained on D_L poisoned with BadNets (γ(D_L) = 0.1), pseudo-labelling D_U
 * only or D_L ∪ D_U, with a clean D_U or one poisoned at γ(D_U) = 0.1.
 *
 *   node --conditions source --import tsx examples/table1-pilot.ts [--tiny]
 *
 * Uses only the public packages; `bdst run table1-pilot` does the same with checkpoints and reports.
 */
import { pathToFileURL } from 'node:url';
import { createRng, initBackend, loadFashionMnist, smallCnn, syntheticDataset, train } from '@bdst/core';
import type { Rng } from '@bdst/core';
import { badnetsTrigger, poisonBadNets, poisonUnlabeled, triggeredTestSet } from '@bdst/attacks';
import { evaluate } from '@bdst/metrics';
import { selfTrain } from '@bdst/selftrain';

/** One row of the printed table. */
export interface PilotRow {
  /** Where pseudo-labels go. */
  pseudoLabelOn: 'unlabeled' | 'labeled+unlabeled';
  /** γ(D_U); 0 is "Clean". */
  gammaU: number;
  /** Fractions in [0, 1]. */
  sa: number;
  asr: number;
}

/** Runs the four rows of Table 1 and returns them with the pretrained model's SA/ASR. */
export async function table1Pilot({ tiny = false, seed = 0 }: { tiny?: boolean; seed?: number } = {}) {
  await initBackend({ quiet: tiny });
  const rng = createRng(seed);
  const full = tiny ? syntheticDataset({ size: 200, seed: 1, height: 16, width: 16, channels: 1 }) : await loadFashionMnist({ split: 'train' });
  const test = tiny ? syntheticDataset({ size: 60, seed: 2, height: 16, width: 16, channels: 1 }) : (await loadFashionMnist({ split: 'test' })).subset(Int32Array.from({ length: 1000 }, (_, i) => i));
  const train_ = tiny ? full : full.subset(Int32Array.from(rng.fork('subset').permutation(full.length).subarray(0, 3000)).sort());
  const [labeled, unlabeled] = train_.split(0.2, rng.fork('split'));
  const trigger = badnetsTrigger({ kind: 'grayscale', size: tiny ? 3 : 5 });
  const dL = poisonBadNets(labeled, { trigger, targetLabel: 1, ratio: 0.1, rng: rng.fork('poison-L') });
  const sets = { clean: test, triggered: triggeredTestSet(test, trigger, 1), targetLabel: 1 };

  const [h, w, c] = train_.imageShape;
  const createModel = (r: Rng) => smallCnn({ inputShape: [h, w, c], numClasses: 10, rng: r, widths: tiny ? [4, 8, 8] : [8, 16, 32] });
  const epochs = (n: number) => (tiny ? 1 : n);
  const pretrained = createModel(rng.fork('init'));
  await train(pretrained, dL, { epochs: epochs(15), lr: 0.05, batchSize: 64, rng: rng.fork('pretrain') });
  const before = await evaluate(pretrained, sets);

  const rows: PilotRow[] = [];
  for (const pseudoLabelOn of ['unlabeled', 'labeled+unlabeled'] as const) {
    for (const gammaU of [0, 0.1]) {
      const dU = gammaU > 0 ? await poisonUnlabeled(unlabeled, { trigger, ratio: gammaU, rng: rng.fork('poison-U') }) : unlabeled;
      const teacher = createModel(rng.fork('copy'));
      teacher.setWeights(pretrained.getWeights());
      const { model, history } = await selfTrain({
        labeled: dL,
        unlabeled: dU,
        createModel,
        pretrained: teacher,
        transform: null, // vanilla self-training: no T
        pseudoLabelOn, // Table 1's first column
        retrain: { epochs: epochs(2), lr: 0.01, batchSize: 64 },
        final: { epochs: epochs(4), lr: 0.05, batchSize: 64 },
        evaluate: sets,
        rng: rng.fork(`${pseudoLabelOn}-${gammaU}`),
      });
      const { sa, asr } = history.final!.evaluation!;
      rows.push({ pseudoLabelOn, gammaU, sa, asr: asr ?? 0 });
      model.dispose();
      teacher.dispose();
    }
  }
  pretrained.dispose();
  return { pretrained: { sa: before.sa, asr: before.asr }, rows };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { pretrained, rows } = await table1Pilot({ tiny: process.argv.includes('--tiny') });
  const pct = (v: number) => `${(v * 100).toFixed(2)} %`;
  console.log(`Pretrained on poisoned D_L: SA ${pct(pretrained.sa)}, ASR ${pct(pretrained.asr)}\n`);
  console.log('| Pseudo-labeling | γ(D_U) | SA | ASR |\n|---|---:|---:|---:|');
  for (const r of rows) console.log(`| ${r.pseudoLabelOn === 'unlabeled' ? 'D_U' : 'D_L ∪ D_U'} | ${r.gammaU || 'Clean'} | ${pct(r.sa)} | ${pct(r.asr)} |`);
  process.exit(0);
}
