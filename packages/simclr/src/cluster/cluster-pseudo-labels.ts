import { kmeans } from 'ml-kmeans';
import type { Rng } from '@bdst/core';
import { checkEmbeddings, type Embeddings } from '../embedding/embed.js';

/** Options of {@link clusterPseudoLabels}. */
export interface ClusterPseudoLabelsOptions {
  /** Seeds K-Means++ (one integer seed is drawn from it for `ml-kmeans`). */
  rng: Rng;
  /** Number of classes C (default: the largest given label + 1). Cluster labels lie in [0, C). */
  numClasses?: number;
  /** Number of clusters, an integer in [2, number of samples] (Algorithm 2: "C clusters"; default C). */
  k?: number;
  /** Lloyd iterations at most, ≥ 1 (default 100, `ml-kmeans`' default). */
  maxIterations?: number;
  /** Stop when no centre moves more than this (squared Euclidean), ≥ 0 (default 1e-6). */
  tolerance?: number;
  /**
   * τ of the confidence (see {@link ClusterModel.temperature}), > 0. Default: the mean squared
   * distance of the clustered samples to their own centre (the K-Means inertia per sample).
   */
  temperature?: number;
}

/**
 * K-Means clusters of labelled embeddings with one label per cluster, from
 * {@link clusterPseudoLabels}; {@link assignPseudoLabels} labels any embedding with it.
 */
export interface ClusterModel {
  /** Number of clusters k. */
  readonly k: number;
  /** Length of each centre. */
  readonly dim: number;
  /** Number of classes C. */
  readonly numClasses: number;
  /** `k × dim` centres, row-major (means of unit vectors, so not themselves unit length). */
  readonly centres: Float32Array;
  /** The label of each cluster: the majority of the given labels in it (y_c in Algorithm 2). */
  readonly clusterLabels: Int32Array;
  /** Members of each cluster among the clustered samples. */
  readonly clusterSizes: Int32Array;
  /** τ in the confidence formula (see {@link assignPseudoLabels}). */
  readonly temperature: number;
  /** Cluster of each clustered sample (by the final Lloyd assignment). */
  readonly assignments: Int32Array;
  /** Lloyd iterations run, and whether the centres converged within `maxIterations`. */
  readonly iterations: number;
  readonly converged: boolean;
}

/** Pseudo-labels from nearest cluster centres, from {@link assignPseudoLabels}. */
export interface ClusterPseudoLabels {
  /** Label of the nearest centre, per sample (Section 4.4). */
  readonly labels: Int32Array;
  /** Confidence in (0, 1] per sample (formula at {@link assignPseudoLabels}). */
  readonly confidences: Float32Array;
  /** Index of the nearest centre, per sample. */
  readonly clusters: Int32Array;
}

/**
 * Algorithm 2's clustering step (Section 4.4): K-Means on the normalized SimCLR embeddings h of
 * D_L, then "Cluster Pseudolabels through Majority Voting": each cluster takes the most frequent
 * of the given — possibly poisoned — labels of its members (ties: the smaller label). A cluster
 * left empty by Lloyd's iterations (rare) takes the given label of the sample nearest its centre.
 *
 * K-Means is `ml-kmeans` (Lloyd's algorithm, squared Euclidean) with k-means++ initialisation
 * seeded from `options.rng`, so the result is a pure function of the inputs and the seed.
 *
 * @param h embeddings of D_L (e.g. {@link embed}), finite values.
 * @param givenLabels D_L's labels, one per row of `h`, each in [0, numClasses).
 * @throws Error naming the bad argument: k < 2 or k > samples, NaN/infinite embeddings, a length
 *   mismatch, labels out of range, a missing rng.
 */
