/** Options of {@link selectionQuota}. */
export interface SelectionQuotaOptions {
  /** The iteration n, 1-based. */
  iteration: number;
  /** k, the fraction of D_UL added per iteration, in (0, 1] (paper: 0.3, Section 5.1). */
  fractionPerIteration: number;
  /** |D_UL|, the number of pseudo-labelled samples. */
  total: number;
  /** C, the number of classes. */
  numClasses: number;
}

/** What {@link selectionQuota} decides for one iteration. */
export interface SelectionQuota {
  /** min(1, k·n): the fraction of D_UL this iteration aims to use. */
  fraction: number;
  /** ⌈k·n·|D_UL| / C⌉ samples per class, or `Infinity` once the fraction reaches 1 (all of D_UL). */
  perClass: number;
}

/**
 * How many samples iteration n selects per class (Algorithm 1, "Select the k·n·|D_UL|/C most
 * confident examples … predicted as class c"): ⌈min(1, k·n)·|D_UL| / C⌉.
 *
 * Choice where the paper is silent: once k·n ≥ 1 the whole D_UL is used (Section 4.3: "this
 * process continues till the whole pseudolabeled data D_UL is exhausted"), so the quota becomes
 * unlimited rather than |D_UL|/C per class, which would drop samples of over-predicted classes.
 * The product is rounded to 12 significant digits before the ceiling so that, e.g.,
 * 0.3 · 1000 / 10 gives 30, not 31.
 */
export function selectionQuota(options: SelectionQuotaOptions): SelectionQuota {
  const { iteration, fractionPerIteration: k, total, numClasses } = options;
  if (!Number.isInteger(iteration) || iteration < 1) throw new RangeError(`selectionQuota: iteration must be a positive integer, got ${iteration}`);
  if (!(k > 0 && k <= 1)) throw new RangeError(`selectionQuota: fractionPerIteration must be in (0, 1], got ${k}`);
  if (!Number.isInteger(total) || total < 0) throw new RangeError(`selectionQuota: total must be a non-negative integer, got ${total}`);
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new RangeError(`selectionQuota: numClasses must be a positive integer, got ${numClasses}`);
  const fraction = Math.min(1, Number((k * iteration).toPrecision(12)));
  if (fraction >= 1) return { fraction: 1, perClass: Infinity };
  const perClass = Math.ceil(Number(((fraction * total) / numClasses).toPrecision(12)));
  return { fraction, perClass };
}
