import { gnoiseVariants, parseAugmentation, yocoVariants } from '@bdst/augment';
import { attackSuccessRate, standardAccuracy } from '@bdst/metrics';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { loadModel } from '@bdst/core';
import { UsageError } from '../config/usage-error.js';
import type { AttackKind } from '../config/experiment-config.js';
import { loadExperimentData } from '../data/load-experiment-data.js';
import { poisonExperimentData } from '../data/poison-experiment-data.js';
import type { PoisonedData } from '../data/poison-experiment-data.js';
import type { RunContext } from './run-context.js';
import type { Score } from './self-train-method.js';
import { pretrainOn, scoreOnce } from './table2-run.js';

/** One box of Figure 1 for one attack: an augmentation's SA/ASR, averaged over its variants and draws. */
export interface ScreenEntry {
  /** The augmentation as configured (e.g. `"GNoise"`, `"YOCO(HFlip)"`). */
  augmentation: string;
  /** Mean SA/ASR over `draws`. */
  mean: Score;
  /** Every evaluation: one per variant (GNoise's four variances, YOCO's two cuts) and draw. */
  draws: { variant: string; sa: number; asr: number }[];
}

/** The screen of one attack's poisoned model. */
export interface ScreenAttackResult {
  /** The attack. */
  attack: AttackKind;
  /** The poisoned model without augmentation. */
  pretrained: Score;
  /** One entry per augmentation, in the config's order. */
  entries: ScreenEntry[];
}

/** Results of the Figure 1 screen (kind `'figure1-screen'`). */
export interface Figure1Result {
  /** Kind tag. */
  kind: 'figure1-screen';
  /** The data. */
  data: { description: string };
  /** One entry per attack. */
  attacks: ScreenAttackResult[];
}

/**
 * Figure 1 (Section 4.2): for each attack, train a model on poisoned D_L (or load the checkpointed
 * one, or the saved model `screen.modelDir`), then evaluate SA on the clean test set and ASR on the fully poisoned test set with each
 * augmentation applied at test time. Stochastic augmentations are averaged over `draws`
 * independent draws (paper: 6); `GNoise` over the variances 0.2, 0.5, 0.7, 1.0 and `YOCO(x)` over
 * the horizontal and the vertical cut, as the figure's caption says.
 */
export async function runFigure1(ctx: RunContext): Promise<Figure1Result> {
  const { config } = ctx;
  const screen = config.screen!;
  const loaded = await loadExperimentData(config.dataset, ctx.rng.fork('data'));
  ctx.progress.note(loaded.description);
  const attacks: ScreenAttackResult[] = [];
  for (const kind of screen.attacks) {
    const attack = { ...config.attack, kind, labeledRatio: kind === 'clean-label' ? 0.5 : 0.1, unlabeledRatio: 0 };
    const result = await ctx.once(`screen-${kind}`, async () => {
      const data = await poisonExperimentData(loaded, attack, ctx, 0);
      const model = screen.modelDir ? await loadScreenedModel(screen.modelDir, data) : await pretrainOn(ctx, data, `pretrain-${kind}`);
      try {
        const pretrained = await scoreOnce(ctx, `pretrain-${kind}-score`, model, data);
        const entries: ScreenEntry[] = [];
        for (const augmentation of screen.augmentations) {
          entries.push(await screenAugmentation(ctx, model, data, kind, augmentation, screen.draws));
          const last = entries.at(-1)!.mean;
          ctx.progress.note(`screen ${kind} ${augmentation}: SA ${(last.sa * 100).toFixed(1)} %, ASR ${(last.asr * 100).toFixed(1)} %`);
        }
        return { attack: kind, pretrained, entries };
      } finally {
        model.dispose();
      }
    });
    attacks.push(result);
  }
  return { kind: 'figure1-screen', data: { description: loaded.description }, attacks };
}

/** Loads a saved model to screen, checking that it fits the data. */
async function loadScreenedModel(dir: string, data: PoisonedData): Promise<LayersModel> {
  if (!existsSync(join(dir, 'model.json'))) throw new UsageError(`no saved model in '${dir}' (expected ${join(dir, 'model.json')}; pass --model <dir>)`);
  const model = await loadModel(dir);
  const [, h, w, c] = model.inputs[0].shape;
  const [eh, ew, ec] = data.test.imageShape;
  if (h !== eh || w !== ew || c !== ec) {
    model.dispose();
    throw new UsageError(`the model in '${dir}' takes ${h}×${w}×${c} images but the dataset has ${eh}×${ew}×${ec}`);
  }
  return model;
}

/** The names an augmentation is averaged over (Figure 1's caption). */
export function screenVariants(augmentation: string): string[] {
  if (augmentation === 'GNoise') return gnoiseVariants();
  const yoco = /^YOCO\((.*)\)$/.exec(augmentation);
  if (yoco) return yocoVariants(yoco[1]);
  return [augmentation];
}

/** Whether an augmentation draws random parameters (Section 4.2 averages these over 6 runs). */
export function isStochastic(augmentation: string): boolean {
  return /RCS|CJ|CutOut|GNoise|GBlur|Rot/.test(augmentation);
}

async function screenAugmentation(ctx: RunContext, model: LayersModel, data: PoisonedData, attack: AttackKind, augmentation: string, draws: number): Promise<ScreenEntry> {
  const results: ScreenEntry['draws'] = [];
  for (const variant of screenVariants(augmentation)) {
    const transform = parseAugmentation(variant);
    const n = isStochastic(variant) ? draws : 1;
    for (let d = 0; d < n; d++) {
      const rng = ctx.rng.fork(`screen/${attack}/${variant}/${d}`);
      const options = { transform, rng };
      const sa = await standardAccuracy(model, data.test, { ...options, rng: rng.fork('clean') });
      const asr = await attackSuccessRate(model, data.triggeredTest, data.targetLabel, { ...options, rng: rng.fork('triggered') });
      results.push({ variant, sa, asr });
    }
  }
  const mean = (key: 'sa' | 'asr'): number => results.reduce((s, r) => s + r[key], 0) / results.length;
  return { augmentation, mean: { sa: mean('sa'), asr: mean('asr') }, draws: results };
}
