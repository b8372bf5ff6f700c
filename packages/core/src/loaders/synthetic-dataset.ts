import { ImageDataset } from '../dataset/image-dataset.js';
import { createRng } from '../rng/rng.js';

/** Options of {@link syntheticDataset}. */
export interface SyntheticDatasetOptions {
  /** Number of images N (a non-negative integer). Classes are balanced: counts differ by at most 1. */
  size: number;
  /** Seed of the {@link createRng} stream every pixel and label is drawn from. */
  seed: number | string;
  /** Image height in pixels, at least 16 (default 32, CIFAR-10's). */
  height?: number;
  /** Image width in pixels, at least 16 (default 32). */
  width?: number;
  /** 3 for RGB (default) or 1 for gray. */
  channels?: number;
  /** Number of classes, 1–10 (default 10). */
  numClasses?: number;
  /** Standard deviation of the additive Gaussian pixel noise, in 0–255 intensity units (default 8). */
  noise?: number;
}

/** The shape and texture of each synthetic class, by label index (for reports and docs). */
export const SYNTHETIC_CLASSES = [
  'disc, solid',
  'square, horizontal stripes',
  'diamond, vertical stripes',
  'ring, checkerboard',
  'plus, diagonal stripes',
  'X, dots',
  'triangle (up or down), concentric rings',
  'square frame, grid lines',
  'two bars, speckle',
  'hourglass, radial gradient',
] as const;

const NOISE_TABLE = 1 << 16;
/** The largest |(u, v)| of any class's shape in its unit frame (the hourglass's corners). */
const MAX_SHAPE_RADIUS = 1.46;

/**
 * A deterministic, class-conditional image set that needs no download, for demos, tests and
 * quick experiments in place of CIFAR-10.
 *
 * Each class is one shape filled with one texture ({@link SYNTHETIC_CLASSES}), drawn on a
 * background of a random colour with a random brightness gradient and Gaussian pixel noise. The
 * shape's position, size, aspect ratio, rotation (±17°) and colours are random, and colours are
 * shared by all classes, so no single pixel reveals the class: a model must look at shape and
 * texture. Design constraints, for the paper's setting:
 * - the bottom-right corner (5×5 on 28×28, 6×6 on 32×32, where BadNets triggers go) is never
 *   painted by a shape (shapes are placed away from it and masked there), so it holds only
 *   class-independent background;
 * - every class is as recognisable upside down (the one oriented shape, the triangle, points up
 *   or down at random). Half-area crops are another matter: a small CNN trained on 16×16 gray
 *   images classifies RCS0.5+VFlip views (Section 4) of test images only 26% right (35–37% at
 *   24×24 and 32×32; the paper's Figure 1 reports ~20% on CIFAR-10), and calls more than half of
 *   them class 9, whose smooth texture an upscaled crop resembles (docs/results/selftrain.md).
 *
 * A small CNN learns it to over 90% test accuracy within a few epochs on ~10k images. Generates
 * about 10k 32×32×3 images per 0.1–0.3 s. Everything is drawn from `createRng(seed)`, so the same
 * options give the same bytes on every platform.
 *
 * @throws when an option is out of range (named in the message).
 */
