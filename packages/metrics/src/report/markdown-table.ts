/** One method's result in a {@link TableRow}: fractions in [0, 1], shown as percentages. */
export interface TableCell {
  /** Standard accuracy, in [0, 1]. */
  sa: number;
  /** Attack success rate, in [0, 1]. */
  asr: number;
  /** Optional spread of SA (e.g. the std over seeds), in [0, 1] units; printed as `± x.xx`. */
  saSpread?: number;
  /** Optional spread of ASR, in [0, 1] units. */
  asrSpread?: number;
}

/** One row of the paper's Table 2: a dataset, an attack, its γ(D_U), and each method's SA/ASR. */
export interface TableRow {
  /** e.g. `"CIFAR-10"` or `"CIFAR-10 + 500K TinyImages"`. */
  dataset: string;
  /** e.g. `"BadNet Gray-Scale"`, `"BadNet RGB"`, `"Clean-Label Attack"`. */
  attack: string;
  /** The unlabeled set's poison ratio γ(D_U) (a number is printed as is, e.g. `0.1`). */
  poisonRatio: number | string;
  /** Results per method, keyed by the method's column title (e.g. `"Pretrained Model"`). */
  results: Record<string, TableCell>;
}

/** Options of {@link toMarkdownTable}. */
export interface MarkdownTableOptions {
  /** Method columns, in order. Default: the methods in the order they first appear in `rows`. */
  methods?: readonly string[];
  /** Title of the poison-ratio column. Default `"γ(D_U)"`. */
  poisonRatioHeader?: string;
}

/**
 * Formats results in the layout of the paper's Table 2 as a GitHub Markdown table: columns
 * Dataset, Backdoor Attack, γ(D_U), then an SA and an ASR column per method (`"Pretrained
 * Model SA"`, `"Pretrained Model ASR"`, …). Values are percentages with two decimals
 * (`"81.65 %"`), with `" ± s"` when a spread is given (`"81.65 ± 1.20 %"`); a method missing
 * from a row prints `—`. Pipes in text are escaped.
 */
export function toMarkdownTable(rows: readonly TableRow[], options: MarkdownTableOptions = {}): string {
  const caller = 'toMarkdownTable';
  if (!Array.isArray(rows) || rows.length === 0) throw new Error(`Error in ${caller}: rows must be a non-empty array of table rows`);
  rows.forEach((row, i) => {
    if (!row || typeof row.dataset !== 'string' || typeof row.attack !== 'string') throw new Error(`Error in ${caller}: rows[${i}] must have string dataset and attack`);
    if (!row.results || typeof row.results !== 'object') throw new Error(`Error in ${caller}: rows[${i}].results must be an object of { sa, asr } per method`);
    for (const [method, cell] of Object.entries(row.results)) {
      for (const key of ['sa', 'asr', 'saSpread', 'asrSpread'] as const) {
        const v = (cell as TableCell | undefined)?.[key];
        if (v === undefined && (key === 'saSpread' || key === 'asrSpread')) continue;
        if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
          throw new Error(`Error in ${caller}: rows[${i}].results[${JSON.stringify(method)}].${key} must be a fraction in [0, 1], but got ${v}`);
        }
      }
    }
  });
  const methods = options.methods ?? [...new Set(rows.flatMap((r) => Object.keys(r.results)))];
  const header = ['Dataset', 'Backdoor Attack', options.poisonRatioHeader ?? 'γ(D_U)', ...methods.flatMap((m) => [`${m} SA`, `${m} ASR`])];
  const align = ['---', '---', '---:', ...methods.flatMap(() => ['---:', '---:'])];
  const lines = [row(header.map(escapeCell)), row(align)];
  for (const r of rows) {
    const cells = [escapeCell(r.dataset), escapeCell(r.attack), escapeCell(String(r.poisonRatio))];
    for (const m of methods) {
      const cell = r.results[m];
      cells.push(cell ? percent(cell.sa, cell.saSpread) : '—', cell ? percent(cell.asr, cell.asrSpread) : '—');
    }
    lines.push(row(cells));
  }
  return lines.join('\n') + '\n';
}

function percent(value: number, spread?: number): string {
  const v = (value * 100).toFixed(2);
  return spread === undefined ? `${v} %` : `${v} ± ${(spread * 100).toFixed(2)} %`;
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}
