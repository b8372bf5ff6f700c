import * as tf from '@tensorflow/tfjs-core';

/** SimCLR's temperature τ for NT-Xent (Section 5.1: "NT-Xent loss [17, 61] (with a temperature parameter of 0.5)"). */
export const PAPER_NT_XENT_TEMPERATURE = 0.5;

/**
 * The NT-Xent loss of SimCLR (Chen et al. 2020, Eq. 1; the paper's Section 5.1, τ = 0.5): the
 * normalized temperature-scaled cross entropy over the 2B views of a batch.
 *
 * Rows of `z1` and `z2` are the projections of two augmented views of the same B images (row i of
 * `z1` and row i of `z2` form a positive pair). With all 2B rows L2-normalized and
 * `s(a, b) = a·b / τ` (cosine similarity over τ), the loss of view i with positive p(i) is
 *
 * ```
 * ℓ(i) = −log( exp(s(i, p(i))) / Σ_{j ≠ i} exp(s(i, j)) )
 * ```
 *
 * (the other 2B − 2 views are the negatives; the self-similarity j = i is masked out), and the
 * result is the mean of ℓ over all 2B views — the same value as PyTorch's
 * `F.cross_entropy(sim_masked / τ, positives)` over the 2B rows. Rows are normalized with
 * `x / max(‖x‖, 1e-12)` (PyTorch's `F.normalize`). B = 1 gives 0 (no negatives).
 *
 * Returns a new scalar; disposes its intermediates. Differentiable with respect to both inputs.
 *
 * @param z1 `[B, D]` projections of the first views, B ≥ 1, D ≥ 1.
 * @param z2 `[B, D]` projections of the second views.
 * @param temperature τ > 0 (default 0.5).
 */
export function ntXentLoss(z1: tf.Tensor2D, z2: tf.Tensor2D, temperature: number = PAPER_NT_XENT_TEMPERATURE): tf.Scalar {
  if (!(z1 instanceof tf.Tensor) || z1.rank !== 2) throw new Error(`Error in ntXentLoss: z1 must be a rank-2 tensor [B, D], but got ${describe(z1)}`);
  if (!(z2 instanceof tf.Tensor) || z2.rank !== 2) throw new Error(`Error in ntXentLoss: z2 must be a rank-2 tensor [B, D], but got ${describe(z2)}`);
  if (z1.shape[0] !== z2.shape[0] || z1.shape[1] !== z2.shape[1]) {
    throw new Error(`Error in ntXentLoss: z1 and z2 must have the same shape, but got [${z1.shape}] and [${z2.shape}]`);
  }
  if (z1.shape[0] < 1 || z1.shape[1] < 1) throw new Error(`Error in ntXentLoss: z1 must hold at least one row of at least one value, but has shape [${z1.shape}]`);
  if (!(typeof temperature === 'number' && Number.isFinite(temperature) && temperature > 0)) {
    throw new Error(`Error in ntXentLoss: temperature must be a finite number > 0, but got ${temperature}`);
  }
  const b = z1.shape[0];
  return tf.tidy(() => {
    const z = tf.concat([z1, z2], 0);
    // √max(‖x‖², 1e-24) = max(‖x‖, 1e-12), written so a zero row has a finite (zero) gradient.
    const norms = tf.sqrt(tf.maximum(tf.sum(tf.square(z), 1, true), 1e-24));
    const unit = tf.div(z, norms);
    const logits = tf.div(tf.matMul(unit, unit, false, true), temperature);
    // Self-similarity masked with a large negative logit (its softmax weight underflows to 0 and
    // its gradient to 0) rather than −∞, so no NaN can arise from ∞ − ∞.
    const masked = tf.sub(logits, tf.mul(tf.eye(2 * b), 1e9));
    const positives = Int32Array.from({ length: 2 * b }, (_, i) => (i < b ? i + b : i - b));
    const targets = tf.oneHot(tf.tensor1d(positives, 'int32'), 2 * b);
    const logProbabilities = tf.logSoftmax(masked, 1);
    return tf.neg(tf.mean(tf.sum(tf.mul(targets, logProbabilities), 1))) as tf.Scalar;
  });
}

function describe(v: unknown): string {
  if (v instanceof tf.Tensor) return `rank ${v.rank} shape [${v.shape}]`;
  return v === null ? 'null' : typeof v;
}
