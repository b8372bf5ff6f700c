/**
 * The compute backends bdst can run on, fastest first: native TensorFlow on a GPU
 * (`@tensorflow/tfjs-node-gpu`), native TensorFlow on the CPU (`@tensorflow/tfjs-node`),
 * WebAssembly with bdst's training kernels (`@tensorflow/tfjs-backend-wasm`), and tfjs's plain
 * JavaScript CPU backend (`@tensorflow/tfjs-backend-cpu`).
 */
export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';

/** A backend request: one {@link BackendName}, or `'auto'` for the fastest one available. */
export type BackendChoice = 'auto' | BackendName;

/** Every valid {@link BackendChoice}, in the order `'auto'` tries the backends. */
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

/**
 * Checks that `value` names a {@link BackendChoice} and returns it.
 *
 * @param value The requested name (from an option or the `BDST_BACKEND` environment variable).
 * @param source Where the name came from, quoted in the error (e.g. `"option 'backend'"`).
 * @throws Error listing the valid names when `value` is not one of them.
 */
export function parseBackendChoice(value: unknown, source: string): BackendChoice {
  if (typeof value === 'string' && (BACKEND_CHOICES as readonly string[]).includes(value)) return value as BackendChoice;
  const shown = typeof value === 'string' ? `'${value}'` : String(value);
  throw new Error(
    `initBackend: unknown backend ${shown} (from ${source}); expected one of ${BACKEND_CHOICES.map((c) => `'${c}'`).join(', ')}`,
  );
}
