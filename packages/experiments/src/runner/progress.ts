/** A training phase starting, for {@link ExperimentProgress.phaseStart}. */
export interface PhaseStart {
  /** What is training, e.g. `"pretrain"`, `"proposed iteration-2"`, `"baseline final"`. */
  phase: string;
  /** Epochs the phase will run (as configured; a resumed phase may start past 1). */
  epochs: number;
}

/** One optimizer step, for {@link ExperimentProgress.batch}. */
export interface BatchProgress {
  /** The phase's label (see {@link PhaseStart}). */
  phase: string;
  /** 1-based epoch. */
  epoch: number;
  /** Epochs in the phase. */
  epochs: number;
  /** 1-based batch within the epoch. */
  batch: number;
  /** Batches per epoch. */
  batches: number;
  /** This batch's training loss (cross-entropy, or NT-Xent for SimCLR). */
  loss: number;
}

/** One finished epoch, for {@link ExperimentProgress.epoch}. */
export interface EpochProgress {
  /** The phase's label. */
  phase: string;
  /** 1-based epoch. */
  epoch: number;
  /** Epochs in the phase. */
  epochs: number;
  /** Mean training loss over the epoch. */
  loss: number;
  /** Training accuracy in [0, 1] (null when the phase has none, e.g. SimCLR). */
  accuracy: number | null;
  /** Wall time of the epoch, seconds. */
  seconds: number;
}

/**
 * Where a run reports what it is doing. The `bdst` command renders it as a progress bar on a
 * terminal and as plain lines otherwise; library callers may pass their own or none.
 */
export interface ExperimentProgress {
  /** A training phase starts. */
  phaseStart(start: PhaseStart): void;
  /** A batch finished. */
  batch(progress: BatchProgress): void;
  /** An epoch finished. */
  epoch(progress: EpochProgress): void;
  /** A line of news (data loaded, a phase's SA/ASR, resumed from a checkpoint, …). */
  note(line: string): void;
}

/** An {@link ExperimentProgress} that ignores everything. */
export const silentProgress: ExperimentProgress = {
  phaseStart() {},
  batch() {},
  epoch() {},
  note() {},
};
