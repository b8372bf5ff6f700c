/**
 * Figure 1, the augmentation screen (Section 4.2): train a model on D_L poisoned by each attack,
 * then measure SA on the clean test set and ASR on the fully poisoned one with each augmentation
 * applied at test time (stochastic ones averaged over 6 draws), and draw the box plot.
 *
 *   node --conditions source --import tsx examples/figure1-screen.ts [--tiny] > figure1.svg
 *
 * Uses only the public packages; `bdst screen` does the same with every augmentation and reports.
 */
import { pathToFileURL } from 'node:url';
import { createRng, initBackend, loadFashionMnist, smallCnn, syntheticDataset, train } from '@bdst/core';
import { badnetsTrigger, poisonBadNets, triggeredTestSet } from '@bdst/attacks';
import type { TriggerKind } from '@bdst/attacks';
import { gnoiseVariants, parseAugmentation } from '@bdst/augment';
import { attackSuccessRate, renderAugmentationBoxPlot, standardAccuracy } from '@bdst/metrics';
import type { AugmentationResult } from '@bdst/metrics';

/** The augmentations screened here (a subset of `augmentationNames`; `GNoise` averages its four variances). */
export const SCREENED = ['NoAug', 'HFlip', 'VFlip', 'RCS0.5', 'RCS0.5+VFlip', 'GBlur_3_1', 'GNoise', 'CutOut'];

/** Screens BadNets gray and RGB models and returns the per-augmentation means and the box plot SVG. */
export async function figure1Screen({ tiny = false, seed = 0, draws = 6 }: { tiny?: boolean; seed?: number; draws?: number } = {}) {
  await initBackend({ quiet: tiny });
  const rng = createRng(seed);
  const labeled = tiny ? syntheticDataset({ size: 120, seed: 1, height: 16, width: 16, channels: 3 }) : (await loadFashionMnist({ split: 'train' })).subset(Int32Array.from({ length: 2000 }, (_, i) => i));
  const test = tiny ? syntheticDataset({ size: 60, seed: 2, height: 16, width: 16, channels: 3 }) : (await loadFashionMnist({ split: 'test' })).subset(Int32Array.from({ length: 1000 }, (_, i) => i));
  const [h, w, c] = labeled.imageShape;
  const results: AugmentationResult[] = [];
  for (const kind of ['grayscale', 'rgb'] as TriggerKind[]) {
    const trigger = badnetsTrigger({ kind, size: tiny ? 3 : 5 });
    const poisoned = poisonBadNets(labeled, { trigger, targetLabel: 1, ratio: 0.1, rng: rng.fork(`poison-${kind}`) });
    const model = smallCnn({ inputShape: [h, w, c], numClasses: 10, rng: rng.fork(`init-${kind}`), widths: tiny ? [4, 8, 8] : [8, 16, 32] });
    await train(model, poisoned, { epochs: tiny ? 1 : 15, lr: 0.05, batchSize: 64, rng: rng.fork(`train-${kind}`) });
    const triggered = triggeredTestSet(test, trigger, 1);
    for (const name of SCREENED) {
      const variants = name === 'GNoise' ? gnoiseVariants() : [name];
      const stochastic = /RCS|GNoise|GBlur|CutOut/.test(name);
      let sa = 0;
      let asr = 0;
      let n = 0;
      for (const variant of variants) {
        for (let d = 0; d < (stochastic ? draws : 1); d++, n++) {
          const transform = parseAugmentation(variant);
          sa += await standardAccuracy(model, test, { transform, rng: rng.fork(`${kind}/${variant}/${d}/clean`) });
          asr += await attackSuccessRate(model, triggered, 1, { transform, rng: rng.fork(`${kind}/${variant}/${d}/triggered`) });
        }
      }
      results.push({ augmentation: name, sa: sa / n, asr: asr / n, attack: `BadNet ${kind}` });
    }
    model.dispose();
  }
  return { results, svg: await renderAugmentationBoxPlot(results, { title: 'SA and ASR per test-time augmentation' }) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { svg } = await figure1Screen({ tiny: process.argv.includes('--tiny') });
  process.stdout.write(svg, () => process.exit(0));
}
