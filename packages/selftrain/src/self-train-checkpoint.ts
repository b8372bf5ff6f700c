import { readFile, rename, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { loadModel, saveModel, writeFileAtomic } from '@bdst/core';
import type { SelfTrainHistory, SelfTrainPhase } from './self-train-history.js';

/** Name of the run-state file inside a self-training checkpoint directory. */
export const SELF_TRAIN_STATE_FILE = 'selftrain-state.json';

/** What must be equal for a checkpoint to be resumed by a run (a different run would give another result). */
export interface SelfTrainFingerprint {
  seed: string;
  labeled: number;
  unlabeled: number;
  numClasses: number;
  imageShape: number[];
  iterations: number;
  fractionPerIteration: number;
  pseudoLabelOn: string;
  transform: 'none' | 'given';
  pretrained: 'given' | 'trained';
}

/** The run state saved after pretraining, every iteration and the final training. */
export interface SelfTrainSavedState {
  version: 1;
  fingerprint: SelfTrainFingerprint;
  pretrained: boolean;
  completedIterations: number;
  finished: boolean;
  history: SelfTrainHistory;
}

/**
 * The files of a self-training checkpoint directory: the run state (JSON), one model per finished
 * phase (`model-<phase>/`, tfjs layers format), the selection of each iteration
 * (`selection-iteration-<n>.bin`) and, per phase, the training checkpoint `train-<phase>/` that
 * `@bdst/core`'s `train` writes after every epoch. Every file is written atomically, so a run
 * killed at any instant leaves a consistent directory.
 */
export class SelfTrainCheckpoint {
  /** The checkpoint directory. */
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  /** The directory `train` checkpoints a phase's epochs into. */
  trainDir(phase: SelfTrainPhase): string {
    return join(this.dir, `train-${phase}`);
  }

  /** Reads the run state, or null when the directory holds none; refuses a state from another run. */
  async readState(fingerprint: SelfTrainFingerprint): Promise<SelfTrainSavedState | null> {
    const file = join(this.dir, SELF_TRAIN_STATE_FILE);
    if (!existsSync(file)) return null;
    let saved: SelfTrainSavedState;
    try {
      saved = JSON.parse(await readFile(file, 'utf8')) as SelfTrainSavedState;
    } catch (error) {
      throw new Error(`Error in SelfTrainer: cannot read the checkpoint ${file}: ${(error as Error).message}`);
    }
    if (saved.version !== 1) throw new Error(`Error in SelfTrainer: checkpoint ${file} has version ${saved.version}, expected 1`);
    for (const [key, value] of Object.entries(fingerprint)) {
      const stored = (saved.fingerprint as unknown as Record<string, unknown>)[key];
      if (JSON.stringify(stored) !== JSON.stringify(value)) {
        throw new Error(`Error in SelfTrainer: checkpointDir ${this.dir} holds a run with ${key} ${JSON.stringify(stored)} but this run has ${JSON.stringify(value)}; use another directory`);
      }
    }
    return saved;
  }

  /** Writes the run state. */
  async writeState(state: SelfTrainSavedState): Promise<void> {
    await writeFileAtomic(join(this.dir, SELF_TRAIN_STATE_FILE), JSON.stringify(state));
  }

  /** Saves the model of a finished phase (written to a temporary directory, then swapped in). */
  async saveModel(phase: SelfTrainPhase, model: LayersModel): Promise<void> {
    const target = join(this.dir, `model-${phase}`);
    const tmp = `${target}.tmp`;
    await rm(tmp, { recursive: true, force: true });
    await saveModel(model, tmp);
    await rm(target, { recursive: true, force: true });
    await rename(tmp, target);
  }

  /** Copies the saved weights of a finished phase into `model` (same architecture). */
  async loadWeightsInto(phase: SelfTrainPhase, model: LayersModel): Promise<void> {
    const saved = await this.loadModel(phase);
    try {
      model.setWeights(saved.getWeights());
    } finally {
      saved.dispose();
    }
  }

  /** Loads the saved model of a finished phase. */
  async loadModel(phase: SelfTrainPhase): Promise<LayersModel> {
    const dir = join(this.dir, `model-${phase}`);
    if (!existsSync(dir)) throw new Error(`Error in SelfTrainer: checkpoint ${this.dir} lacks model-${phase}; the directory is incomplete`);
    return loadModel(dir);
  }

  /** Saves iteration n's selection: indices into D_UL (ascending) and their pseudo-labels. */
  async saveSelection(n: number, indices: Int32Array, pseudoLabels: Int32Array): Promise<void> {
    const bytes = new Uint8Array(4 + 8 * indices.length);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, indices.length, true);
    for (let j = 0; j < indices.length; j++) {
      view.setInt32(4 + 4 * j, indices[j], true);
      view.setInt32(4 + 4 * (indices.length + j), pseudoLabels[j], true);
    }
    await writeFileAtomic(join(this.dir, `selection-iteration-${n}.bin`), bytes);
  }

  /** Reads iteration n's selection back. */
  async loadSelection(n: number): Promise<{ indices: Int32Array; pseudoLabels: Int32Array }> {
    const bytes = await readFile(join(this.dir, `selection-iteration-${n}.bin`));
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const count = view.getUint32(0, true);
    if (bytes.byteLength !== 4 + 8 * count) throw new Error(`Error in SelfTrainer: ${join(this.dir, `selection-iteration-${n}.bin`)} is truncated`);
    const indices = new Int32Array(count);
    const pseudoLabels = new Int32Array(count);
    for (let j = 0; j < count; j++) {
      indices[j] = view.getInt32(4 + 4 * j, true);
      pseudoLabels[j] = view.getInt32(4 + 4 * (count + j), true);
    }
    return { indices, pseudoLabels };
  }
}
