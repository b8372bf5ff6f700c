import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '@bdst/test-utils';
import { PRESET_NAMES, resolvePreset, runExperiment } from '@bdst/experiments';
import type { ExperimentRecord } from '@bdst/experiments';

// Every preset, run end to end at the tiny scale (a few optimizer steps on 16×16 synthetic data):
// the config is accepted, the data are poisoned, every phase trains, and the outputs are written.
const root = useTempDir('bdst-presets');

describe('every preset runs at the tiny scale', () => {
  for (const name of PRESET_NAMES) {
    it(name, async () => {
      const out = mkdtempSync(join(root(), `bdst-${name}-`));
      const { record, report } = await runExperiment(resolvePreset(name, { scale: 'tiny' }), { out, quietBackend: true });
      const written = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as ExperimentRecord;
      expect(written.result.kind).toBe(record.config.kind);
      expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain(report.table.split('\n')[0]);
      expect(report.charts.length).toBeGreaterThan(0);
      for (const chart of report.charts) {
        expect(existsSync(join(out, chart.file))).toBe(true);
        expect(readFileSync(join(out, chart.file), 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
      }
      const scores: { sa: number; asr: number }[] = [];
      const r = record.result;
      if (r.kind === 'table2') scores.push(r.pretrained, r.baseline.score, r.proposed.score);
      if (r.kind === 'table1-pilot') scores.push(r.pretrained, ...r.rows.map((row) => row.result.score));
      if (r.kind === 'table3-simclr') scores.push(r.pretrained, r.proposed.score);
      if (r.kind === 'figure1-screen') scores.push(...r.attacks.flatMap((a) => a.entries.map((e) => e.mean)));
      expect(scores.length).toBeGreaterThan(0);
      for (const s of scores) {
        expect(s.sa).toBeGreaterThanOrEqual(0);
        expect(s.sa).toBeLessThanOrEqual(1);
        expect(s.asr).toBeGreaterThanOrEqual(0);
        expect(s.asr).toBeLessThanOrEqual(1);
      }
      if (r.kind === 'table2') {
        expect(r.proposed.iterations.map((i) => i.iteration)).toEqual([1, 2, 3, 4]);
        expect(r.data.poisoned.labeled).toBeGreaterThan(0);
      }
      if (r.kind === 'table1-pilot') expect(r.rows).toHaveLength(4);
      if (r.kind === 'figure1-screen') {
        expect(r.attacks.map((a) => a.attack)).toEqual(['badnets-gray', 'badnets-rgb', 'clean-label']);
        const gnoise = r.attacks[0].entries.find((e) => e.augmentation === 'GNoise')!;
        expect(gnoise.draws).toHaveLength(4 * 2); // four variances × two draws at the tiny scale
        expect(r.attacks[0].entries.find((e) => e.augmentation === 'VFlip')!.draws).toHaveLength(1); // deterministic: one draw
      }
    });
  }
});
