import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** The parts of a tfjs-layers 4.22 `Conv2D` layer the unfused call reads (protected there). */
interface Conv2DInternals {
  getClassName(): string;
  rank: number;
  strides: number[];
  padding: 'same' | 'valid' | 'causal';
  dataFormat: string;
  dilationRate: number[];
  useBias: boolean;
  activation: { getClassName(): string };
  kernel: { read(): tf.Tensor };
  inboundNodes: Array<{ inboundLayers: Array<{ getClassName(): string }> }>;
  call(inputs: tf.Tensor | tf.Tensor[], kwargs: object): tf.Tensor | tf.Tensor[];
}

/** Models whose eligible layers already run unfused. */
const prepared = new WeakSet<tfl.LayersModel>();

/**
 * tfjs-layers runs a `Conv2D` layer as tfjs's fused convolution, whose gradient computes the
 * gradient of the layer's input in every backward pass, needed or not. For a layer applied
 * directly to a model input (the first convolution of `smallCnn`, `vgg16`, `resnet18`) nobody
 * needs it while training the weights: a whole backward convolution thrown away (smallCnn
 * 16-32-64, batch 128, one WASM thread: 10 of ~160 ms per step; `bench/conv-gradients.ts`).
 *
 * For each such layer of `model` without a bias, with a linear activation, channels-last and
 * dilation 1 (what bdst's models build), installs on that layer object a `call` that runs the
 * same convolution unfused (`tf.conv2d`: the same WebAssembly kernel without a bias, so
 * bit-identical outputs and weight gradients). Its registered gradient computes the input
 * gradient only when something asks for it, e.g. `tf.grad` with respect to the images (trigger
 * synthesis, saliency), which still gets the same values. Nothing else changes: the layer
 * serializes as before and inference is the same computation. A nested model applied to a model
 * input (e.g. an encoder inside a SimCLR network) is treated the same way. Idempotent; other
 * layers are left alone. Called by every training step (`trainStep`, `ReplicaPool.step`, the
 * SimCLR step).
 */
export function skipUnusedInputGradients(model: tfl.LayersModel): void {
  if (prepared.has(model)) return;
  prepared.add(model);
  for (const layer of model.layers as unknown as Conv2DInternals[]) {
    if (!appliedToModelInput(layer)) continue;
    if (isModel(layer)) {
      skipUnusedInputGradients(layer); // a nested model (e.g. SimCLR's encoder) applied to the input
      continue;
    }
    if (!eligible(layer)) continue;
    layer.call = (inputs: tf.Tensor | tf.Tensor[]) =>
      tf.tidy(() => {
        const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
        return tf.conv2d(x, layer.kernel.read() as tf.Tensor4D, layer.strides as [number, number], layer.padding as 'same' | 'valid');
      });
  }
}

function isModel(layer: unknown): layer is tfl.LayersModel {
  return typeof layer === 'object' && layer !== null && Array.isArray((layer as { layers?: unknown }).layers) && Array.isArray((layer as { inputLayers?: unknown }).inputLayers);
}

function appliedToModelInput(layer: Conv2DInternals): boolean {
  return layer.inboundNodes.length > 0 && layer.inboundNodes.every((node) => node.inboundLayers.length === 1 && node.inboundLayers[0].getClassName() === 'InputLayer');
}

function eligible(layer: Conv2DInternals): boolean {
  return (
    layer.getClassName() === 'Conv2D' &&
    layer.rank === 2 &&
    !layer.useBias &&
    layer.activation.getClassName() === 'linear' &&
    layer.dataFormat === 'channelsLast' &&
    (layer.padding === 'same' || layer.padding === 'valid') &&
    layer.dilationRate.every((d) => d === 1)
  );
}
