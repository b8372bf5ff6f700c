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
 * @throws Error naming `options.replicas` or `BDST_REPLICAS` when the value is not an integer ≥ 1.
 */
export function resolveReplicaCount(fn: string, option: number | undefined): ReplicaCount {
  if (option !== undefined) {
    if (!Number.isInteger(option) || option < 1) throw new Error(`Error in ${fn}: options.replicas must be an integer ≥ 1, but got ${String(option)}`);
    return { replicas: option, fromEnv: false };
  }
  const fromEnv = typeof process !== 'undefined' ? process.env.BDST_REPLICAS?.trim() : undefined;
  if (!fromEnv) return { replicas: 1, fromEnv: false };
  const value = Number(fromEnv);
  if (!/^\d+$/.test(fromEnv) || !Number.isInteger(value) || value < 1) {
    throw new Error(`Error in ${fn}: the BDST_REPLICAS environment variable (the default of options.replicas) must be an integer ≥ 1, but got '${fromEnv}'`);
  }
  return { replicas: value, fromEnv: true };
}
