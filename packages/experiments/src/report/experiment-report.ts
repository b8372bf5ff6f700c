import { renderAugmentationBoxPlot, renderIterationChart, toMarkdownTable } from '@bdst/metrics';
import type { AugmentationResult, IterationPoint, TableRow } from '@bdst/metrics';
import type { ExperimentConfig } from '../config/experiment-config.js';
import type { ExperimentRecord, ExperimentResult } from '../runner/experiment-result.js';
import type { MethodResult, Score } from '../runner/self-train-method.js';

/** An SVG chart of a report. */
export interface ReportChart {
  /** File name in the output folder, e.g. `"iterations-proposed.svg"`. */
  file: string;
  /** What it shows. */
  title: string;
  /** The SVG document. */
  svg: string;
}

/** A rendered report: the Markdown page, its main table (also printed by `bdst`), and the charts. */
export interface ExperimentReport {
  /** The main table, in the paper's layout (GitHub Markdown). */
  table: string;
  /** `report.md`: title, setup, the table, per-iteration details, chart links, timing. */
  markdown: string;
  /** The charts `report.md` links to. */
  charts: ReportChart[];
}

const ATTACK_TITLES = { 'badnets-gray': 'BadNet Gray-Scale', 'badnets-rgb': 'BadNet RGB', 'clean-label': 'Clean-Label Attack' } as const;

/**
 * Renders a finished run: the paper's table for its kind (Table 1's, Table 2's or Table 3's
 * layout, or Figure 1's per-augmentation means), Markdown with the setup and per-iteration
 * details, and SVG charts from `@bdst/metrics` (a line chart of SA/ASR over the self-training
 * iterations per method; Figure 1's box plot for the screen).
 */
export async function renderExperimentReport(record: ExperimentRecord): Promise<ExperimentReport> {
  const { config, result } = record;
  const { table, details, charts } = await renderResult(config, result);
  const lines = [
    `# ${config.name}`,
    '',
    config.description,
    '',
    `- Data: ${result.data.description}`,
    result.kind === 'figure1-screen'
      ? `- Attacks: ${result.attacks.map((a) => ATTACK_TITLES[a.attack]).join(', ')} (γ(D_L) 0.1 for BadNets, 0.5 of the target class for clean-label), target label ${config.attack.targetLabel}, ${config.attack.triggerSize}×${config.attack.triggerSize} trigger`
      : `- Attack: ${ATTACK_TITLES[config.attack.kind]}, target label ${config.attack.targetLabel}, ${config.attack.triggerSize}×${config.attack.triggerSize} trigger, γ(D_L) = ${config.attack.labeledRatio}`,
    `- Model: ${config.model.name}${config.model.widths ? ` (widths ${config.model.widths.join('-')})` : ''}; N = ${config.selfTrain.iterations}, k = ${config.selfTrain.fractionPerIteration}, T = ${config.selfTrain.transform}`,
    `- Epochs: pretrain ${config.selfTrain.pretrain.epochs}, retrain ${config.selfTrain.retrain.epochs} per iteration, final ${config.selfTrain.final.epochs}`,
    `- Seed ${config.seed}; backend: ${record.backend}`,
    `- Wall time: ${formatDuration(record.seconds)}${record.resumed > 0 ? ` (resumed ${record.resumed}×)` : ''}`,
    '',
    table.trimEnd(),
    '',
    ...details,
    ...(charts.length > 0 ? ['## Charts', '', ...charts.map((c) => `![${c.title}](${c.file})`), ''] : []),
  ];
  return { table, markdown: lines.join('\n'), charts };
}

