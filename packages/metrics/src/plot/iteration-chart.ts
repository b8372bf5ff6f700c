import { renderVegaLiteToSvg } from './render-vega-lite.js';

/** One self-training iteration for {@link renderIterationChart}. */
export interface IterationPoint {
  /** Iteration number (0 = the pretrained model, 1..N = self-training iterations). */
  iteration: number;
  /** Standard accuracy after this iteration, a fraction in [0, 1]. */
  sa: number;
  /** Attack success rate after this iteration, a fraction in [0, 1]. */
  asr: number;
  /** How many poisoned samples the iteration's selection picked (a count ≥ 0). */
  poisonedSelected: number;
}

/** Options of {@link renderIterationChart}. */
export interface IterationChartOptions {
  /** Chart title. Default `"Self-training iterations"`. */
  title?: string;
  /** Plot width in pixels. Default 420. */
  width?: number;
  /** Plot height in pixels. Default 260. */
  height?: number;
}

/**
 * A line chart of a self-training run (Algorithm 1's iterations): SA and ASR in % on the left
 * axis, and the number of poisoned samples selected on an independent right axis, one point per
 * iteration. Rendered to SVG in Node with Vega-Lite; no browser.
 *
 * @returns a standalone SVG document with three lines (SA, ASR, poisoned selected).
 */
export async function renderIterationChart(history: readonly IterationPoint[], options: IterationChartOptions = {}): Promise<string> {
  const caller = 'renderIterationChart';
  if (!Array.isArray(history) || history.length === 0) {
    throw new Error(`Error in ${caller}: history must be a non-empty array of { iteration, sa, asr, poisonedSelected }, but got ${Array.isArray(history) ? 'an empty array' : typeof history}`);
  }
  history.forEach((p, i) => {
    if (!p || !Number.isInteger(p.iteration) || p.iteration < 0) throw new Error(`Error in ${caller}: history[${i}].iteration must be a non-negative integer, but got ${p?.iteration}`);
    for (const key of ['sa', 'asr'] as const) {
      if (typeof p[key] !== 'number' || !(p[key] >= 0 && p[key] <= 1)) throw new Error(`Error in ${caller}: history[${i}].${key} must be a fraction in [0, 1], but got ${p[key]}`);
    }
    if (!Number.isInteger(p.poisonedSelected) || p.poisonedSelected < 0) {
      throw new Error(`Error in ${caller}: history[${i}].poisonedSelected must be a non-negative integer, but got ${p.poisonedSelected}`);
    }
  });
  const { title = 'Self-training iterations', width = 420, height = 260 } = options;
  for (const [name, value] of [['width', width], ['height', height]] as const) {
    if (!(Number.isFinite(value) && value > 0)) throw new Error(`Error in ${caller}: options.${name} must be a positive number of pixels, but got ${value}`);
  }
  const rates = history.flatMap((p) => [
    { iteration: p.iteration, series: 'SA', percent: p.sa * 100 },
    { iteration: p.iteration, series: 'ASR', percent: p.asr * 100 },
  ]);
  const counts = history.map((p) => ({ iteration: p.iteration, series: 'Poisoned selected', count: p.poisonedSelected }));
  const series = ['SA', 'ASR', 'Poisoned selected'];
  const color = { field: 'series', type: 'nominal', title: 'Series', scale: { domain: series, range: ['#4c78a8', '#e45756', '#54a24b'] } };
  const x = { field: 'iteration', type: 'quantitative', title: 'Self-training iteration', axis: { tickMinStep: 1, format: 'd' } };
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width,
    height,
    layer: [
      {
        data: { values: rates },
        mark: { type: 'line', point: true },
        encoding: { x, y: { field: 'percent', type: 'quantitative', title: 'SA / ASR (%)', scale: { domain: [0, 100] } }, color },
      },
      {
        data: { values: counts },
        mark: { type: 'line', point: true, strokeDash: [6, 3] },
        encoding: {
          x,
          y: { field: 'count', type: 'quantitative', title: 'Poisoned samples selected', axis: { orient: 'right', tickMinStep: 1, format: 'd' } },
          color,
        },
      },
    ],
    resolve: { scale: { y: 'independent' } },
  };
  return renderVegaLiteToSvg(spec);
}
