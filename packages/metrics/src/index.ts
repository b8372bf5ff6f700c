/**
 * `@bdst/metrics`: the paper's two measures (Section 3) — standard accuracy (SA) and attack
 * success rate (ASR) — plus selection statistics for self-training, summaries over seeds, and
 * reports: a Markdown table in Table 2's layout and SVG charts (Figure 1's box plot, a
 * per-iteration line chart) rendered in Node with Vega-Lite.
 *
 * @packageDocumentation
 */
export { standardAccuracy } from './accuracy/standard-accuracy.js';
export { attackSuccessRate } from './accuracy/attack-success-rate.js';
export { evaluate } from './accuracy/evaluate.js';
export type { EvaluateOptions, Evaluation } from './accuracy/evaluate.js';
export type { PredictionOptions } from './accuracy/predicted-labels.js';
export { confusionMatrix, perClassAccuracy } from './accuracy/confusion-matrix.js';
export { selectionStats } from './selection/selection-stats.js';
export type { Selection, SelectionStats, SelectionStatsOptions } from './selection/selection-stats.js';
export { summarize } from './summary/summarize.js';
export type { Summary, SummarizeOptions } from './summary/summarize.js';
export { toMarkdownTable } from './report/markdown-table.js';
export type { TableRow, TableCell, MarkdownTableOptions } from './report/markdown-table.js';
export { renderAugmentationBoxPlot } from './plot/augmentation-box-plot.js';
export type { AugmentationResult, AugmentationBoxPlotOptions } from './plot/augmentation-box-plot.js';
export { renderIterationChart } from './plot/iteration-chart.js';
export type { IterationPoint, IterationChartOptions } from './plot/iteration-chart.js';
