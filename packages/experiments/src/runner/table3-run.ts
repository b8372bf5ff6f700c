import type { RunContext } from './run-context.js';
import type { MethodResult, Score } from './self-train-method.js';
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
  /** Accuracy of the K-Means cluster pseudo-labels on D_L against the true labels, in [0, 1]. */
  clusterAccuracy: number;
}

/** Table 3 (Algorithm 2). */
export async function runTable3(ctx: RunContext): Promise<Table3Result> {
  throw new Error(`runTable3: not wired yet (${ctx.config.name})`);
}
