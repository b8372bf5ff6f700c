import { checkEmbeddings, type Embeddings } from './embed.js';

/** Options of {@link knnAccuracy}. */
export interface KnnAccuracyOptions {
  /** Neighbours that vote, ≥ 1 (default 20; capped at the memory size). */
  k?: number;
}

/**
 * k-nearest-neighbour classification accuracy of embeddings, the usual way to watch contrastive
 * training work without training a classifier (InstDisc / SimCLR monitors): each query row is
 * labelled by a majority vote of its `k` most cosine-similar memory rows (rows are dot-multiplied,
 * so pass L2-normalized {@link embed} output); a tie goes to the class whose voters are the most
 * similar in total. Returns the fraction of queries whose vote equals their label, in [0, 1].
 *
 * @param memory labelled reference embeddings (e.g. a training probe set).
 * @param memoryLabels one class index ≥ 0 per memory row.
 * @param query embeddings to classify (e.g. a test probe set), same `dim`.
 * @param queryLabels one class index per query row.
 */
export function knnAccuracy(memory: Embeddings, memoryLabels: Int32Array, query: Embeddings, queryLabels: Int32Array, options: KnnAccuracyOptions = {}): number {
  const fn = 'knnAccuracy';
  checkEmbeddings(fn, 'memory', memory);
  checkEmbeddings(fn, 'query', query);
  if (!(memoryLabels instanceof Int32Array) || memoryLabels.length !== memory.count) {
    throw new Error(`Error in ${fn}: memoryLabels must be an Int32Array of length ${memory.count} (one per memory row), but got length ${(memoryLabels as Int32Array | null)?.length}`);
  }
  if (!(queryLabels instanceof Int32Array) || queryLabels.length !== query.count) {
    throw new Error(`Error in ${fn}: queryLabels must be an Int32Array of length ${query.count} (one per query row), but got length ${(queryLabels as Int32Array | null)?.length}`);
  }
  if (memory.dim !== query.dim) throw new Error(`Error in ${fn}: memory has dim ${memory.dim} but query has dim ${query.dim}`);
  if (memory.count < 1) throw new Error(`Error in ${fn}: memory must hold at least one row`);
  if (query.count < 1) throw new Error(`Error in ${fn}: query must hold at least one row`);
  const { k = 20 } = options;
  if (!Number.isInteger(k) || k < 1) throw new Error(`Error in ${fn}: options.k must be an integer ≥ 1, but got ${k}`);
  let numClasses = 0;
  for (const y of memoryLabels) {
    if (y < 0) throw new Error(`Error in ${fn}: memoryLabels holds a negative class ${y}`);
    numClasses = Math.max(numClasses, y + 1);
  }
  const kk = Math.min(k, memory.count);
  const { dim } = memory;
  const m = memory.vectors;
  const q = query.vectors;
  const sims = new Float64Array(memory.count);
  const order = new Int32Array(memory.count);
  const votes = new Float64Array(numClasses);
  const weight = new Float64Array(numClasses);
  let correct = 0;
  for (let i = 0; i < query.count; i++) {
    const qo = i * dim;
    for (let j = 0; j < memory.count; j++) {
      const mo = j * dim;
      let s = 0;
      for (let d = 0; d < dim; d++) s += q[qo + d] * m[mo + d];
      sims[j] = s;
      order[j] = j;
    }
    // Partial selection of the k most similar (ties by the lower index), then a vote.
    const top = Array.from(order).sort((a, b) => sims[b] - sims[a] || a - b).slice(0, kk);
    votes.fill(0);
    weight.fill(0);
    for (const j of top) {
      votes[memoryLabels[j]]++;
      weight[memoryLabels[j]] += sims[j];
    }
    let best = 0;
    for (let c = 1; c < numClasses; c++) {
      if (votes[c] > votes[best] || (votes[c] === votes[best] && weight[c] > weight[best])) best = c;
    }
    if (best === queryLabels[i]) correct++;
  }
  return correct / query.count;
}
