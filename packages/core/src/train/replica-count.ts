/** A resolved replica count and where it came from. */
export interface ReplicaCount {
  /** Data-parallel replicas, an integer ≥ 1 (1 = train on the calling thread only). */
  replicas: number;
  /** Whether it came from the `BDST_REPLICAS` environment variable (rather than the option or the default). */
  fromEnv: boolean;
}

/**
 * Resolves a `replicas` option: the option when given, else the `BDST_REPLICAS` environment
 * variable (as `BDST_WASM_THREADS` defaults `initBackend`'s `threads`), else 1.
 *
 * @param fn the public function to name in error messages (`train`).
 * @param readEnv whether an unset option falls back to `BDST_REPLICAS` (default true; `predict` passes false).
 * @throws Error naming `options.replicas` or `BDST_REPLICAS` when the value is not an integer ≥ 1.
 */
export function resolveReplicaCount(fn: string, option: number | undefined, { readEnv = true }: { readEnv?: boolean } = {}): ReplicaCount {
  if (option !== undefined) {
    if (!Number.isInteger(option) || option < 1) throw new Error(`Error in ${fn}: options.replicas must be an integer ≥ 1, but got ${String(option)}`);
    return { replicas: option, fromEnv: false };
  }
  const fromEnv = readEnv && typeof process !== 'undefined' ? process.env.BDST_REPLICAS?.trim() : undefined;
  if (!fromEnv) return { replicas: 1, fromEnv: false };
  const value = Number(fromEnv);
  if (!/^\d+$/.test(fromEnv) || !Number.isInteger(value) || value < 1) {
    throw new Error(`Error in ${fn}: the BDST_REPLICAS environment variable (the default of options.replicas) must be an integer ≥ 1, but got '${fromEnv}'`);
  }
  return { replicas: value, fromEnv: true };
}

/**
 * The replicas `fn` can use on the active backend: the count itself on 'wasm' and 'cpu'; on native
 * TensorFlow (which already uses every core) 1 when the count came from `BDST_REPLICAS`, and an
 * error naming `options.replicas` when it was asked for explicitly.
 */
export function replicasOnBackend(fn: string, { replicas, fromEnv }: ReplicaCount, backend: string): number {
  if (replicas === 1 || backend === 'wasm' || backend === 'cpu') return replicas;
  if (fromEnv) return 1;
  throw new Error(`Error in ${fn}: options.replicas ${replicas} needs the 'wasm' or 'cpu' backend, but the active backend is '${backend}' (native TensorFlow already uses every core: use replicas 1)`);
}
