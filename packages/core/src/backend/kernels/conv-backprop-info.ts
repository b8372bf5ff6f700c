import { backend_util, util } from '@tensorflow/tfjs-core';

/** The convolution attributes every backprop kernel gets (tfjs attrs, plus an optional `dilations`). */
export interface ConvBackpropAttrs {
  strides: number | [number, number];
  dilations?: number | [number, number];
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dataFormat?: string;
}

/**
 * The forward convolution's geometry for a backprop kernel: checks `dataFormat` is NHWC (when
 * given), computes tfjs's `Conv2DInfo` for input `xShape` and filter `filterShape`, and checks
 * that `dy` has the forward output's shape.
 *
 * @param kernelName The kernel, quoted in errors (e.g. `'Conv2DBackpropInput'`).
 * @param depthwise Whether the filter is depthwise `[KH, KW, C, M]`.
 * @throws Error naming the kernel and the bad argument.
 */
export function convBackpropInfo(
  kernelName: string,
  xShape: readonly number[],
  filterShape: readonly number[],
  attrs: ConvBackpropAttrs,
  depthwise: boolean,
  dyShape: readonly number[],
): backend_util.Conv2DInfo {
  const { strides, dilations, pad, dimRoundingMode, dataFormat } = attrs;
  if (dataFormat != null && dataFormat !== 'NHWC') {
    throw new Error(`Error in ${kernelName} (bdst wasm): dataFormat must be 'NHWC', but got '${dataFormat}'`);
  }
  const convInfo = backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    strides,
    dilations ?? 1,
    pad,
    dimRoundingMode,
    depthwise,
    'channelsLast',
  );
  util.assert(
    util.arraysEqual(dyShape as number[], convInfo.outShape),
    () => `Error in ${kernelName} (bdst wasm): dy must have shape [${convInfo.outShape}], but got [${dyShape}]`,
  );
  return convInfo;
}
