import { renderVegaLiteToSvg } from './render-vega-lite.js';

/** One measured run for {@link renderAugmentationBoxPlot}: a model's SA and ASR under one augmentation. */
export interface AugmentationResult {
  /** The augmentation's name as the paper writes it, e.g. `"RCS0.5+VFlip"`, `"No Aug"`. */
  augmentation: string;
  /** Standard accuracy, a fraction in [0, 1] (plotted in %). */
  sa: number;
  /** Attack success rate, a fraction in [0, 1] (plotted in %). */
  asr: number;
  /** Optional: which attack or variant this run is (e.g. `"BadNet RGB"`), kept in the tooltip. */
  attack?: string;
}

/** Options of {@link renderAugmentationBoxPlot}. */
export interface AugmentationBoxPlotOptions {
  /** Chart title. Default `"SA and ASR per augmentation"`. */
  title?: string;
  /**
   * Width in pixels of the slot one box (SA or ASR) gets inside an augmentation's band; the box
   * fills 60% of it. Default 48 (so about 125 pixels per augmentation).
   */
  bandWidth?: number;
  /** Plot height in pixels. Default 300. */
  height?: number;
  /**
   * Whisker extent: `'min-max'`, or a multiple of the IQR beyond which points are drawn as
   * outliers (Tukey's 1.5, as matplotlib's and seaborn's box plots). Default 1.5.
   */
  extent?: 'min-max' | number;
}

/**
 * The paper's Figure 1 as an SVG: for each augmentation (in the order first seen in `results`),
 * a box plot of SA and one of ASR over all runs given for it (the paper pools attacks and
 * augmentation variants), on a 0–100% axis. Rendered in Node with Vega-Lite; no browser.
 *
 * @returns a standalone SVG document; two boxes per augmentation.
 */
export async function renderAugmentationBoxPlot(results: readonly AugmentationResult[], options: AugmentationBoxPlotOptions = {}): Promise<string> {
  const caller = 'renderAugmentationBoxPlot';
  if (!Array.isArray(results) || results.length === 0) {
    throw new Error(`Error in ${caller}: results must be a non-empty array of { augmentation, sa, asr }, but got ${Array.isArray(results) ? 'an empty array' : typeof results}`);
  }
  results.forEach((r, i) => {
    if (!r || typeof r.augmentation !== 'string' || r.augmentation.length === 0) {
      throw new Error(`Error in ${caller}: results[${i}].augmentation must be a non-empty string`);
    }
    for (const key of ['sa', 'asr'] as const) {
      if (typeof r[key] !== 'number' || !(r[key] >= 0 && r[key] <= 1)) {
        throw new Error(`Error in ${caller}: results[${i}].${key} must be a fraction in [0, 1], but got ${r[key]}`);
      }
    }
  });
  const { title = 'SA and ASR per augmentation', bandWidth = 48, height = 300, extent = 1.5 } = options;
  for (const [name, value] of [['bandWidth', bandWidth], ['height', height]] as const) {
    if (!(Number.isFinite(value) && value > 0)) throw new Error(`Error in ${caller}: options.${name} must be a positive number of pixels, but got ${value}`);
  }
  if (extent !== 'min-max' && !(typeof extent === 'number' && extent >= 0 && Number.isFinite(extent))) {
    throw new Error(`Error in ${caller}: options.extent must be 'min-max' or a non-negative multiple of the IQR, but got ${JSON.stringify(extent)}`);
  }
  const order = [...new Set(results.map((r) => r.augmentation))];
  const values = results.flatMap((r) => [
    { augmentation: r.augmentation, attack: r.attack ?? '', metric: 'SA', value: r.sa * 100 },
    { augmentation: r.augmentation, attack: r.attack ?? '', metric: 'ASR', value: r.asr * 100 },
  ]);
  const metrics = ['SA', 'ASR'];
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: { step: bandWidth },
    height,
    data: { values },
    mark: { type: 'boxplot', extent, size: Math.max(4, Math.round(bandWidth * 0.6)) },
    encoding: {
      x: { field: 'augmentation', type: 'nominal', sort: order, title: 'Augmentation', axis: { labelAngle: -45 } },
      xOffset: { field: 'metric', type: 'nominal', sort: metrics },
      y: { field: 'value', type: 'quantitative', title: 'SA / ASR (%)', scale: { domain: [0, 100] } },
      color: { field: 'metric', type: 'nominal', sort: metrics, title: 'Metric', scale: { domain: metrics, range: ['#4c78a8', '#e45756'] }, legend: { symbolType: 'square' } },
    },
  };
  return renderVegaLiteToSvg(spec);
}
