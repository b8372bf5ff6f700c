/**
 * Where a trigger is stamped: one of the four corners (flush with the image border) or explicit
 * pixel coordinates of the trigger's top-left corner. The paper stamps at the lower right
 * corner (Section 5.1).
 */
export type TriggerPosition =
  | 'bottom-right'
  | 'bottom-left'
  | 'top-right'
  | 'top-left'
  | { readonly top: number; readonly left: number };

/** The two BadNets trigger kinds of Section 5.1: a gray-scale patch or an RGB patch. */
export type TriggerKind = 'grayscale' | 'rgb';

/**
 * A backdoor trigger: a small uint8 patch, a mask saying which of its pixels are written, and
 * where it goes in the image (the poisoned image generator 𝒢 of Section 3).
 *
 * Written into an image by {@link applyTrigger}: wherever `mask` is 1 the image pixel is replaced
 * by the pattern, elsewhere it is left alone. How the pattern meets the image's channel count:
 * - a 1-channel (grayscale) pattern on an RGB image writes the same value to all three channels;
 * - a 3-channel (RGB) pattern on a 1-channel image is converted to its luminance,
 *   `round(0.2989·R + 0.587·G + 0.114·B)` (the weights of torchvision's `rgb_to_grayscale`).
 */
export interface Trigger {
  /** `'grayscale'` (`channels` 1) or `'rgb'` (`channels` 3). */
  readonly kind: TriggerKind;
  /** Patch height in pixels (≥ 1). */
  readonly height: number;
  /** Patch width in pixels (≥ 1). */
  readonly width: number;
  /** Channels of `pattern`: 1 for grayscale, 3 for RGB. */
  readonly channels: 1 | 3;
  /** The patch, uint8 0–255, HWC: length `height · width · channels`. */
  readonly pattern: Uint8Array;
  /** 1 where the patch is written, 0 where the image shows through; length `height · width`. */
  readonly mask: Uint8Array;
  /** Where the patch goes; see {@link TriggerPosition}. */
  readonly position: TriggerPosition;
}

/** Options of {@link badnetsTrigger}. */
export interface BadNetsTriggerOptions {
  /** `'grayscale'`: a black/white checkerboard; `'rgb'`: a fixed coloured mosaic. Default `'grayscale'`. */
  kind?: TriggerKind;
  /** Side length of the square patch in pixels (paper: 5, Section 5.1). Default 5. */
  size?: number;
  /** Where to stamp it (paper: lower right corner, Section 5.1). Default `'bottom-right'`. */
  position?: TriggerPosition;
}

/**
 * The seven saturated colours of the RGB trigger, in order: red, green, blue, yellow, magenta,
 * cyan, white. Pixel (r, c) of a `size`×`size` RGB trigger takes colour `(r · size + c) mod 7`.
 */
export const RGB_TRIGGER_PALETTE: readonly (readonly [number, number, number])[] = [
  [255, 0, 0],
  [0, 255, 0],
  [0, 0, 255],
  [255, 255, 0],
  [255, 0, 255],
  [0, 255, 255],
  [255, 255, 255],
];

const CORNERS = ['bottom-right', 'bottom-left', 'top-right', 'top-left'] as const;

/**
 * A BadNets trigger (Gu et al.; the paper's Sections 3 and 5.1): a square patch of `size`×`size`
 * pixels, fully masked, stamped at a fixed position.
 *
 * - `'grayscale'`: a checkerboard of black (0) and white (255) pixels; pixel (r, c) of the patch
 *   is white when `r + c` is even, so the patch's top-left and bottom-right pixels are white.
 * - `'rgb'`: a fixed mosaic of saturated colours ({@link RGB_TRIGGER_PALETTE}); pixel (r, c) is
 *   colour `(r · size + c) mod 7`, so neighbouring pixels always differ and every colour appears
 *   in a 5×5 patch. It is deterministic: the same trigger in every run.
 *
 * @example badnetsTrigger({ kind: 'rgb' }) // 5×5, bottom-right, as in Section 5.1
 */
export function badnetsTrigger(options: BadNetsTriggerOptions = {}): Trigger {
  const { kind = 'grayscale', size = 5, position = 'bottom-right' } = options;
  if (kind !== 'grayscale' && kind !== 'rgb') {
    throw new Error(`Error in badnetsTrigger: kind must be 'grayscale' or 'rgb', but got ${JSON.stringify(kind)}`);
  }
  if (!Number.isInteger(size) || size < 1) {
    throw new Error(`Error in badnetsTrigger: size must be a positive integer, but got ${size}`);
  }
  checkPosition(position, 'badnetsTrigger');
  const channels = kind === 'grayscale' ? 1 : 3;
  const pattern = new Uint8Array(size * size * channels);
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      const p = r * size + c;
      if (kind === 'grayscale') {
        pattern[p] = (r + c) % 2 === 0 ? 255 : 0;
      } else {
        pattern.set(RGB_TRIGGER_PALETTE[p % RGB_TRIGGER_PALETTE.length], p * 3);
      }
    }
  }
  const mask = new Uint8Array(size * size).fill(1);
  const frozenPosition = typeof position === 'string' ? position : Object.freeze({ top: position.top, left: position.left });
  return Object.freeze({ kind, height: size, width: size, channels, pattern, mask, position: frozenPosition });
}

