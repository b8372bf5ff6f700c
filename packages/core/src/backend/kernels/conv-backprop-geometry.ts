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

/**
 * One output phase of the input gradient along one axis of a convolution with dilation 1: the
 * input positions `i = q·stride + residue` (q < `count`) receive `dy` only through the filter
 * taps `firstTap, firstTap + stride, …` (`taps` of them), so their gradient is a stride-1 forward
 * convolution of `dy` with just those taps, reversed — no multiplications by the zeros a
 * stride-spread `dy` would hold. A stride-s convolution has s phases per axis.
 */
export interface InputGradientPhase {
  /** `i mod stride` of the input positions this phase covers. */
  residue: number;
  /** How many input positions it covers (`⌈(inSize − residue) / stride⌉`, ≥ 0). */
  count: number;
  /** Tap `k` of the forward filter that the sub-filter's last tap is (`(residue + padBefore) mod stride`). */
  firstTap: number;
  /** Taps in the sub-filter (0 when `firstTap ≥ filterSize`: those positions get no gradient). */
  taps: number;
  /** Zeros before `dy` in the sub-filter's convolution. */
  padBefore: number;
  /** Zeros after `dy`. */
  padAfter: number;
  /** First position of that convolution's output that is input position `residue`. */
  cropBefore: number;
}

/**
 * The phases of the input gradient along one axis (see {@link InputGradientPhase}); requires
 * `dilation` 1. For phase r the gradient at `q·stride + r` is
 * `Σ_j dy[q + c − j] · w[firstTap + j·stride]` with `c = (r + padBefore − firstTap) / stride`,
 * a correlation of `dy` (read from `c − taps + 1`) with the reversed sub-filter.
 */
export function planInputGradientPhases(axis: ConvAxis): InputGradientPhase[] {
  const { inSize, outSize, filterSize, stride, dilation, padBefore } = axis;
  if (dilation !== 1) throw new Error(`planInputGradientPhases: dilation must be 1, got ${dilation}`);
  const phases: InputGradientPhase[] = [];
  for (let residue = 0; residue < Math.min(stride, inSize); residue++) {
    const count = Math.ceil((inSize - residue) / stride);
    const firstTap = (residue + padBefore) % stride;
    const taps = firstTap < filterSize ? Math.ceil((filterSize - firstTap) / stride) : 0;
    const start = (residue + padBefore - firstTap) / stride - (taps - 1); // dy position read by q = 0, tap 0
    const before = Math.max(0, -start);
    const cropBefore = Math.max(0, start);
    const after = taps === 0 ? 0 : Math.max(0, cropBefore + count + taps - 1 - outSize - before);
    phases.push({ residue, count, firstTap, taps, padBefore: before, padAfter: after, cropBefore });
  }
  return phases;
}