async function renderResult(config: ExperimentConfig, result: ExperimentResult): Promise<{ table: string; details: string[]; charts: ReportChart[] }> {
  const dataset = result.data.description.split(':')[0];
  const attack = ATTACK_TITLES[config.attack.kind];
  switch (result.kind) {
    case 'table2': {
      const row: TableRow = {
        dataset,
        attack,
        poisonRatio: config.attack.unlabeledRatio,
        results: { 'Pretrained Model': result.pretrained, 'Semi-supervised Baseline': result.baseline.score, 'Proposed Method': result.proposed.score },
      };
      const charts = [
        await iterationChart('iterations-baseline.svg', 'Semi-supervised baseline (no T)', result.pretrained, result.baseline),
        await iterationChart('iterations-proposed.svg', `Proposed (T = ${config.selfTrain.transform})`, result.pretrained, result.proposed),
      ];
      return {
        table: toMarkdownTable([row]),
        details: [...iterationDetails('Semi-supervised baseline', result.baseline), ...iterationDetails('Proposed method', result.proposed)],
        charts,
      };
    }
    case 'table1-pilot': {
      const lines = ['| Pseudo-labeling | γ(D_U) | SA | ASR |', '|---|---:|---:|---:|'];
      for (const r of result.rows) {
        const on = r.variant.pseudoLabelOn === 'unlabeled' ? 'D_U' : 'D_L ∪ D_U';
        lines.push(`| ${on} | ${r.variant.unlabeledRatio === 0 ? 'Clean' : r.variant.unlabeledRatio} | ${percent(r.result.score.sa)} | ${percent(r.result.score.asr)} |`);
      }
      const caption = `Pretrained on poisoned D_L (γ(D_L) = ${config.attack.labeledRatio}): SA ${percent(result.pretrained.sa)}, ASR ${percent(result.pretrained.asr)}.`;
      const charts: ReportChart[] = [];
      const details: string[] = [];
      for (const r of result.rows) {
        const name = `${r.variant.pseudoLabelOn === 'unlabeled' ? 'DU' : 'DL+DU'}-gamma${r.variant.unlabeledRatio}`;
        const title = `Pseudo-labels on ${r.variant.pseudoLabelOn === 'unlabeled' ? 'D_U' : 'D_L ∪ D_U'}, γ(D_U) = ${r.variant.unlabeledRatio}`;
        charts.push(await iterationChart(`iterations-${name}.svg`, title, result.pretrained, r.result));
        details.push(...iterationDetails(title, r.result));
      }
      return { table: `${lines.join('\n')}\n\n${caption}\n`, details, charts };
    }
    case 'table3-simclr': {
      const lines = [
        '| Pretrained Model SA | Pretrained Model ASR | Proposed Method SA | Proposed Method ASR |',
        '|---:|---:|---:|---:|',
        `| ${percent(result.pretrained.sa)} | ${percent(result.pretrained.asr)} | ${percent(result.proposed.score.sa)} | ${percent(result.proposed.score.asr)} |`,
      ];
      const details = [`Cluster pseudo-label accuracy on D_L (against the true labels): ${percent(result.clusterAccuracy)}.`, '', ...iterationDetails('Algorithm 2', result.proposed)];
      return { table: lines.join('\n') + '\n', details, charts: [await iterationChart('iterations-simclr.svg', 'Self-training with SimCLR (Algorithm 2)', result.pretrained, result.proposed)] };
    }
    case 'figure1-screen': {
      const augmentations = result.attacks[0]?.entries.map((e) => e.augmentation) ?? [];
      const header = ['Augmentation', ...result.attacks.flatMap((a) => [`${ATTACK_TITLES[a.attack]} SA`, `${ATTACK_TITLES[a.attack]} ASR`])];
      const lines = [`| ${header.join(' | ')} |`, `|---|${result.attacks.map(() => '---:|---:|').join('')}`];
      augmentations.forEach((name, i) => {
        lines.push(`| ${name} | ${result.attacks.map((a) => `${percent(a.entries[i].mean.sa)} | ${percent(a.entries[i].mean.asr)}`).join(' | ')} |`);
      });
      const points: AugmentationResult[] = result.attacks.flatMap((a) => a.entries.map((e) => ({ augmentation: e.augmentation, sa: e.mean.sa, asr: e.mean.asr, attack: ATTACK_TITLES[a.attack] })));
      const svg = await renderAugmentationBoxPlot(points, { title: 'Figure 1: SA and ASR under each test-time augmentation (boxes over attacks)' });
      return { table: lines.join('\n') + '\n', details: [], charts: [{ file: 'figure1.svg', title: 'Figure 1 box plot', svg }] };
    }
  }
}

async function iterationChart(file: string, title: string, pretrained: Score, method: MethodResult): Promise<ReportChart> {
  const points: IterationPoint[] = [{ iteration: 0, sa: pretrained.sa, asr: pretrained.asr, poisonedSelected: 0 }];
  for (const it of method.iterations) if (it.score) points.push({ iteration: it.iteration, sa: it.score.sa, asr: it.score.asr, poisonedSelected: it.poisonedSelected });
  return { file, title, svg: await renderIterationChart(points, { title }) };
}

function iterationDetails(title: string, method: MethodResult): string[] {
  return [
    `## ${title}: iterations`,
    '',
    '| n | \\|D_n\\| | poisoned in D_n | … labeled as target | pseudo-label acc. | SA | ASR | seconds |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...method.iterations.map(
      (it) =>
        `| ${it.iteration} | ${it.selected} | ${it.poisonedSelected} | ${it.poisonedWithTarget} | ${percent(it.pseudoLabelAccuracy)} | ${it.score ? percent(it.score.sa) : '—'} | ${it.score ? percent(it.score.asr) : '—'} | ${it.seconds.toFixed(0)} |`,
    ),
    `| final (from scratch on D_N) | | | | | ${percent(method.score.sa)} | ${percent(method.score.asr)} | |`,
    '',
  ];
}

function percent(fraction: number): string {
  return Number.isFinite(fraction) ? `${(fraction * 100).toFixed(2)} %` : '—';
}

/** `"1 h 02 min"`, `"3 min 20 s"`, `"12 s"`. */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}
