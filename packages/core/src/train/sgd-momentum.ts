import * as tf from '@tensorflow/tfjs-core';
import { SGD_MOMENTUM_UPDATE } from '../backend/kernels/sgd-momentum-update.js';

/** Hyper-parameters of {@link SgdMomentum}; defaults are the paper's (Section 5.1). */
export interface SgdMomentumOptions {
  /** Learning rate, > 0 (paper: 0.01 for CIFAR-10, 0.1 with 500K TinyImages). Default 0.01. */
  lr?: number;
  /** Momentum factor μ in [0, 1) (paper: 0.9). Default 0.9. */
  momentum?: number;
  /** L2 weight decay λ ≥ 0 added to the gradient (paper: 1e-4). Default 1e-4. */
  weightDecay?: number;
}

/**
 * The serialisable state of an {@link SgdMomentum} (for checkpoints): hyper-parameters, the
 * number of steps taken and one momentum buffer per variable (null before the first step or
 * with momentum 0).
 */
export interface SgdMomentumState {
  lr: number;
  momentum: number;
  weightDecay: number;
  /** Steps taken so far. */
  step: number;
  /** Momentum buffers, in the order of the variables passed to `step`. */
  buffers: Array<{ shape: number[]; values: Float32Array }> | null;
}

function checkHyper(fn: string, lr: number, momentum: number, weightDecay: number): void {
  if (!(typeof lr === 'number' && Number.isFinite(lr) && lr > 0)) throw new Error(`Error in ${fn}: lr must be a finite number > 0, but got ${lr}`);
  if (!(typeof momentum === 'number' && momentum >= 0 && momentum < 1)) throw new Error(`Error in ${fn}: momentum must be in [0, 1), but got ${momentum}`);
  if (!(typeof weightDecay === 'number' && Number.isFinite(weightDecay) && weightDecay >= 0)) {
    throw new Error(`Error in ${fn}: weightDecay must be a finite number ≥ 0, but got ${weightDecay}`);
  }
}

/**
 * Stochastic gradient descent with momentum and L2 weight decay, exactly as PyTorch's
 * `torch.optim.SGD(params, lr, momentum, weight_decay)` (dampening 0, no Nesterov), the paper's
 * optimizer (Section 5.1: momentum 0.9, weight decay 1e-4). For each variable w with gradient g:
 *
 * ```
 * g ← g + λ·w                      (weight decay added to the gradient)
 * b ← g            on the first step, else  b ← μ·b + g
 * w ← w − lr·b
 * ```
 *
 * Weight decay applies to every variable passed (PyTorch's default single parameter group:
 * conv/dense kernels, biases and BatchNorm gamma/beta alike). `lr` is public so a schedule can
 * change it between steps. Call {@link SgdMomentum.dispose} to free the momentum buffers.
 *
 * Each line is float32 arithmetic, one rounding per multiply and per add. On the 'wasm' backend
 * the three lines run as one kernel per variable (`BdstSgdMomentumUpdate`, a single SIMD pass);
 * elsewhere as tfjs ops; both give the same bits.
 */
export class SgdMomentum {
  /** Current learning rate (a schedule may set it between steps). */
  lr: number;
  /** Momentum factor μ. */
  readonly momentum: number;
  /** Weight decay λ. */
  readonly weightDecay: number;
  /** One momentum buffer per variable; null before the first step, and always with momentum 0. */
  private buffers: tf.Tensor[] | null = null;
  private steps = 0;

  constructor(options: SgdMomentumOptions = {}) {
    const { lr = 0.01, momentum = 0.9, weightDecay = 1e-4 } = options;
    checkHyper('SgdMomentum', lr, momentum, weightDecay);
    this.lr = lr;
    this.momentum = momentum;
    this.weightDecay = weightDecay;
  }

  /** Number of steps taken. */
  get step(): number {
    return this.steps;
  }

