/**
 * Thrown when long work (training, self-training…) stops because its `AbortSignal` fired.
 * `name` is `'AbortError'`, as for `fetch` and DOM APIs, so `err.name === 'AbortError'` tests it.
 */
export class AbortError extends Error {
  override readonly name = 'AbortError';
  constructor(message = 'The operation was aborted') {
    super(message);
  }
}

/** Throws an {@link AbortError} saying `where` if `signal` has fired; does nothing otherwise. */
export function throwIfAborted(signal: AbortSignal | undefined, where: string): void {
  if (signal?.aborted) throw new AbortError(`${where}: aborted by the signal`);
}
