import * as tfl from '@tensorflow/tfjs-layers';
import { ImageDataset } from '../dataset/image-dataset.js';

/**
 * Checks that `model` is an image classifier that fits `dataset`: one NHWC input of the
 * dataset's `[H, W, C]`, one `[batch, units]` output, and (with `requireClasses`) `units ==
 * dataset.numClasses`. Returns the number of output units. Throws `Error in <fn>: …`.
 */
export function checkModelForDataset(fn: string, model: tfl.LayersModel, dataset: ImageDataset, requireClasses: boolean): number {
  if (!(model instanceof tfl.LayersModel)) throw new Error(`Error in ${fn}: model must be a tf.LayersModel, but got ${String(model)}`);
  if (!(dataset instanceof ImageDataset)) throw new Error(`Error in ${fn}: dataset must be an ImageDataset, but got ${String(dataset)}`);
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new Error(`Error in ${fn}: model must have one input and one output, but has ${model.inputs.length} inputs and ${model.outputs.length} outputs`);
  }
  const inShape = model.inputs[0].shape;
  const [, h, w, c] = dataset.shape;
  if (inShape.length !== 4 || inShape[1] !== h || inShape[2] !== w || inShape[3] !== c) {
    throw new Error(`Error in ${fn}: model input shape [${inShape.slice(1).join(', ')}] does not match the dataset's image shape [${h}, ${w}, ${c}]`);
  }
  const outShape = model.outputs[0].shape;
  if (outShape.length !== 2 || typeof outShape[1] !== 'number') {
    throw new Error(`Error in ${fn}: model output must be [batch, numClasses] logits, but has shape [${outShape.join(', ')}]`);
  }
  const units = outShape[1];
  if (requireClasses && units !== dataset.numClasses) {
    throw new Error(`Error in ${fn}: model outputs ${units} classes but dataset.numClasses is ${dataset.numClasses}`);
  }
  return units;
}
