import { describe, expect, it } from 'vitest';
import { figure1Screen } from '../figure1-screen.js';
import { table1Pilot } from '../table1-pilot.js';
import { table2Row } from '../table2-row.js';
import { table3Simclr } from '../table3-simclr.js';

const fraction = (v: number) => {
  expect(v).toBeGreaterThanOrEqual(0);
  expect(v).toBeLessThanOrEqual(1);
};

// Each example at its tiny size (a few steps on 16×16 synthetic images), so they never rot.
describe('examples', () => {
  it('table1-pilot.ts runs the four rows of Table 1', async () => {
    const { pretrained, rows } = await table1Pilot({ tiny: true });
    fraction(pretrained.asr);
    expect(rows.map((r) => [r.pseudoLabelOn, r.gammaU])).toEqual([
      ['unlabeled', 0],
      ['unlabeled', 0.1],
      ['labeled+unlabeled', 0],
      ['labeled+unlabeled', 0.1],
    ]);
    rows.forEach((r) => (fraction(r.sa), fraction(r.asr)));
  });

  it('table2-row.ts prints a Table 2 row with the three methods', async () => {
    const { table, results } = await table2Row({ gammaU: 0.1, tiny: true });
    expect(Object.keys(results)).toEqual(['Pretrained Model', 'Semi-supervised Baseline', 'Proposed Method']);
    expect(table).toMatch(/\| synthetic \| BadNet Gray-Scale \| 0\.1 \|/);
  });

  it('table3-simclr.ts runs Algorithm 2', async () => {
    const { pretrained, proposed, clusterAccuracy } = await table3Simclr({ tiny: true });
    [pretrained.sa, pretrained.asr, proposed.sa, proposed.asr, clusterAccuracy].forEach(fraction);
  });

  it('figure1-screen.ts draws the box plot', async () => {
    const { results, svg } = await figure1Screen({ tiny: true, draws: 2 });
    expect(results).toHaveLength(2 * 8);
    expect(svg).toMatch(/^<svg/);
    expect(svg).toContain('RCS0.5+VFlip');
  });
});
