import { describe, expect, it } from 'vitest';
import { toMarkdownTable } from '@bdst/metrics';
import type { TableRow } from '@bdst/metrics';

// Two rows of the paper's Table 2 (CIFAR-10, γ(D_U) = 0.1), as fractions.
const rows: TableRow[] = [
  {
    dataset: 'CIFAR-10',
    attack: 'BadNet Gray-Scale',
    poisonRatio: 0.1,
    results: {
      'Pretrained Model': { sa: 0.8165, asr: 1 },
      'Semi-supervised Baseline': { sa: 0.7532, asr: 1 },
      'Proposed Method': { sa: 0.7045, asr: 0.7502 },
    },
  },
  {
    dataset: 'CIFAR-10',
    attack: 'BadNet RGB',
    poisonRatio: 0.1,
    results: {
      'Pretrained Model': { sa: 0.8145, asr: 1 },
      'Semi-supervised Baseline': { sa: 0.7645, asr: 0.9998 },
      'Proposed Method': { sa: 0.704219, asr: 0.50904, saSpread: 0.01234, asrSpread: 0.0005 },
    },
  },
];

describe('toMarkdownTable (Table 2 layout)', () => {
  it('prints Dataset, Backdoor Attack, γ(D_U), then SA and ASR per method, in % with two decimals', () => {
    expect(toMarkdownTable(rows)).toBe(
      [
        '| Dataset | Backdoor Attack | γ(D_U) | Pretrained Model SA | Pretrained Model ASR | Semi-supervised Baseline SA | Semi-supervised Baseline ASR | Proposed Method SA | Proposed Method ASR |',
        '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
        '| CIFAR-10 | BadNet Gray-Scale | 0.1 | 81.65 % | 100.00 % | 75.32 % | 100.00 % | 70.45 % | 75.02 % |',
        '| CIFAR-10 | BadNet RGB | 0.1 | 81.45 % | 100.00 % | 76.45 % | 99.98 % | 70.42 ± 1.23 % | 50.90 ± 0.05 % |',
        '',
      ].join('\n'),
    );
  });

  it('follows the given method order, prints — for a missing method, escapes pipes, takes another ratio header', () => {
    const table = toMarkdownTable(
      [
        { dataset: 'CIFAR-10 | 500K', attack: 'Clean-Label Attack', poisonRatio: '0.05', results: { 'Proposed Method': { sa: 0.8367, asr: 0.2061 } } },
      ],
      { methods: ['Pretrained Model', 'Proposed Method'], poisonRatioHeader: 'Poison ratio' },
    );
    const lines = table.trimEnd().split('\n');
    expect(lines[0]).toBe('| Dataset | Backdoor Attack | Poison ratio | Pretrained Model SA | Pretrained Model ASR | Proposed Method SA | Proposed Method ASR |');
    expect(lines[2]).toBe('| CIFAR-10 \\| 500K | Clean-Label Attack | 0.05 | — | — | 83.67 % | 20.61 % |');
    // Every line has the same number of cells.
    const cells = lines.map((l) => l.replace(/\\\|/g, '').split('|').length);
    expect(new Set(cells).size).toBe(1);
  });

  it('rounds to two decimals and prints 0 as 0.00 %', () => {
    const table = toMarkdownTable([{ dataset: 'd', attack: 'a', poisonRatio: 0, results: { m: { sa: 0.123456, asr: 0 } } }]);
    expect(table.split('\n')[2]).toBe('| d | a | 0 | 12.35 % | 0.00 % |');
  });

  it('rejects bad input, naming it', () => {
    expect(() => toMarkdownTable([])).toThrow(/Error in toMarkdownTable: rows must be a non-empty array/);
    expect(() => toMarkdownTable([{ dataset: 'd', attack: 'a', poisonRatio: 0.1, results: { m: { sa: 81.65, asr: 1 } } }])).toThrow(
      /Error in toMarkdownTable: rows\[0\].results\["m"\].sa must be a fraction in \[0, 1\], but got 81.65/,
    );
    expect(() => toMarkdownTable([{ dataset: 'd', attack: 'a', poisonRatio: 0.1, results: { m: { sa: 0.5, asr: 0.5, asrSpread: -1 } } }])).toThrow(/asrSpread must be a fraction in \[0, 1\], but got -1/);
    expect(() => toMarkdownTable([{ dataset: 'd', poisonRatio: 0.1, results: {} } as never])).toThrow(/rows\[0\] must have string dataset and attack/);
  });
});