export function syntheticDataset(options: SyntheticDatasetOptions): ImageDataset {
  const { size, seed, height = 32, width = 32, channels = 3, numClasses = 10, noise = 8 } = options ?? ({} as SyntheticDatasetOptions);
  if (!Number.isInteger(size) || size < 0) throw new RangeError(`syntheticDataset: size must be a non-negative integer, got ${size}`);
  if (typeof seed !== 'string' && !(typeof seed === 'number' && Number.isFinite(seed))) {
    throw new TypeError(`syntheticDataset: seed must be a finite number or a string, got ${String(seed)}`);
  }
  if (!Number.isInteger(height) || height < 16) throw new RangeError(`syntheticDataset: height must be an integer ≥ 16, got ${height}`);
  if (!Number.isInteger(width) || width < 16) throw new RangeError(`syntheticDataset: width must be an integer ≥ 16, got ${width}`);
  if (channels !== 1 && channels !== 3) throw new RangeError(`syntheticDataset: channels must be 1 or 3, got ${channels}`);
  if (!Number.isInteger(numClasses) || numClasses < 1 || numClasses > SYNTHETIC_CLASSES.length) {
    throw new RangeError(`syntheticDataset: numClasses must be an integer in [1, ${SYNTHETIC_CLASSES.length}], got ${numClasses}`);
  }
  if (!(noise >= 0 && noise <= 255)) throw new RangeError(`syntheticDataset: noise must be in [0, 255] (a standard deviation in intensity units), got ${noise}`);

  const root = createRng(seed);
  const labels = new Int32Array(size);
  for (let i = 0; i < size; i++) labels[i] = i % numClasses;
  root.fork('labels').shuffleInPlace(labels);

  // Gaussian noise comes from a table drawn once from the stream, read at a random offset and odd
  // stride per image: as deterministic as per-pixel draws, and ~20× faster.
  const noiseRng = root.fork('noise');
  const table = new Float32Array(NOISE_TABLE);
  for (let i = 0; i < NOISE_TABLE; i++) table[i] = noiseRng.normal();

  const rng = root.fork('images');
  const H = height;
  const W = width;
  const C = channels;
  const minDim = Math.min(H, W);
  const corner = Math.ceil(0.17 * minDim);
  const contrast = 120 * Math.sqrt(C / 3);
  const images = new Uint8Array(size * H * W * C);
  const bg = new Float64Array(C);
  const fg = new Float64Array(C);
  const fg2 = new Float64Array(C);

  for (let n = 0; n < size; n++) {
    const k = labels[n];
    // Colours: a background and a foreground far enough apart, then a darker or lighter variant.
    for (let c = 0; c < C; c++) bg[c] = rng.uniform(0, 255);
    for (let attempt = 0; ; attempt++) {
      let d2 = 0;
      for (let c = 0; c < C; c++) {
        fg[c] = rng.uniform(0, 255);
        d2 += (fg[c] - bg[c]) ** 2;
      }
      if (d2 >= contrast * contrast) break;
      if (attempt === 20) {
        for (let c = 0; c < C; c++) fg[c] = 255 - bg[c];
        break;
      }
    }
    let luma = 0;
    for (let c = 0; c < C; c++) luma += fg[c] / C;
    for (let c = 0; c < C; c++) fg2[c] = luma > 127 ? fg[c] * 0.25 : fg[c] + (255 - fg[c]) * 0.75;
    const gradX = rng.uniform(-35, 35);
    const gradY = rng.uniform(-35, 35);

    // Geometry: size, aspect, rotation, orientation, and a centre that keeps the corner clear.
    const r = rng.uniform(0.28, 0.42) * minDim;
    const aspect = rng.uniform(0.85, 1.18);
    const rx = r * aspect;
    const ry = r / aspect;
    const theta = rng.uniform(-0.25, 0.25);
    const cos = Math.cos(theta);
    const sin = Math.sin(theta);
    const orientation = rng.bernoulli(0.5) ? 1 : -1;
    // Place the shape so its inscribed ellipse stays clear of the corner; pixels of the corner
    // are masked below anyway, so the rare shape that would still reach it is cut off there.
    let cx = 0;
    let cy = 0;
    for (let attempt = 0; attempt < 30; attempt++) {
      cx = W * rng.uniform(0.32, 0.68);
      cy = H * rng.uniform(0.32, 0.68);
      if (cx + rx < W - corner || cy + ry < H - corner) break;
    }
    const extent = MAX_SHAPE_RADIUS * Math.max(rx, ry);
    const period = 2 + rng.int(2);
    const phase = rng.int(6);
    const noiseOffset = rng.int(NOISE_TABLE);
    const noiseStride = 2 * rng.int(NOISE_TABLE / 2) + 1;
    const speckleOffset = rng.int(NOISE_TABLE);

    const x0 = Math.max(0, Math.floor(cx - extent));
    const x1 = Math.min(W - 1, Math.ceil(cx + extent));
    const y0 = Math.max(0, Math.floor(cy - extent));
    const y1 = Math.min(H - 1, Math.ceil(cy + extent));
    const base = n * H * W * C;
    for (let y = 0; y < H; y++) {
      const rowShade = gradY * (y / H - 0.5);
      const inRows = y >= y0 && y <= y1;
      for (let x = 0; x < W; x++) {
        const p = y * W + x;
        let t = -1; // < 0: background; else the texture's blend from fg (0) to fg2 (1)
        if (inRows && x >= x0 && x <= x1 && !(x >= W - corner && y >= H - corner)) {
          const dx = x + 0.5 - cx;
          const dy = y + 0.5 - cy;
          const u = (cos * dx + sin * dy) / rx;
          const v = (-sin * dx + cos * dy) / ry;
          if (insideShape(k, u, orientation * v)) {
            t = texture(k, x, y, u, v, period, phase, orientation, r, table[(speckleOffset + p * noiseStride) & (NOISE_TABLE - 1)]);
          }
        }
        const shade = rowShade + gradX * (x / W - 0.5);
        for (let c = 0; c < C; c++) {
          const colour = t < 0 ? bg[c] + shade : fg[c] + (fg2[c] - fg[c]) * t;
          const value = colour + noise * table[(noiseOffset + (p * C + c) * noiseStride) & (NOISE_TABLE - 1)];
          images[base + p * C + c] = value <= 0 ? 0 : value >= 255 ? 255 : Math.round(value);
        }
      }
    }
  }
  return new ImageDataset({ images, shape: [size, H, W, C], labels, numClasses, name: `synthetic-${seed}` });
}

