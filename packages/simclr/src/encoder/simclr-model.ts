import * as tfl from '@tensorflow/tfjs-layers';
import { createRng, resnet18, smallCnn } from '@bdst/core';
import type { Rng } from '@bdst/core';

/** The SimCLR projection size (Section 5.1: "a 2-layer MLP projection head that produces a 128-dimensional representation space"). */
export const PAPER_PROJECTION_DIM = 128;

/** Encoders {@link createSimclrModel} can build by name (both from `@bdst/core`). */
export type SimclrEncoderName = 'resnet18' | 'smallCnn';

/** Options of {@link createSimclrModel}. */
export interface SimclrModelOptions {
  /**
   * The base encoder f(·): `'resnet18'` (the paper's, Section 5.1), `'smallCnn'` (a fast CNN for
   * CPUs and tests), or a tfjs `LayersModel` with one NHWC image input. A model whose last layer
   * is a `Dense` layer is taken to be a classifier and that layer is cut off (its input, e.g. the
   * globally pooled features, becomes h); otherwise its rank-2 output is h as it is. The returned
   * encoder shares its layers (and weights) with the given model.
   */
  encoder: SimclrEncoderName | tfl.LayersModel;
  /** `[height, width, channels]` of the images; required with an encoder name (e.g. `[32, 32, 3]`). */
  inputShape?: readonly [number, number, number];
  /** Output size of the projection head, ≥ 1 (paper: 128). Default 128. */
  projectionDim?: number;
  /** Width of the head's hidden layer, ≥ 1. Default: the encoder's feature size (512 for ResNet-18), as in SimCLR. */
  hiddenDim?: number;
  /** Channels of `'smallCnn'`'s three stages (default `[16, 32, 64]`); ignored otherwise. */
  widths?: readonly [number, number, number];
  /** Seeds the weight initialisation (default `createRng(0).fork('simclr')`). */
  rng?: Rng;
}

/**
 * A SimCLR network (Chen et al. 2020; the paper's Section 4.4): the base encoder f(·) and the
 * projection head g(·). `network` maps images to z = g(f(x)), on which NT-Xent is computed;
 * `encoder` maps images to the representation h = f(x) used downstream (K-Means, k-NN). The two
 * models share the encoder's layers, so training `network` trains `encoder`. `network.dispose()`
 * frees every weight (the encoder's included); do not dispose `encoder` separately.
 */
export interface SimclrModel {
  /** Images `[B, H, W, C]` in [0, 1] → h `[B, featureDim]` (before the projection head). */
  readonly encoder: tfl.LayersModel;
  /** Images → z `[B, projectionDim]` (encoder, then head). Train this one. */
  readonly network: tfl.LayersModel;
  /** Size of h (512 for ResNet-18, the last width for smallCnn). */
  readonly featureDim: number;
  /** Size of the head's hidden layer. */
  readonly hiddenDim: number;
  /** Size of z. */
  readonly projectionDim: number;
}

/**
 * Builds a SimCLR network (Section 5.1: "ResNet-18 as the base-encoder network and a 2-layer MLP
 * projection head that produces a 128-dimensional representation space"): the encoder without
 * its classifier, then `Dense(hiddenDim) → ReLU → Dense(projectionDim)` (SimCLR's head; PyTorch
 * default initialisation, biases included).
 *
 * @throws Error naming the bad option (unknown encoder name, missing inputShape, a model without
 *   a single image input or with a non-rank-2 feature output, non-positive sizes).
 */
