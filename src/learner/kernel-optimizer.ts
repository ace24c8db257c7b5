import * as tf from '@tensorflow/tfjs';
import { ConfigError } from '../errors.ts';
import { allocFloats, freeFloats } from './kernels/alloc-floats.ts';
import type { AdamConstants } from './kernels/kernels.ts';
import { kernelsFor } from './kernels/kernels-for.ts';
import { stageInArena } from './kernels/stage-in-arena.ts';
import type { ResolvedLearnerConfig } from './learner-config.ts';
import { blockBytes } from './stream-memory.ts';

/** Staging slot of a gradient given from ordinary memory (0 and 1 are the LSTM math's). */
const GRADIENT_SLOT = 2;
const BETA1 = 0.9;
const BETA2 = 0.999;

/** One entry of a tfjs optimiser's weights (tfjs's `NamedTensor`, which its index does not export). */
export interface OptimizerWeight {
  name: string;
  tensor: tf.Tensor;
}

/**
 * The learner's optimiser, run by the kernels on its arena-resident parameters: tfjs 4.22's Adam
 * (`tf.train.adam(lr)`: β1 0.9, β2 0.999, ε the backend's epsilon) or momentum SGD
 * (`tf.train.momentum(lr, μ)`), reproduced float32 op for op (see lstm-kernels.as), with the global
 * norm clipping fused in. Its state lives in arena blocks it owns: Adam's m and v and its running
 * powers [β1ᵗ, β2ᵗ], or momentum's accumulator; plus `prev`, the weights before the last step, from
 * which a step that made a weight non-finite is undone. The iteration count is a plain number (it
 * only names the step in checkpoints and seeds the powers on restore).
 *
 * Its state reads and writes in tfjs's own format ({@link getWeights} / {@link setWeights}: `iter`,
 * then `<variable>/m`, `<variable>/v` or `<variable>/momentum`), so checkpoints are the ones a tfjs
 * optimiser saves and restores. Like tfjs, the slots exist only from the first step on (a learner
 * saved before any update has only `iter`).
 *
 * ## Example
 * ```ts
 * const opt = new KernelOptimizer(learner.config, params.length, 'params');
 * const norm = Math.sqrt(opt.sumOfSquares(grad));
 * opt.step(params, grad, norm > 1 ? 1 / norm : 1);
 * ```
 */
export class KernelOptimizer {
  /** tfjs's class name of the optimiser this one reproduces (what checkpoints record). */
  readonly className: 'Adam' | 'Momentum';
  /** Optimiser calls so far, as tfjs's `iterations` (a rolled-back step counts; a skipped one does not). */
  iterations = 0;
  private readonly n: number;
  private readonly adam: AdamConstants;
  private readonly lr: number;
  private readonly momentum: number;
  /** Adam: [m, v]; momentum: [accumulator]. */
  private readonly slots: Float32Array[];
  private readonly prev: Float32Array;
  /** Adam's [β1ᵗ, β2ᵗ] (tfjs's accBeta1/2), float32 as tfjs keeps them; unused by momentum. */
  private readonly powers: Float32Array;
  /** Every block a step touches beside the parameters and the gradient, for `kernelsFor`. */
  private readonly blocks: { buf: Float32Array }[];
  /** Whether the slots exist in tfjs's sense (first step made, or restored with them). */
  private hasSlots = false;
  private disposed = false;

  /** Bytes of kernel memory an optimiser of n parameters holds (what the learner reserves for it). */
  static bytesFor(optimizer: ResolvedLearnerConfig['optimizer'], n: number): number {
    return (optimizer === 'adam' ? 3 : 2) * blockBytes(n) + blockBytes(2);
  }

  /**
   * @param config the learner's optimiser, learning rate and momentum.
   * @param n the number of parameters.
   * @param variableName the tfjs variable's name, which tfjs's slot names start with.
   */
  constructor(config: Pick<ResolvedLearnerConfig, 'optimizer' | 'lr' | 'momentum'>, n: number, readonly variableName: string) {
    this.n = n;
    this.className = config.optimizer === 'adam' ? 'Adam' : 'Momentum';
    this.lr = config.lr;
    this.momentum = config.momentum;
    // tfjs takes ε from the active backend when the optimiser is made (1e-7 on cpu, wasm, tensorflow).
    this.adam = { lr: config.lr, beta1: BETA1, beta2: BETA2, epsilon: tf.backend().epsilon() };
    this.slots = config.optimizer === 'adam' ? [allocFloats(n), allocFloats(n)] : [allocFloats(n)];
    this.prev = allocFloats(n);
    this.powers = allocFloats(2);
    this.resetPowers();
    this.blocks = [...this.slots, this.prev, this.powers].map((buf) => ({ buf }));
  }

