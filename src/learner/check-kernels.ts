import * as tf from '@tensorflow/tfjs';
import { LEARNER_KERNELS } from './learner-kernels.ts';

/**
 * The learner's kernels (see {@link LEARNER_KERNELS}) that a backend does not register.
 *
 * @param backend a registered backend name (`tensorflow`, `wasm`, `cpu`).
 * @returns the missing kernel names; empty when the backend can run the learner.
 *
 * ## Example
 * ```ts
 * missingKernels('wasm'); // []
 * ```
 */
export function missingKernels(backend: string): string[] {
  return LEARNER_KERNELS.filter((name) => tf.getKernel(name, backend) === undefined);
}
