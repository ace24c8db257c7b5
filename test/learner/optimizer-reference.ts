/** The weight update the learner made before its optimiser moved into the kernels, for parity tests. */
import * as tf from '@tensorflow/tfjs';
import type { ResolvedLearnerConfig } from '../../src/learner/learner-config.ts';
import { prng } from './engine-helpers.ts';

/**
 * `count` seeded gradients whose global norms spread over 10^[-2.5, 1.5] (about a third above a
 * clip of 1), the directions Gaussian, with now and then one huge component (so a clipped
 * gradient's scale matters for a few coordinates more than the rest).
 */
export function randomGradients(n: number, count: number, seed: number): Float32Array[] {
  const rand = prng(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  return Array.from({ length: count }, () => {
    const g = Float32Array.from({ length: n }, normal);
    if (rand() < 0.1) g[Math.floor(rand() * n)] *= 50;
    let sq = 0;
    for (const v of g) sq += v * v;
    const s = 10 ** (4 * rand() - 2.5) / Math.sqrt(sq);
    for (let i = 0; i < n; i++) g[i] *= s;
    return g;
  });
}

/** A tfjs optimiser on a tf.variable, fed as the learner fed it before: JS global-norm clipping, then applyGradients. */
export interface TfjsReference {
  variable: tf.Variable;
  optimizer: tf.Optimizer;
  apply(grad: Float32Array): void;
  dispose(): void;
}

/**
 * `tf.train.adam(lr)` or `tf.train.momentum(lr, μ)` on `tf.variable(params)`.
 *
 * @param params the starting weights.
 * @param config the learner's resolved config (optimizer, lr, momentum, clip).
 */
export function tfjsReference(params: Float32Array, config: ResolvedLearnerConfig): TfjsReference {
  const variable = tf.variable(tf.tensor1d(params.slice()), true);
  const optimizer = config.optimizer === 'sgd' ? tf.train.momentum(config.lr, config.momentum) : tf.train.adam(config.lr);
  return {
    variable,
    optimizer,
    apply(grad) {
      const g = grad.slice();
      let sq = 0;
      for (const v of g) sq += v * v;
      const norm = Math.sqrt(sq);
      if (config.clip !== null && norm > config.clip) {
        const scale = config.clip / norm;
        for (let i = 0; i < g.length; i++) g[i] *= scale;
      }
      tf.tidy(() => optimizer.applyGradients([{ name: variable.name, tensor: tf.tensor1d(g) }]));
    },
    dispose() {
      variable.dispose();
      optimizer.dispose();
      // tfjs 4.22's MomentumOptimizer.dispose() forgets SGD's learning-rate scalar.
      (optimizer as unknown as { c?: tf.Tensor }).c?.dispose();
    },
  };
}

/** max |a − b| / max(|b|, 1e-3) over the elements: relative, with a floor for weights near zero. */
export function maxRelativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths ${a.length} and ${b.length} differ`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), 1e-3));
  if (Number.isNaN(worst)) return Infinity;
  return worst;
}
