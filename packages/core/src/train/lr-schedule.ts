/**
 * A step learning-rate schedule, PyTorch's `MultiStepLR`: the rate is multiplied by `gamma` at
 * each milestone. The paper (Section 5.1) pretrains on CIFAR-10 with lr 0.01 "decayed by 0.5 at
 * epoch 100" (`{ milestones: [100], gamma: 0.5 }`) and on CIFAR-10 + 500K TinyImages with lr 0.1
 * decayed by 0.1 at epochs 90 and 180 (`{ milestones: [90, 180], gamma: 0.1 }`).
 */
export interface LrSchedule {
  /** Epoch counts after which the rate decays: strictly increasing positive integers. */
  milestones: number[];
  /** Factor applied at each milestone, > 0 (usually < 1). */
  gamma: number;
}

/**
 * The learning rate of 1-based `epoch` under `schedule`: `lr · gamma^k`, k = number of milestones
 * m with m < epoch. With `milestones: [100]` epochs 1–100 use `lr` and epoch 101 on `lr·gamma`,
 * as PyTorch's `MultiStepLR` stepped once per epoch.
 */
export function learningRateAt(lr: number, schedule: LrSchedule | undefined, epoch: number): number {
  if (!schedule) return lr;
  let k = 0;
  for (const m of schedule.milestones) if (m < epoch) k++;
  return lr * Math.pow(schedule.gamma, k);
}

/** Throws `Error in <fn>: options.schedule …` unless `schedule` is a valid {@link LrSchedule}. */
export function checkLrSchedule(fn: string, schedule: unknown): void {
  if (schedule === undefined) return;
  const s = schedule as Partial<LrSchedule> | null;
  if (!s || typeof s !== 'object' || !Array.isArray(s.milestones)) {
    throw new Error(`Error in ${fn}: options.schedule must be { milestones: number[], gamma: number }, but got ${JSON.stringify(schedule)}`);
  }
  s.milestones.forEach((m, i) => {
    if (!Number.isInteger(m) || m < 1 || (i > 0 && m <= s.milestones![i - 1])) {
      throw new Error(`Error in ${fn}: options.schedule.milestones must be strictly increasing positive integers, but got [${s.milestones!.join(', ')}]`);
    }
  });
  if (!(typeof s.gamma === 'number' && Number.isFinite(s.gamma) && s.gamma > 0)) {
    throw new Error(`Error in ${fn}: options.schedule.gamma must be a finite number > 0, but got ${s.gamma}`);
  }
}