/**
 * The top-left pixel at which `trigger` lands in a `height`×`width` image. Throws when the
 * trigger does not fit inside the image at its position.
 *
 * @param caller the public function's name, used in the error message.
 */
export function triggerPlacement(trigger: Trigger, height: number, width: number, caller = 'triggerPlacement'): { top: number; left: number } {
  checkTrigger(trigger, caller);
  const { position } = trigger;
  let top: number;
  let left: number;
  if (typeof position === 'string') {
    top = position.startsWith('bottom') ? height - trigger.height : 0;
    left = position.endsWith('right') ? width - trigger.width : 0;
  } else {
    ({ top, left } = position);
  }
  if (top < 0 || left < 0 || top + trigger.height > height || left + trigger.width > width) {
    throw new Error(
      `Error in ${caller}: trigger of ${trigger.height}×${trigger.width} pixels at ${describePosition(position)} ` +
        `does not fit inside a ${height}×${width} image`,
    );
  }
  return { top, left };
}

/**
 * Checks that `trigger` is a well-formed {@link Trigger} (pattern and mask lengths, channels,
 * position) and throws an error naming the bad field otherwise.
 */
export function checkTrigger(trigger: Trigger, caller: string): void {
  if (trigger === null || typeof trigger !== 'object') {
    throw new Error(`Error in ${caller}: trigger must be a Trigger (see badnetsTrigger), but got ${String(trigger)}`);
  }
  const { height, width, channels, pattern, mask } = trigger;
  if (!Number.isInteger(height) || height < 1 || !Number.isInteger(width) || width < 1) {
    throw new Error(`Error in ${caller}: trigger.height and trigger.width must be positive integers, but got ${height}×${width}`);
  }
  if (channels !== 1 && channels !== 3) {
    throw new Error(`Error in ${caller}: trigger.channels must be 1 or 3, but got ${channels}`);
  }
  if (!(pattern instanceof Uint8Array) || pattern.length !== height * width * channels) {
    throw new Error(`Error in ${caller}: trigger.pattern must be a Uint8Array of length ${height * width * channels} (H·W·C), but got length ${pattern?.length}`);
  }
  if (!(mask instanceof Uint8Array) || mask.length !== height * width) {
    throw new Error(`Error in ${caller}: trigger.mask must be a Uint8Array of length ${height * width} (H·W), but got length ${mask?.length}`);
  }
  checkPosition(trigger.position, caller);
}

function checkPosition(position: TriggerPosition, caller: string): void {
  if (typeof position === 'string') {
    if (!(CORNERS as readonly string[]).includes(position)) {
      throw new Error(`Error in ${caller}: position must be one of ${CORNERS.join(', ')} or { top, left }, but got ${JSON.stringify(position)}`);
    }
    return;
  }
  if (position === null || typeof position !== 'object' || !Number.isInteger(position.top) || !Number.isInteger(position.left) || position.top < 0 || position.left < 0) {
    throw new Error(`Error in ${caller}: position { top, left } must hold non-negative integers, but got ${JSON.stringify(position)}`);
  }
}

function describePosition(position: TriggerPosition): string {
  return typeof position === 'string' ? position : `top ${position.top}, left ${position.left}`;
}

/**
 * The trigger's pattern as `channels` channels per pixel (uint8, HWC, length H·W·channels):
 * grayscale to RGB repeats the value, RGB to grayscale takes the luminance
 * `round(0.2989·R + 0.587·G + 0.114·B)` (torchvision's `rgb_to_grayscale` weights).
 */
export function patternForChannels(trigger: Trigger, channels: number): Uint8Array {
  const pixels = trigger.height * trigger.width;
  if (channels === trigger.channels) return trigger.pattern;
  const out = new Uint8Array(pixels * channels);
  for (let p = 0; p < pixels; p++) {
    if (trigger.channels === 1) {
      out.fill(trigger.pattern[p], p * channels, (p + 1) * channels);
    } else {
      const r = trigger.pattern[p * 3];
      const g = trigger.pattern[p * 3 + 1];
      const b = trigger.pattern[p * 3 + 2];
      const y = Math.min(255, Math.round(0.2989 * r + 0.587 * g + 0.114 * b));
      out.fill(y, p * channels, (p + 1) * channels);
    }
  }
  return out;
}
