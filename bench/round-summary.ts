import type { BenchRow } from './bench-row.js';
import { median } from './median.js';

function imagesPerSecond(row: BenchRow): number {
  return row.images / median(row.seconds);
}

function spread(values: number[]): string {
  const text = (v: number) => `${v.toFixed(2)}×`;
  return values.length === 0 ? '' : `${text(median(values))} (${text(Math.min(...values))}–${text(Math.max(...values))})`;
}

/**
 * The `--rounds` summary: for every tfjs configuration (workload, threads, replicas), the median
 * and range across rounds of its throughput ratio to the same round's PyTorch row ("vs torch")
 * and to the same round's 1-thread, 1-replica row ("vs tfjs 1 thread"). Each ratio is taken
 * within a round, so it compares runs made minutes apart; an empty cell means the round lacked
 * the row to compare with. Returns a Markdown table.
 */
export function formatRoundSummary(rows: readonly BenchRow[]): string {
  const rounds = [...new Set(rows.map((r) => r.round))].sort((a, b) => a - b);
  const configs: BenchRow[] = [];
  for (const row of rows) {
    if (row.engine !== 'tfjs') continue;
    if (!configs.some((c) => c.workload === row.workload && c.threads === row.threads && c.replicas === row.replicas)) configs.push(row);
  }
  const lines = [
    `| workload | threads | replicas | rounds | vs torch, median (range) | vs tfjs 1 thread, median (range) |`,
    '|---|---:|---:|---:|---:|---:|',
  ];
  for (const config of configs) {
    const vsTorch: number[] = [];
    const vsSingle: number[] = [];
    let measured = 0;
    for (const round of rounds) {
      const inRound = rows.filter((r) => r.round === round && r.workload === config.workload);
      const row = inRound.find((r) => r.engine === 'tfjs' && r.threads === config.threads && r.replicas === config.replicas);
      if (!row) continue;
      measured++;
      const torch = inRound.find((r) => r.engine === 'torch');
      const single = inRound.find((r) => r.engine === 'tfjs' && r.threads === 1 && r.replicas === 1);
      if (torch) vsTorch.push(imagesPerSecond(row) / imagesPerSecond(torch));
      if (single && single !== row) vsSingle.push(imagesPerSecond(row) / imagesPerSecond(single));
    }
    lines.push(`| ${config.workload} | ${config.threads} | ${config.replicas} | ${measured} | ${spread(vsTorch)} | ${spread(vsSingle)} |`);
  }
  return lines.join('\n');
}
