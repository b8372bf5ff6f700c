import { describe, expect, it } from 'vitest';
import { createRng } from '@bdst/core';
import { renderAugmentationBoxPlot, renderIterationChart, summarize } from '@bdst/metrics';
import type { AugmentationResult, IterationPoint } from '@bdst/metrics';
import { ariaFields, marksDescribedAs, polylinePoints, textsOfRole } from './fixtures/svg-marks.js';

const augmentations = ['No Aug', 'RCS0.5+VFlip', 'GBlur_3_1', 'YOCO(HFlip) & <co>'];

/** Six runs per augmentation with SA and ASR spread around an augmentation-specific level. */
function figure1Results(): AugmentationResult[] {
  const rng = createRng('figure-1');
  return augmentations.flatMap((augmentation, j) =>
    Array.from({ length: 6 }, () => ({
      augmentation,
      sa: Math.min(1, 0.6 + 0.08 * j + rng.uniform(0, 0.1)),
      asr: Math.max(0, 0.95 - 0.3 * j + rng.uniform(-0.05, 0)),
    })),
  );
}

describe('renderAugmentationBoxPlot (Figure 1)', () => {
  it('draws one SA and one ASR box per augmentation, with the quartiles of the runs, titled axes and a legend', async () => {
    const results = figure1Results();
    const svg = await renderAugmentationBoxPlot(results);
    expect(svg.startsWith('<svg')).toBe(true);
    const boxes = marksDescribedAs(svg, 'box');
    expect(boxes.length).toBe(2 * augmentations.length);
    expect(textsOfRole(svg, 'role-axis-title').sort()).toEqual(['Augmentation', 'SA / ASR (%)']);
    expect(textsOfRole(svg, 'role-title-text')).toEqual(['SA and ASR per augmentation']);
    expect(textsOfRole(svg, 'role-legend-label')).toEqual(['SA', 'ASR']);
    // The x axis lists the augmentations in the order first seen (special characters intact).
    const labels = textsOfRole(svg, 'role-axis-label');
    expect(labels.filter((l) => augmentations.includes(l))).toEqual(augmentations);

    // Each box holds its runs' quartiles (linear interpolation, as summarize) on a 0–100 axis of 300 px.
    for (const box of boxes) {
      const fields = ariaFields(box['aria-label']);
      const augmentation = fields.get('Augmentation')!;
      const metric = fields.get('Metric') as 'SA' | 'ASR';
      expect(augmentations).toContain(augmentation);
      const values = results.filter((r) => r.augmentation === augmentation).map((r) => (metric === 'SA' ? r.sa : r.asr) * 100);
      const s = summarize(values, { rng: createRng(0), resamples: 1 });
      expect(Number(fields.get('Q1 of SA / ASR (%)'))).toBeCloseTo(s.q1, 6);
      expect(Number(fields.get('Median of SA / ASR (%)'))).toBeCloseTo(s.median, 6);
      expect(Number(fields.get('Q3 of SA / ASR (%)'))).toBeCloseTo(s.q3, 6);
      // Geometry: "M x,y h w v h' h -w Z", top at Q3, height Q3 − Q1, width 60% of the 48 px slot.
      const [, top, width, height] = box.d.match(/^M-?[\d.]+,(-?[\d.]+)h([\d.]+)v([\d.]+)h/)!.map(Number);
      expect(top).toBeCloseTo(300 * (1 - s.q3 / 100), 3);
      expect(height).toBeCloseTo((300 * (s.q3 - s.q1)) / 100, 3);
      expect(width).toBe(29);
      expect(box.fill).toBe(metric === 'SA' ? '#4c78a8' : '#e45756');
    }
  });

  it('draws runs beyond 1.5 IQR (Tukey) as outlier points, and none with min-max whiskers', async () => {
    const results = [...figure1Results(), { augmentation: 'No Aug', sa: 0.05, asr: 0.925 }];
    const tukey = await renderAugmentationBoxPlot(results);
    const drawn = marksDescribedAs(tukey, 'point')
      .map((p) => ariaFields(p['aria-label']))
      .map((f) => `${f.get('Augmentation')}/${f.get('Metric')}/${Number(f.get('SA / ASR (%)')).toFixed(6)}`);
    const expected: string[] = [];
    for (const augmentation of augmentations) {
      for (const metric of ['SA', 'ASR'] as const) {
        const values = results.filter((r) => r.augmentation === augmentation).map((r) => (metric === 'SA' ? r.sa : r.asr) * 100);
        const { q1, q3 } = summarize(values, { rng: createRng(0), resamples: 1 });
        const fence = 1.5 * (q3 - q1);
        for (const v of values) if (v < q1 - fence || v > q3 + fence) expected.push(`${augmentation}/${metric}/${v.toFixed(6)}`);
      }
    }
    expect(drawn.sort()).toEqual(expected.sort());
    expect(drawn).toContain('No Aug/SA/5.000000');
    const minMax = await renderAugmentationBoxPlot(results, { extent: 'min-max', title: 'Figure 1', bandWidth: 30, height: 200 });
    expect(marksDescribedAs(minMax, 'point').length).toBe(0);
    expect(marksDescribedAs(minMax, 'box').length).toBe(8);
    expect(textsOfRole(minMax, 'role-title-text')).toEqual(['Figure 1']);
  });

  it('rejects bad input, naming it', async () => {
    await expect(renderAugmentationBoxPlot([])).rejects.toThrow(/Error in renderAugmentationBoxPlot: results must be a non-empty array of \{ augmentation, sa, asr \}, but got an empty array/);
    await expect(renderAugmentationBoxPlot([{ augmentation: '', sa: 0.5, asr: 0.5 }])).rejects.toThrow(/results\[0\].augmentation must be a non-empty string/);
    await expect(renderAugmentationBoxPlot([{ augmentation: 'a', sa: 0.5, asr: 50 }])).rejects.toThrow(/results\[0\].asr must be a fraction in \[0, 1\], but got 50/);
    await expect(renderAugmentationBoxPlot([{ augmentation: 'a', sa: 0.5, asr: 0.5 }], { height: 0 })).rejects.toThrow(/options.height must be a positive number of pixels, but got 0/);
    await expect(renderAugmentationBoxPlot([{ augmentation: 'a', sa: 0.5, asr: 0.5 }], { extent: -1 })).rejects.toThrow(/options.extent must be 'min-max' or a non-negative multiple of the IQR, but got -1/);
  });
});