/** Whether the point (u, v) in the shape's unit frame (v already oriented) is inside class k's shape. */
function insideShape(k: number, u: number, v: number): boolean {
  const au = Math.abs(u);
  const av = Math.abs(v);
  switch (k) {
    case 0: // disc
      return u * u + v * v <= 1;
    case 1: // square
      return au <= 0.85 && av <= 0.85;
    case 2: // diamond
      return au + av <= 1.05;
    case 3: {
      // ring
      const d2 = u * u + v * v;
      return d2 <= 1 && d2 >= 0.36;
    }
    case 4: // plus
      return (au <= 0.32 && av <= 1) || (av <= 0.32 && au <= 1);
    case 5: // X
      return au <= 0.95 && av <= 0.95 && (Math.abs(u - v) <= 0.45 || Math.abs(u + v) <= 0.45);
    case 6: // triangle, apex at v = -1
      return v <= 0.75 && au <= (v + 1) * 0.6;
    case 7: {
      // square frame
      const m = Math.max(au, av);
      return m <= 0.95 && m >= 0.55;
    }
    case 8: // two horizontal bars
      return au <= 1 && av >= 0.25 && av <= 0.8;
    default: // 9: hourglass
      return av <= 1 && au <= 0.95 * av + 0.1;
  }
}

/** Class k's texture at pixel (x, y): 0 = foreground colour, 1 = its variant, in between for gradients. */
function texture(k: number, x: number, y: number, u: number, v: number, period: number, phase: number, orientation: number, radius: number, speckle: number): number {
  switch (k) {
    case 0: // solid
      return 0;
    case 1: // horizontal stripes
      return Math.floor((y + phase) / period) & 1;
    case 2: // vertical stripes
      return Math.floor((x + phase) / period) & 1;
    case 3: // checkerboard
      return (Math.floor((x + phase) / period) + Math.floor((y + phase) / period)) & 1;
    case 4: // diagonal stripes, either direction
      return Math.floor((x + orientation * y + 64 + phase) / period) & 1;
    case 5: // dots
      return (x + phase) % 3 === 0 && (y + phase) % 3 === 0 ? 1 : 0;
    case 6: // concentric rings, 2 px wide
      return Math.floor((Math.sqrt(u * u + v * v) * radius) / 2) & 1;
    case 7: // grid lines
      return (x + phase) % 4 === 0 || (y + phase) % 4 === 0 ? 1 : 0;
    case 8: // speckle
      return speckle > 0 ? 1 : 0;
    default: // 9: radial gradient
      return Math.min(1, Math.sqrt(u * u + v * v));
  }
}