  /**
   * Σ g² of a gradient, in float64 (the kernels' first pass: its square root is the norm to clip).
   *
   * @param grad n floats.
   */
  sumOfSquares(grad: Float32Array): number {
    const g = stageInArena(grad, GRADIENT_SLOT);
    return kernelsFor(g, g).sumSquares(g, this.n);
  }

  /**
   * One optimiser step on `params` in place with the gradient `grad · scale` (grad is only read).
   * When the step makes any weight non-finite, the weights before it are put back and false is
   * returned; the optimiser's state keeps the step, as tfjs's does when its variable is restored.
   *
   * @param params the n parameters (the learner's arena block).
   * @param grad the gradient, n floats (copied into the arena first if it lives elsewhere).
   * @param scale the clipping factor (1: none), applied in float64 like `g[i] *= scale`.
   */
  step(params: Float32Array, grad: Float32Array, scale: number): boolean {
    this.assertAlive();
    const g = stageInArena(grad, GRADIENT_SLOT);
    const K = kernelsFor(params, g, this.blocks);
    const finite = this.className === 'Adam'
      ? K.adamStep(params, g, this.slots[0], this.slots[1], this.prev, this.n, scale, this.powers, this.adam)
      : K.momentumStep(params, g, this.slots[0], this.prev, this.n, scale, this.lr, this.momentum);
    this.hasSlots = true;
    this.iterations++;
    if (!finite) params.set(this.prev.subarray(0, this.n));
    return finite;
  }

  /**
   * The state as tfjs's `optimizer.getWeights()` lists it: `iter` (int32 scalar), then the slots
   * under `<variableName>/m`, `/v` (Adam) or `/momentum`, absent before the first step. Every
   * tensor is a fresh copy the caller disposes.
   */
  getWeights(): OptimizerWeight[] {
    const iter = { name: 'iter', tensor: tf.scalar(this.iterations, 'int32') };
    if (!this.hasSlots) return [iter];
    const names = this.className === 'Adam' ? ['m', 'v'] : ['momentum'];
    return [iter, ...this.slots.map((s, i) => ({ name: `${this.variableName}/${names[i]}`, tensor: tf.tensor1d(s.slice(0, this.n)) }))];
  }

  /**
   * Restores a state saved by tfjs or by {@link getWeights}, as tfjs's `setWeights` does: `iter`
   * first, then the slots in order (none: they start from zero at the next step). Adam's powers
   * become pow(β, iter + 1), computed by tfjs on the active backend as tfjs's setWeights does.
   *
   * @param weights `iter` and the slots, each slot of n floats.
   */
  setWeights(weights: OptimizerWeight[]): void {
    this.assertAlive();
    const [iter, ...slots] = weights;
    if (iter === undefined || iter.tensor.size !== 1) throw new ConfigError('optimizer setWeights: expected the iteration count first');
    if (slots.length !== 0 && slots.length !== this.slots.length) {
      throw new ConfigError(`optimizer setWeights: ${this.className} has ${this.slots.length} slots, got ${slots.length}`);
    }
    for (const s of slots) {
      if (s.tensor.size !== this.n) throw new ConfigError(`optimizer setWeights: slot "${s.name}" holds ${s.tensor.size} floats, expected ${this.n}`);
    }
    this.iterations = iter.tensor.dataSync()[0];
    slots.forEach((s, i) => this.slots[i].set(s.tensor.dataSync() as Float32Array));
    if (slots.length === 0) for (const s of this.slots) s.fill(0);
    this.hasSlots = slots.length > 0;
    if (this.className === 'Adam') {
      const t = this.iterations + 1;
      this.powers[0] = tf.tidy(() => tf.pow(BETA1, t).dataSync()[0]);
      this.powers[1] = tf.tidy(() => tf.pow(BETA2, t).dataSync()[0]);
    }
  }

  /** Gives the state's blocks back to the arena. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const s of this.slots) freeFloats(s);
    freeFloats(this.prev);
    freeFloats(this.powers);
  }

  private resetPowers(): void {
    // tfjs starts accBeta1/2 at β1, β2: the powers of the first step.
    this.powers[0] = BETA1;
    this.powers[1] = BETA2;
  }

  private assertAlive(): void {
    if (this.disposed) throw new Error('KernelOptimizer: used after dispose()');
  }
}
