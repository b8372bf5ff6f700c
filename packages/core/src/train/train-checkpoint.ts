import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../io/atomic-write.js';
import type { RngState } from '../rng/rng.js';
import type { SgdMomentum, SgdMomentumState } from './sgd-momentum.js';

/** File name of {@link train}'s checkpoint inside `checkpointDir`. */
export const TRAIN_CHECKPOINT_FILE = 'train-checkpoint.bin';

const MAGIC = 'BDSTCKP1';

/** What a training checkpoint holds besides the tensors. */
export interface TrainCheckpointInfo<R = unknown> {
  /** Number of finished epochs. */
  epoch: number;
  /** One report per finished epoch. */
  history: R[];
  /** State of the run's `rng` (its seed path identifies the run). */
  rng: RngState;
  /** Hyper-parameters that must match on resume (batch size…), compared field by field. */
  settings: Record<string, unknown>;
}

interface Header<R> extends TrainCheckpointInfo<R> {
  optimizer: Omit<SgdMomentumState, 'buffers'> & { bufferShapes: number[][] | null };
  weightShapes: number[][];
}

/**
 * Writes `model`'s weights (all of them, BatchNorm statistics included), `optimizer`'s state and
 * `info` to `dir/train-checkpoint.bin`, atomically (temp file + rename). Layout: 8-byte magic,
 * uint32 header length, UTF-8 JSON header, zero padding to 4 bytes, then float32 little-endian
 * weights followed by momentum buffers.
 */
export async function writeTrainCheckpoint<R>(dir: string, model: tfl.LayersModel, optimizer: SgdMomentum, info: TrainCheckpointInfo<R>): Promise<void> {
  const weights = model.weights.map((w) => w.read());
  const weightValues = await Promise.all(weights.map(async (w) => (await w.data()) as Float32Array));
  const { buffers, ...optimizerRest } = await optimizer.getState();
  const header: Header<R> = {
    ...info,
    optimizer: { ...optimizerRest, bufferShapes: buffers ? buffers.map((b) => b.shape) : null },
    weightShapes: weights.map((w) => w.shape.slice()),
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const prefix = new Uint8Array(12 + json.length + ((4 - ((12 + json.length) % 4)) % 4));
  prefix.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(prefix.buffer).setUint32(8, json.length, true);
  prefix.set(json, 12);
  const parts: Uint8Array[] = [prefix];
  for (const v of [...weightValues, ...(buffers ?? []).map((b) => b.values)]) parts.push(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  await writeFileAtomic(path.join(dir, TRAIN_CHECKPOINT_FILE), parts);
}

/** A checkpoint read back by {@link readTrainCheckpoint}. */
export interface LoadedTrainCheckpoint<R> extends TrainCheckpointInfo<R> {
  /** Restores the weights into `model` and the state into `optimizer` (shapes are checked). */
  restore(model: tfl.LayersModel, optimizer: SgdMomentum): void;
}

/** Reads `dir/train-checkpoint.bin`, or returns null when there is none. */
export async function readTrainCheckpoint<R>(dir: string): Promise<LoadedTrainCheckpoint<R> | null> {
  const file = path.join(dir, TRAIN_CHECKPOINT_FILE);
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const fail = (why: string): never => {
    throw new Error(`Error in train: checkpoint ${file} is not a valid bdst training checkpoint (${why})`);
  };
  if (bytes.length < 12 || bytes.toString('latin1', 0, 8) !== MAGIC) fail('bad magic');
  const jsonLength = bytes.readUInt32LE(8);
  if (12 + jsonLength > bytes.length) fail('truncated header');
  let header: Header<R>;
  try {
    header = JSON.parse(bytes.toString('utf8', 12, 12 + jsonLength)) as Header<R>;
  } catch {
    return fail('corrupt header');
  }
  if (!Array.isArray(header?.weightShapes) || typeof header.epoch !== 'number' || !header.optimizer) fail('header lacks epoch, weightShapes or optimizer');
  let offset = 12 + jsonLength + ((4 - ((12 + jsonLength) % 4)) % 4);
  // Copy into an aligned buffer so Float32Array views are valid.
  const data = new Uint8Array(bytes.length - offset);
  data.set(bytes.subarray(offset));
  const floats = new Float32Array(data.buffer, 0, Math.floor(data.length / 4));
  offset = 0;
  const take = (shape: number[]): Float32Array => {
    const n = shape.reduce((a, b) => a * b, 1);
    if (offset + n > floats.length) fail('truncated data');
    const v = floats.slice(offset, offset + n);
    offset += n;
    return v;
  };
  const weightValues = header.weightShapes.map(take);
  const bufferValues = header.optimizer.bufferShapes ? header.optimizer.bufferShapes.map(take) : null;
  if (offset !== floats.length) fail('trailing data');
  const { weightShapes } = header;
  return {
    epoch: header.epoch,
    history: header.history,
    rng: header.rng,
    settings: header.settings,
    restore(model, optimizer) {
      const weights = model.weights;
      if (weights.length !== weightShapes.length || weights.some((w, i) => !tf.util.arraysEqual(w.shape as number[], weightShapes[i]))) {
        throw new Error(`Error in train: checkpoint ${file} holds weights of another architecture (${weightShapes.length} tensors vs the model's ${weights.length})`);
      }
      const tensors = weightValues.map((v, i) => tf.tensor(v, weightShapes[i], 'float32'));
      model.setWeights(tensors); // the variables take the data; our handles can go
      tensors.forEach((t) => t.dispose());
      const { bufferShapes, ...rest } = header.optimizer;
      optimizer.setState({ ...rest, buffers: bufferValues ? bufferValues.map((values, i) => ({ shape: bufferShapes![i], values })) : null });
    },
  };
}
