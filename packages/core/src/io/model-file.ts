import * as tfl from '@tensorflow/tfjs-layers';
import { fileSystemHandler } from './file-system-handler.js';

/**
 * Saves a model (topology + all weights, BatchNorm moving statistics included) to directory
 * `dir` as `model.json` + `weights.bin`, the standard TensorFlow.js layers format, with plain
 * Node `fs` (see {@link fileSystemHandler}). Optimizer state is not saved: training checkpoints
 * do that (`train`'s `checkpointDir`).
 */
export async function saveModel(model: tfl.LayersModel, dir: string): Promise<void> {
  if (!(model instanceof tfl.LayersModel)) throw new Error(`Error in saveModel: model must be a tf.LayersModel, but got ${String(model)}`);
  await model.save(fileSystemHandler(dir));
}

/** Loads a model saved by {@link saveModel} (or any tfjs layers model directory) from `dir`. */
export async function loadModel(dir: string): Promise<tfl.LayersModel> {
  return tfl.loadLayersModel(fileSystemHandler(dir));
}
