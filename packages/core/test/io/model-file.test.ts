import * as tf from '@tensorflow/tfjs-core';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTempDir } from '@bdst/test-utils';
import { MODEL_JSON_FILE, SgdMomentum, WEIGHTS_FILE, createRng, initBackend, loadModel, predict, saveModel, smallCnn, syntheticDataset, trainStep } from '@bdst/core';

const tmp = useTempDir('bdst-model-file');
beforeAll(async () => {
  await initBackend({ backend: 'wasm', quiet: true });
});

describe('saveModel / loadModel', () => {
  it('round-trips topology and every weight (BatchNorm moving statistics included) with plain fs', async () => {
    const before = tf.memory().numTensors;
    const data = syntheticDataset({ size: 16, seed: 'io', height: 16, width: 16 });
    const model = smallCnn({ inputShape: [16, 16, 3], numClasses: 10, widths: [4, 8, 8], rng: createRng('io') });
    const optimizer = new SgdMomentum({ lr: 0.1 });
    const x = data.toTensor();
    await trainStep(model, optimizer, x, data.labels); // moves the BatchNorm statistics off their initial values
    x.dispose();
    optimizer.dispose();

    const dir = join(tmp(), 'small-cnn');
    await saveModel(model, dir);
    expect((await readdir(dir)).sort()).toEqual([MODEL_JSON_FILE, WEIGHTS_FILE].sort());
    const json = JSON.parse(await readFile(join(dir, MODEL_JSON_FILE), 'utf8'));
    expect(json.weightsManifest[0].paths).toEqual([`./${WEIGHTS_FILE}`]);
    expect(json.modelTopology.class_name).toBe('Model');

    const loaded = await loadModel(dir);
    expect(loaded.name).toBe(model.name);
    expect(loaded.weights.map((w) => w.originalName)).toEqual(model.weights.map((w) => w.originalName));
    const original = model.getWeights().map((t) => Array.from(t.dataSync()));
    expect(loaded.getWeights().map((t) => Array.from(t.dataSync()))).toEqual(original);
    expect(original.some((w, i) => model.weights[i].name.includes('moving_mean') && w.some((v) => v !== 0))).toBe(true);
    const [a, b] = [await predict(model, data), await predict(loaded, data)];
    expect(Array.from(b.probabilities)).toEqual(Array.from(a.probabilities));
    model.dispose();
    loaded.dispose();
    expect(tf.memory().numTensors, 'tensors left after save, load and predict').toBe(before);
  });

  it('names the missing file, and refuses a manifest that points outside the directory', async () => {
    await expect(loadModel(join(tmp(), 'nothing-here'))).rejects.toThrow(/Error in fileSystemHandler.load: cannot read .*nothing-here\/model\.json/);
    const dir = join(tmp(), 'escape');
    const model = smallCnn({ inputShape: [16, 16, 3], numClasses: 2, widths: [2, 2, 2] });
    await saveModel(model, dir);
    const json = JSON.parse(await readFile(join(dir, MODEL_JSON_FILE), 'utf8'));
    json.weightsManifest[0].paths = ['../../etc/passwd'];
    await writeFile(join(dir, MODEL_JSON_FILE), JSON.stringify(json));
    await expect(loadModel(dir)).rejects.toThrow(/weights path "\.\.\/\.\.\/etc\/passwd" in .*model\.json leaves the model directory/);
    await expect(saveModel({} as never, dir)).rejects.toThrow(/Error in saveModel: model must be a tf.LayersModel/);
    model.dispose();
  });
});
