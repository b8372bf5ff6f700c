/**
 * The padding arithmetic that turns the two gradients of a 2-D convolution into forward
 * convolutions, one spatial axis at a time. Pure integer arithmetic, shared by the regular and
 * the depthwise backprop kernels.
 *
 * Notation for one axis of the forward convolution `y = conv(x, w)`: the input has `inSize`
 * positions, the output (and so `dy`) `outSize`, the filter `filterSize` taps spaced `dilation`
 * apart, windows step by `stride`, and `padBefore` zeros precede the input. Output position `o`
 * and tap `k` read input position `o * stride + k * dilation - padBefore` (zero outside the input).
 */

/** One spatial axis of a forward 2-D convolution, as described in this module's header. */
export interface ConvAxis {
  /** Input length (rows or columns), >= 0. */
  inSize: number;
  /** Output length, i.e. the length of `dy` along this axis, >= 0. */
  outSize: number;
  /** Number of filter taps, >= 1. */
  filterSize: number;
  /** Window step, >= 1. */
  stride: number;
  /** Spacing between filter taps, >= 1. */
  dilation: number;
  /** Zeros before the input (the forward conv's top or left padding), >= 0. */
  padBefore: number;
}

/**
 * How to get the filter gradient along one axis as a forward convolution of the (transposed)
 * input with the (transposed) `dy` acting as the filter: that convolution steps by the forward
 * `dilation`, spaces its taps by the forward `stride`, and reads input positions
 * `k * dilation + o * stride - padBefore` for output `k` and tap `o`.
 */
export interface FilterGradientAxisPlan {
  /** Keep only the first `inputExtent` input positions (drop rows no window ever reads). */
  inputExtent: number;
  /** Zeros before the (cropped) input: the forward conv's `padBefore`. */
  padBefore: number;
  /** Zeros after the (cropped) input so that every read of every tap exists. */
  padAfter: number;
  /** Length of that convolution's output; at least `filterSize`, the extra tail is dropped. */
  convOutSize: number;
}

/** Plans the filter gradient along one axis (see {@link FilterGradientAxisPlan}). */
export function planFilterGradientAxis(axis: ConvAxis): FilterGradientAxisPlan {
  const { inSize, outSize, filterSize, stride, dilation, padBefore } = axis;
  // One past the last input position read by the last tap of the last window.
  const needed = (filterSize - 1) * dilation + (outSize - 1) * stride + 1 - padBefore;
  const inputExtent = Math.min(inSize, Math.max(needed, 1));
  const padAfter = Math.max(0, needed - inputExtent);
  const dyExtent = (outSize - 1) * stride + 1;
  const convOutSize = Math.floor((inputExtent + padBefore + padAfter - dyExtent) / dilation) + 1;
  return { inputExtent, padBefore, padAfter, convOutSize };
}

/**
 * How to get the input gradient along one axis as a forward convolution (stride 1, the forward
 * `dilation`) of `dy` with the spatially flipped filter. When the forward stride is > 1, `dy`
 * is first spread out with `stride - 1` zeros after every element (so its length becomes
 * `outSize * stride`).
 */
export interface InputGradientAxisPlan {
  /** Zeros before the spread `dy`. */
  padBefore: number;
  /** Zeros after the spread `dy`. */
  padAfter: number;
  /** First position of the convolution's output that belongs to the input gradient. */
  cropBefore: number;
  /** Length of the convolution's output (>= cropBefore + inSize). */
  convOutSize: number;
}

/** Plans the input gradient along one axis (see {@link InputGradientAxisPlan}). */
export function planInputGradientAxis(axis: ConvAxis): InputGradientAxisPlan {
  const { inSize, outSize, filterSize, stride, dilation, padBefore } = axis;
  const effectiveFilter = (filterSize - 1) * dilation;
  // Exact zero padding around the spread dy (whose trailing stride-1 zeros already count).
  const before = effectiveFilter - padBefore;
  const after = inSize - outSize * stride + padBefore;
  const padBeforeClamped = Math.max(before, 0);
  const padAfterClamped = Math.max(after, 0);
  const convOutSize = outSize * stride + padBeforeClamped + padAfterClamped - effectiveFilter;
  return { padBefore: padBeforeClamped, padAfter: padAfterClamped, cropBefore: Math.max(-before, 0), convOutSize };
}

/** The fields of tfjs's `backend_util.Conv2DInfo` the 2-D plans below read. */
export interface ConvGeometry {
  inHeight: number;
  inWidth: number;
  outHeight: number;
  outWidth: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  padInfo: { top: number; left: number };
}

/** The rows (height) and columns (width) axes of a forward 2-D convolution. */
export function convAxes(info: ConvGeometry): { rows: ConvAxis; cols: ConvAxis } {
  return {
    rows: {
      inSize: info.inHeight,
      outSize: info.outHeight,
      filterSize: info.filterHeight,
      stride: info.strideHeight,
      dilation: info.dilationHeight,
      padBefore: info.padInfo.top,
    },
    cols: {
      inSize: info.inWidth,
      outSize: info.outWidth,
      filterSize: info.filterWidth,
      stride: info.strideWidth,
      dilation: info.dilationWidth,
      padBefore: info.padInfo.left,
    },
  };
}

/** {@link planFilterGradientAxis} along both spatial axes. */
export function planFilterGradient(info: ConvGeometry): { rows: FilterGradientAxisPlan; cols: FilterGradientAxisPlan } {
  const { rows, cols } = convAxes(info);
  return { rows: planFilterGradientAxis(rows), cols: planFilterGradientAxis(cols) };
}

/** {@link planInputGradientAxis} along both spatial axes. */
export function planInputGradient(info: ConvGeometry): { rows: InputGradientAxisPlan; cols: InputGradientAxisPlan } {
  const { rows, cols } = convAxes(info);
  return { rows: planInputGradientAxis(rows), cols: planInputGradientAxis(cols) };
}

/** The explicit NHWC `pad` attribute of a forward conv with these zeros before / after rows and columns. */
export function explicitPadding(
  rows: { padBefore: number; padAfter: number },
  cols: { padBefore: number; padAfter: number },
): [[number, number], [number, number], [number, number], [number, number]] {
  return [
    [0, 0],
    [rows.padBefore, rows.padAfter],
    [cols.padBefore, cols.padAfter],
    [0, 0],
  ];
}