export function clusterPseudoLabels(h: Embeddings, givenLabels: Int32Array, options: ClusterPseudoLabelsOptions): ClusterModel {
  const fn = 'clusterPseudoLabels';
  if (options === null || typeof options !== 'object') throw new Error(`Error in ${fn}: options must be an object { rng, k, … }, but got ${String(options)}`);
  checkEmbeddings(fn, 'h', h);
  if (!(givenLabels instanceof Int32Array)) throw new Error(`Error in ${fn}: givenLabels must be an Int32Array, but got ${String(givenLabels)}`);
  if (givenLabels.length !== h.count) {
    throw new Error(`Error in ${fn}: givenLabels has length ${givenLabels.length} but h has ${h.count} rows; they must match`);
  }
  const { rng, maxIterations = 100, tolerance = 1e-6 } = options;
  if (!rng || typeof rng.fork !== 'function') throw new Error(`Error in ${fn}: options.rng must be an Rng (createRng(seed)), but got ${String(rng)}`);
  let maxLabel = -1;
  for (let i = 0; i < givenLabels.length; i++) {
    if (givenLabels[i] < 0) throw new Error(`Error in ${fn}: givenLabels[${i}] = ${givenLabels[i]} is negative`);
    maxLabel = Math.max(maxLabel, givenLabels[i]);
  }
  const numClasses = options.numClasses ?? maxLabel + 1;
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new Error(`Error in ${fn}: options.numClasses must be an integer ≥ 1, but got ${numClasses}`);
  if (maxLabel >= numClasses) throw new Error(`Error in ${fn}: givenLabels holds ${maxLabel}, outside [0, ${numClasses})`);
  const k = options.k ?? numClasses;
  if (!Number.isInteger(k) || k < 2) throw new Error(`Error in ${fn}: k must be an integer ≥ 2, but got ${k}`);
  if (k > h.count) throw new Error(`Error in ${fn}: k must be at most the number of samples (${h.count}), but got ${k}`);
  if (!Number.isInteger(maxIterations) || maxIterations < 1) throw new Error(`Error in ${fn}: options.maxIterations must be an integer ≥ 1, but got ${maxIterations}`);
  if (!(typeof tolerance === 'number' && tolerance >= 0)) throw new Error(`Error in ${fn}: options.tolerance must be a number ≥ 0, but got ${tolerance}`);
  if (options.temperature !== undefined && !(Number.isFinite(options.temperature) && options.temperature > 0)) {
    throw new Error(`Error in ${fn}: options.temperature must be a finite number > 0, but got ${options.temperature}`);
  }

  const { dim, count } = h;
  const rows: number[][] = Array.from({ length: count }, (_, i) => Array.from(h.vectors.subarray(i * dim, (i + 1) * dim)));
  const seed = 1 + rng.fork('kmeans++').int(0x7ffffffe);
  const result = kmeans(rows, k, { initialization: 'kmeans++', seed, maxIterations, tolerance });
  const centres = new Float32Array(k * dim);
  result.centroids.forEach((c, j) => centres.set(c, j * dim));
  const assignments = Int32Array.from(result.clusters);

  // Majority vote of the given labels per cluster.
  const votes = new Int32Array(k * numClasses);
  const clusterSizes = new Int32Array(k);
  for (let i = 0; i < count; i++) {
    votes[assignments[i] * numClasses + givenLabels[i]]++;
    clusterSizes[assignments[i]]++;
  }
  const clusterLabels = new Int32Array(k);
  let inertia = 0;
  for (let i = 0; i < count; i++) inertia += squaredDistance(h.vectors, i * dim, centres, assignments[i] * dim, dim);
  for (let j = 0; j < k; j++) {
    if (clusterSizes[j] === 0) {
      clusterLabels[j] = givenLabels[nearestRow(h.vectors, count, centres, j * dim, dim)];
      continue;
    }
    let best = 0;
    for (let c = 1; c < numClasses; c++) if (votes[j * numClasses + c] > votes[j * numClasses + best]) best = c;
    clusterLabels[j] = best;
  }
  // A perfectly tight clustering (inertia 0) would make τ 0; fall back to 1 then.
  const temperature = options.temperature ?? (inertia > 0 ? inertia / count : 1);
  return { k, dim, numClasses, centres, clusterLabels, clusterSizes, temperature, assignments, iterations: result.iterations, converged: result.converged };
}

/**
 * Pseudo-labels embeddings with a {@link ClusterModel} (Section 4.4: "predict its corresponding
 * cluster by the minimum Euclidean distance between the cluster centers and h_x"): each row gets
 * the label of its nearest centre, and a confidence
 *
 * ```
 * confidence(x) = Σ_{j : label(j) = ŷ} exp(−d_j² / τ)  /  Σ_j exp(−d_j² / τ),   d_j = ‖h_x − μ_j‖
 * ```
 *
 * the posterior of the predicted class ŷ under an equal-weight isotropic Gaussian mixture on the
 * centres (soft K-Means), with τ = {@link ClusterModel.temperature} (default: the mean squared
 * distance of D_L's samples to their centre). It is near 1 deep inside a cluster whose
 * neighbours carry other labels and near 1/k halfway between such clusters; clusters with the
 * same label do not compete. Algorithm 2's per-class selection ranks samples by it.
 */
export function assignPseudoLabels(model: ClusterModel, h: Embeddings): ClusterPseudoLabels {
  const fn = 'assignPseudoLabels';
  if (model === null || typeof model !== 'object' || !(model.centres instanceof Float32Array) || !(model.clusterLabels instanceof Int32Array)) {
    throw new Error(`Error in ${fn}: model must be a ClusterModel (from clusterPseudoLabels), but got ${String(model)}`);
  }
  checkEmbeddings(fn, 'h', h);
  if (h.dim !== model.dim) throw new Error(`Error in ${fn}: h has dim ${h.dim} but the cluster centres have dim ${model.dim}`);
  const { k, dim, centres, clusterLabels, temperature } = model;
  const labels = new Int32Array(h.count);
  const confidences = new Float32Array(h.count);
  const clusters = new Int32Array(h.count);
  const d2 = new Float64Array(k);
  for (let i = 0; i < h.count; i++) {
    let nearest = 0;
    for (let j = 0; j < k; j++) {
      d2[j] = squaredDistance(h.vectors, i * dim, centres, j * dim, dim);
      if (d2[j] < d2[nearest]) nearest = j;
    }
    const label = clusterLabels[nearest];
    // exp(−(d² − d²_min)/τ): shifted by the nearest distance so the nearest term is 1 (no underflow).
    let same = 0;
    let total = 0;
    for (let j = 0; j < k; j++) {
      const w = Math.exp(-(d2[j] - d2[nearest]) / temperature);
      total += w;
      if (clusterLabels[j] === label) same += w;
    }
    labels[i] = label;
    clusters[i] = nearest;
    confidences[i] = same / total;
  }
  return { labels, confidences, clusters };
}

function squaredDistance(a: Float32Array, ao: number, b: Float32Array, bo: number, dim: number): number {
  let s = 0;
  for (let d = 0; d < dim; d++) {
    const t = a[ao + d] - b[bo + d];
    s += t * t;
  }
  return s;
}

function nearestRow(vectors: Float32Array, count: number, centres: Float32Array, co: number, dim: number): number {
  let best = 0;
  let bestD = Infinity;
  for (let i = 0; i < count; i++) {
    const d = squaredDistance(vectors, i * dim, centres, co, dim);
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  }
  return best;
}
