import * as tf from '@tensorflow/tfjs-core';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from './atomic-write.js';

/** File name of the topology + weights manifest in a saved model directory. */
export const MODEL_JSON_FILE = 'model.json';
/** File name of the weights (all weights, float32 little-endian, manifest order). */
export const WEIGHTS_FILE = 'weights.bin';

/**
 * A `tf.io.IOHandler` that saves to / loads from a directory with plain Node `fs` (no
 * tfjs-node): `model.json` (the standard TensorFlow.js layers-model JSON, so tfjs-node's
 * `file://` loader and the Python converter read it too) and `weights.bin`. Both files are
 * written atomically (temp file + rename), weights first.
 *
 * @param dir the directory (created on save if missing).
 */
export function fileSystemHandler(dir: string): tf.io.IOHandler {
  if (typeof dir !== 'string' || dir.length === 0) throw new Error(`Error in fileSystemHandler: dir must be a non-empty path, but got ${String(dir)}`);
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        throw new Error('Error in fileSystemHandler.save: only JSON (layers-model) topologies can be saved, but got a binary GraphDef');
      }
      const weightData = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      const modelJson: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology as object,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: [{ paths: [`./${WEIGHTS_FILE}`], weights: artifacts.weightSpecs ?? [] }],
        ...(artifacts.trainingConfig && { trainingConfig: artifacts.trainingConfig }),
        ...(artifacts.userDefinedMetadata && { userDefinedMetadata: artifacts.userDefinedMetadata }),
      };
      await writeFileAtomic(path.join(dir, WEIGHTS_FILE), new Uint8Array(weightData));
      await writeFileAtomic(path.join(dir, MODEL_JSON_FILE), JSON.stringify(modelJson));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },

    async load(): Promise<tf.io.ModelArtifacts> {
      const jsonPath = path.join(dir, MODEL_JSON_FILE);
      let text: string;
      try {
        text = await fs.readFile(jsonPath, 'utf8');
      } catch (err) {
        throw new Error(`Error in fileSystemHandler.load: cannot read ${jsonPath} (${(err as Error).message})`);
      }
      const modelJson = JSON.parse(text) as tf.io.ModelJSON;
      if (modelJson.modelTopology == null) throw new Error(`Error in fileSystemHandler.load: ${jsonPath} has no modelTopology`);
      return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const specs: tf.io.WeightsManifestEntry[] = [];
        const buffers: ArrayBuffer[] = [];
        for (const group of manifest) {
          specs.push(...group.weights);
          for (const p of group.paths) {
            const name = path.normalize(p);
            if (path.isAbsolute(name) || name.startsWith('..')) {
              throw new Error(`Error in fileSystemHandler.load: weights path ${JSON.stringify(p)} in ${jsonPath} leaves the model directory`);
            }
            const bytes = await fs.readFile(path.join(dir, name));
            buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
          }
        }
        return [specs, buffers];
      });
    },
  };
}
