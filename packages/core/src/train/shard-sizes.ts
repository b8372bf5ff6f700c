/**
 * How {@link ReplicaPool} splits a batch of `batch` images over `replicas` data-parallel replicas:
 * contiguous shards whose sizes differ by at most one, the first `batch mod replicas` shards one
 * larger (shard 0, computed on the main thread, is never smaller than another). With fewer images
 * than replicas the last shards are empty. The split depends on nothing else, which keeps
 * data-parallel training deterministic for a fixed replica count.
 *
 * @example shardSizes(128, 3) // [43, 43, 42]
 * @param batch images in the batch, an integer ≥ 0.
 * @param replicas an integer ≥ 1.
 */
export function shardSizes(batch: number, replicas: number): number[] {
  if (!Number.isInteger(batch) || batch < 0) throw new Error(`Error in shardSizes: batch must be an integer ≥ 0, but got ${batch}`);
  if (!Number.isInteger(replicas) || replicas < 1) throw new Error(`Error in shardSizes: replicas must be an integer ≥ 1, but got ${replicas}`);
  const base = Math.floor(batch / replicas);
  const larger = batch % replicas;
  return Array.from({ length: replicas }, (_, r) => base + (r < larger ? 1 : 0));
}
