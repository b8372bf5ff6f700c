import * as tf from '@tensorflow/tfjs-core';
import { isPackageInstalled } from './module-require.js';

/** The optional native packages (peer dependencies) that provide tfjs's 'tensorflow' backend. */
export type NativeTensorflowPackage = '@tensorflow/tfjs-node-gpu' | '@tensorflow/tfjs-node';

/** The outcome of {@link loadNativeTensorflow}. */
export type NativeTensorflowLoad =
  | { loaded: true; usesGpu: boolean }
  | { loaded: false; notInstalled: boolean; message: string };

/**
 * Loads one native TensorFlow package (dynamic `import()`, so bdst works without it) and makes
 * its 'tensorflow' backend the active tfjs backend.
 *
 * @returns `loaded: true` with whether TensorFlow placed itself on a GPU, or `loaded: false`
 * with `notInstalled` (the package cannot be resolved) or the load / initialization error.
 */
export async function loadNativeTensorflow(packageName: NativeTensorflowPackage): Promise<NativeTensorflowLoad> {
  if (!isPackageInstalled(packageName)) {
    return { loaded: false, notInstalled: true, message: `${packageName} is not installed` };
  }
  try {
    // A non-literal specifier: the package is an optional peer dependency with no types here,
    // and bundlers must leave it to Node's resolution at run time.
    const specifier: string = packageName;
    await import(specifier);
  } catch (error) {
    return { loaded: false, notInstalled: false, message: `${packageName} failed to load: ${(error as Error).message}` };
  }
  if (tf.findBackendFactory('tensorflow') == null) {
    return {
      loaded: false,
      notInstalled: false,
      message: `${packageName} loaded but registered its 'tensorflow' backend with another copy of @tensorflow/tfjs-core (install the same version as bdst's, ${tf.version_core})`,
    };
  }
  const ok = await tf.setBackend('tensorflow');
  if (!ok) return { loaded: false, notInstalled: false, message: `${packageName} loaded but its 'tensorflow' backend failed to initialize` };
  const backend = tf.backend() as unknown as { isUsingGpuDevice?: boolean | (() => boolean) };
  const flag = backend.isUsingGpuDevice;
  const usesGpu = typeof flag === 'function' ? flag.call(backend) : flag === true;
  return { loaded: true, usesGpu };
}