  /**
   * Applies one update to `variables` given their `gradients` (same order, same shapes). Does not
   * dispose the gradients; the caller does. The variable list must be the same on every call.
   */
  applyGradients(variables: readonly tf.Variable[], gradients: readonly tf.Tensor[]): void {
    if (variables.length !== gradients.length) {
      throw new Error(`Error in SgdMomentum.applyGradients: got ${variables.length} variables but ${gradients.length} gradients`);
    }
    if (this.buffers !== null && this.buffers.length !== variables.length) {
      throw new Error(`Error in SgdMomentum.applyGradients: the optimizer holds ${this.buffers.length} momentum buffers but got ${variables.length} variables`);
    }
    checkHyper('SgdMomentum.applyGradients', this.lr, this.momentum, this.weightDecay);
    variables.forEach((w, i) => {
      if (!tf.util.arraysEqual(gradients[i].shape, w.shape)) {
        throw new Error(`Error in SgdMomentum.applyGradients: gradients[${i}] has shape [${gradients[i].shape}] but variable ${w.name} has shape [${w.shape}]`);
      }
    });
    const first = this.buffers === null;
    const next: tf.Tensor[] = [];
    tf.tidy(() => {
      const lr = tf.scalar(this.lr);
      const mu = tf.scalar(this.momentum);
      const wd = tf.scalar(this.weightDecay);
      // On 'wasm', bdst's fused kernel: one pass per variable, the same float32 operations.
      const fused = tf.getBackend() === 'wasm' && tf.getKernel(SGD_MOMENTUM_UPDATE, 'wasm') !== undefined;
      variables.forEach((w, i) => {
        if (fused && w.dtype === 'float32' && gradients[i].dtype === 'float32') {
          const withBuffer = this.momentum !== 0 && !first;
          const inputs: tf.NamedTensorMap = withBuffer ? { w, g: gradients[i], b: this.buffers![i] } : { w, g: gradients[i] };
          const attrs = { lr: this.lr, momentum: this.momentum, weightDecay: this.weightDecay, first };
          const [updated, buffer] = tf.engine().runKernel(SGD_MOMENTUM_UPDATE, inputs, attrs) as tf.Tensor[];
          if (buffer !== undefined) next.push(tf.keep(buffer));
          w.assign(updated);
          return;
        }
        let g = gradients[i];
        if (this.weightDecay !== 0) g = tf.add(g, tf.mul(wd, w));
        let step = g;
        if (this.momentum !== 0) {
          const b = first ? tf.clone(g) : tf.add(tf.mul(mu, this.buffers![i]), g);
          next.push(tf.keep(b));
          step = b;
        }
        w.assign(tf.sub(w, tf.mul(lr, step)));
      });
    });
    if (this.momentum !== 0) {
      this.buffers?.forEach((b) => b.dispose());
      this.buffers = next;
    }
    this.steps++;
  }

  /** Reads the state (copies the buffers to the host) for a checkpoint. */
  async getState(): Promise<SgdMomentumState> {
    const buffers = this.buffers && this.momentum !== 0
      ? await Promise.all(this.buffers.map(async (b) => ({ shape: b.shape.slice(), values: (await b.data()) as Float32Array })))
      : null;
    return { lr: this.lr, momentum: this.momentum, weightDecay: this.weightDecay, step: this.steps, buffers };
  }

  /**
   * Restores a state read by {@link SgdMomentum.getState} (lr and step too); the momentum and
   * weight decay must equal this optimizer's.
   */
  setState(state: SgdMomentumState): void {
    if (state.momentum !== this.momentum || state.weightDecay !== this.weightDecay) {
      throw new Error(
        `Error in SgdMomentum.setState: the state has momentum ${state.momentum} / weightDecay ${state.weightDecay} but this optimizer has ${this.momentum} / ${this.weightDecay}`,
      );
    }
    checkHyper('SgdMomentum.setState', state.lr, state.momentum, state.weightDecay);
    this.buffers?.forEach((b) => b.dispose());
    this.buffers = state.buffers && this.momentum !== 0 ? state.buffers.map((b) => tf.tensor(b.values, b.shape, 'float32')) : null;
    this.lr = state.lr;
    this.steps = state.step;
  }

  /** Frees the momentum buffers (the optimizer can still be used; its next step is a "first" one). */
  dispose(): void {
    this.buffers?.forEach((b) => b.dispose());
    this.buffers = null;
  }
}