describe('renderIterationChart (self-training iterations)', () => {
  const history: IterationPoint[] = [0, 1, 2, 3, 4].map((i) => ({ iteration: i, sa: 0.7 + 0.04 * i, asr: 0.95 - 0.2 * i, poisonedSelected: Math.max(0, 40 - 12 * i) }));

  it('draws SA, ASR and poisoned-selected lines with a point per iteration, titled axes and a legend', async () => {
    const svg = await renderIterationChart(history);
    const lines = marksDescribedAs(svg, 'line mark');
    expect(lines.length).toBe(3);
    expect(marksDescribedAs(svg, 'point').length).toBe(3 * history.length);
    expect(textsOfRole(svg, 'role-axis-title').sort()).toEqual(['Poisoned samples selected', 'SA / ASR (%)', 'Self-training iteration']);
    expect(textsOfRole(svg, 'role-legend-label')).toEqual(['SA', 'ASR', 'Poisoned selected']);
    expect(textsOfRole(svg, 'role-title-text')).toEqual(['Self-training iterations']);

    // SA and ASR on a 0–100% axis of 260 px; iterations spread over 420 px.
    const bySeries = new Map(lines.map((l) => [ariaFields(l['aria-label']).get('Series'), polylinePoints(l.d)]));
    for (const [series, key] of [['SA', 'sa'], ['ASR', 'asr']] as const) {
      const points = bySeries.get(series)!;
      expect(points.length).toBe(history.length);
      points.forEach(([x, y], i) => {
        expect(x).toBeCloseTo((420 * history[i].iteration) / 4, 3);
        expect(y).toBeCloseTo(260 * (1 - history[i][key]), 3);
      });
    }
    // The poisoned count is on its own axis: the most selected at the top region, none at the bottom.
    const counts = bySeries.get('Poisoned selected')!;
    expect(counts.map(([, y]) => y)).toEqual([...counts.map(([, y]) => y)].sort((a, b) => a - b));
    expect(counts[counts.length - 1][1]).toBeCloseTo(260, 3);
    expect(counts[0][1]).toBeLessThan(30);
  });

  it('takes a title and a size', async () => {
    const svg = await renderIterationChart(history.slice(0, 2), { title: 'Run 3', width: 200, height: 100 });
    expect(textsOfRole(svg, 'role-title-text')).toEqual(['Run 3']);
    const sa = marksDescribedAs(svg, 'line mark').find((l) => ariaFields(l['aria-label']).get('Series') === 'SA')!;
    expect(polylinePoints(sa.d)[1][0]).toBeCloseTo(200, 3);
  });

  it('rejects bad input, naming it', async () => {
    const ok = history[0];
    await expect(renderIterationChart([])).rejects.toThrow(/Error in renderIterationChart: history must be a non-empty array/);
    await expect(renderIterationChart([{ ...ok, iteration: 1.5 }])).rejects.toThrow(/history\[0\].iteration must be a non-negative integer, but got 1.5/);
    await expect(renderIterationChart([ok, { ...ok, sa: 1.2 }])).rejects.toThrow(/history\[1\].sa must be a fraction in \[0, 1\], but got 1.2/);
    await expect(renderIterationChart([{ ...ok, poisonedSelected: -3 }])).rejects.toThrow(/history\[0\].poisonedSelected must be a non-negative integer, but got -3/);
    await expect(renderIterationChart([ok], { width: -5 })).rejects.toThrow(/options.width must be a positive number of pixels, but got -5/);
  });
});