export function createSimclrModel(options: SimclrModelOptions): SimclrModel {
  const fn = 'createSimclrModel';
  if (options === null || typeof options !== 'object') throw new Error(`Error in ${fn}: options must be an object { encoder, … }, but got ${String(options)}`);
  const { projectionDim = PAPER_PROJECTION_DIM } = options;
  if (!Number.isInteger(projectionDim) || projectionDim < 1) throw new Error(`Error in ${fn}: options.projectionDim must be an integer ≥ 1, but got ${projectionDim}`);
  if (options.hiddenDim !== undefined && (!Number.isInteger(options.hiddenDim) || options.hiddenDim < 1)) {
    throw new Error(`Error in ${fn}: options.hiddenDim must be an integer ≥ 1, but got ${options.hiddenDim}`);
  }
  if (options.rng !== undefined && (options.rng === null || typeof options.rng.fork !== 'function')) {
    throw new Error(`Error in ${fn}: options.rng must be an Rng (createRng(seed)), but got ${String(options.rng)}`);
  }
  const rng = options.rng ?? createRng(0).fork('simclr');
  const encoder = buildEncoder(fn, options, rng.fork('encoder'));
  const featureDim = encoder.outputs[0].shape[1] as number;
  const hiddenDim = options.hiddenDim ?? featureDim;

  const h = encoder.outputs[0];
  const hidden = projectionLayer(hiddenDim, featureDim, 'projection_hidden', rng.fork('projection-hidden')).apply(h) as tfl.SymbolicTensor;
  const activated = tfl.layers.reLU({ name: 'projection_relu' }).apply(hidden) as tfl.SymbolicTensor;
  const z = projectionLayer(projectionDim, hiddenDim, 'projection_out', rng.fork('projection-out')).apply(activated) as tfl.SymbolicTensor;
  const network = tfl.model({ inputs: encoder.inputs, outputs: z, name: `${encoder.name}_simclr` });
  return { encoder, network, featureDim, hiddenDim, projectionDim };
}

/** PyTorch's default `Linear(fanIn, units)`: weights and biases U(±1/√fanIn). */
function projectionLayer(units: number, fanIn: number, name: string, rng: Rng): tfl.layers.Layer {
  const bound = 1 / Math.sqrt(fanIn);
  return tfl.layers.dense({
    units,
    kernelInitializer: tfl.initializers.varianceScaling({ scale: 1 / 3, mode: 'fanIn', distribution: 'uniform', seed: rng.tfSeed() }),
    biasInitializer: tfl.initializers.randomUniform({ minval: -bound, maxval: bound, seed: rng.tfSeed() }),
    name,
  });
}

function buildEncoder(fn: string, options: SimclrModelOptions, rng: Rng): tfl.LayersModel {
  const { encoder } = options;
  let model: tfl.LayersModel;
  if (encoder === 'resnet18' || encoder === 'smallCnn') {
    const { inputShape } = options;
    if (!Array.isArray(inputShape) || inputShape.length !== 3) {
      throw new Error(`Error in ${fn}: options.inputShape ([height, width, channels]) is required with encoder '${encoder}', but got ${JSON.stringify(inputShape)}`);
    }
    // numClasses is irrelevant: the classifier built here is cut off below.
    model = encoder === 'resnet18'
      ? resnet18({ inputShape, numClasses: 1, rng, name: 'resnet18' })
      : smallCnn({ inputShape, numClasses: 1, rng, name: 'smallCnn', ...(options.widths && { widths: options.widths }) });
  } else if (encoder instanceof tfl.LayersModel) {
    model = encoder;
  } else {
    throw new Error(`Error in ${fn}: options.encoder must be 'resnet18', 'smallCnn' or a tf.LayersModel, but got ${JSON.stringify(encoder) ?? String(encoder)}`);
  }
  if (model.inputs.length !== 1 || model.inputs[0].shape.length !== 4) {
    throw new Error(`Error in ${fn}: options.encoder must have one NHWC image input, but has ${model.inputs.length} input(s) of shape [${model.inputs[0]?.shape}]`);
  }
  if (model.outputs.length !== 1) throw new Error(`Error in ${fn}: options.encoder must have one output, but has ${model.outputs.length}`);
  const last = model.layers[model.layers.length - 1];
  let features = model.outputs[0];
  if (last.getClassName() === 'Dense') features = last.input as tfl.SymbolicTensor;
  if (Array.isArray(features) || features.shape.length !== 2 || typeof features.shape[1] !== 'number') {
    throw new Error(`Error in ${fn}: the encoder's features must be rank 2 [batch, dim], but have shape [${(features as tfl.SymbolicTensor).shape}]`);
  }
  if (features === model.outputs[0]) return model;
  const cut = tfl.model({ inputs: model.inputs, outputs: features, name: `${model.name}_encoder` });
  // A classifier built here is ours: free the layer we cut off (a given model stays the caller's).
  if (typeof encoder === 'string') last.dispose();
  return cut;
}
