import { loadExperimentData } from '../data/load-experiment-data.js';
import { poisonExperimentData } from '../data/poison-experiment-data.js';
import type { PilotVariant } from '../config/experiment-config.js';
import type { RunContext } from './run-context.js';
import { runSelfTrainingMethod } from './self-train-method.js';
import type { MethodResult, Score } from './self-train-method.js';
import { pretrainOn, scoreOnce } from './table2-run.js';
import type { DataSummary } from './table2-run.js';

/** One row of Table 1 in `results.json`. */
export interface PilotRowResult {
  /** Where pseudo-labels went and γ(D_U). */
  variant: PilotVariant;
  /** Poisoned samples in D_U for this row. */
  poisonedUnlabeled: number;
  /** The self-trained (then retrained from scratch) model's scores and iterations. */
  result: MethodResult;
}

/** Results of Table 1 (kind `'table1-pilot'`). */
export interface Table1Result {
  /** Kind tag. */
  kind: 'table1-pilot';
  /** The data (D_U's poison count is the largest γ(D_U) among the rows). */
  data: DataSummary;
  /** The model pretrained on poisoned D_L, shared by every row (the table's caption). */
  pretrained: Score;
  /** One entry per variant, in the config's order. */
  rows: PilotRowResult[];
}

/**
 * Table 1, the pilot study (Section 4.1): one model pretrained on D_L poisoned at γ(D_L), then
 * vanilla self-training (no augmentation, no supervised loss) for each variant — pseudo-labels on
 * D_U only or on D_L ∪ D_U, with D_U clean or poisoned at γ(D_U).
 */
export async function runTable1(ctx: RunContext): Promise<Table1Result> {
  const { config } = ctx;
  const loaded = await loadExperimentData(config.dataset, ctx.rng.fork('data'));
  ctx.progress.note(loaded.description);
  const clean = await poisonExperimentData(loaded, config.attack, ctx, 0);
  const pretrained = await pretrainOn(ctx, clean);
  try {
    const pretrainedScore = await scoreOnce(ctx, 'pretrain-score', pretrained, clean);
    const rows: PilotRowResult[] = [];
    let mostPoisoned = 0;
    for (const variant of config.pilot!.variants) {
      const data = variant.unlabeledRatio > 0 ? await poisonExperimentData(loaded, config.attack, ctx, variant.unlabeledRatio) : clean;
      mostPoisoned = Math.max(mostPoisoned, data.poisonedCounts.unlabeled);
      const part = `pilot-${variant.pseudoLabelOn === 'unlabeled' ? 'DU' : 'DL+DU'}-gamma${variant.unlabeledRatio}`;
      const result = await ctx.once(part, () => runSelfTrainingMethod(ctx, { part, transform: null, pseudoLabelOn: variant.pseudoLabelOn, pretrained, data }));
      rows.push({ variant, poisonedUnlabeled: data.poisonedCounts.unlabeled, result });
    }
    return {
      kind: 'table1-pilot',
      data: { description: loaded.description, poisoned: { labeled: clean.poisonedCounts.labeled, unlabeled: mostPoisoned } },
      pretrained: pretrainedScore,
      rows,
    };
  } finally {
    pretrained.dispose();
  }
}
