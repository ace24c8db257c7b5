import * as tf from '@tensorflow/tfjs';
import { ConfigError, InputError } from '../errors.ts';
import { allocFloats, freeFloats } from './kernels/alloc-floats.ts';
import { firstNonFinite } from './first-non-finite.ts';
import { KernelOptimizer } from './kernel-optimizer.ts';
import { wasmArena } from './kernels/wasm-arena.ts';
import { blockBytes } from './stream-memory.ts';
import { initParams } from './init-params.ts';
import { resolveLearnerConfig, type LearnerConfig, type ResolvedLearnerConfig } from './learner-config.ts';
import { createTrainer } from './algorithms/create-trainer.ts';
import { LearnerStream, type StreamOptions } from './learner-stream.ts';
import { fromPytorchStateDict } from './from-pytorch-state-dict.ts';
import { toPytorchStateDict, type PytorchStateDict } from './to-pytorch-state-dict.ts';
import type { LstmShape } from './lstm-shape.ts';
import type { StreamModel, UpdateResult } from './stream-model.ts';

export type { UpdateResult } from './stream-model.ts';
import { paramLayout, type ParamLayout } from './param-layout.ts';
import { emitWarning } from '../runtime/emit-warning.ts';

let learnerCount = 0;
let warnedCpu = false;

/** What one weight update did. */
/**
 * One LSTM phone classifier shared by any number of streams. Its parameters (PyTorch layout, see
 * `paramLayout`) are ONE Float32Array in the kernel arena, {@link params}: the LSTM math reads it
 * and the optimiser step (`KernelOptimizer`: tfjs's Adam or momentum SGD reproduced in the
 * kernels) updates it in place. A flat `tf.variable` holding the same values is kept for tfjs users
 * and brought up to date only when read ({@link parameterVariable}), not on every update. Streams
 * ({@link openStream}) predict with the current weights and, when training, hand their chunk
 * gradients to {@link applyGradient}. Call {@link dispose} when done: it frees the variable (which
 * `tf.tidy` does not) and gives the optimiser's arena blocks back at once.
 *
 * Select the backend first (`await selectBackend()`); the variable lives on the active one.
 *
 * ## Example
 * ```ts
 * await selectBackend();
 * const learner = new OnlineLearner({ inputSize: 26, phones, hiddenSize: 128, k1: 20, k2: 20 });
 * const stream = learner.openStream('corpus', { train: true });
 * const { prediction } = stream.push(features, 'aa');
 * learner.dispose();
 * ```
 */
export class OnlineLearner implements StreamModel {
  readonly config: ResolvedLearnerConfig;
  readonly shape: LstmShape;
  /** Where each weight matrix lies in {@link params}. @internal */
  readonly layout: ParamLayout;
  /**
   * The parameters: updated in place by every update (same array for the learner's life).
   * Read-only for callers: write through {@link setParams}.
   */
  readonly params: Float32Array;
  /** Weight updates applied so far (restored by `load`); streams tag their cached steps with it. */
  version = 0;
  /** Updates skipped or rolled back since this learner was made (non-finite loss, gradient or weights). */
  skippedUpdates = 0;
  /** The optimiser, whose state is saved and restored in tfjs's format (see `saveLearner`). @internal */
  readonly optimizer: KernelOptimizer;
  private readonly variable: tf.Variable;
  /** Whether {@link params} changed since the variable last got them. */
  private variableStale = false;
  private readonly streams = new Map<string, LearnerStream>();
  private isDisposed = false;
  private readonly releaseMemory: () => void;

  /**
   * @param config the learner's options (validated; ConfigError names a bad one).
   * @param params initial parameters (`paramLayout(shape).total` floats); default `initParams(shape, seed)`.
   */
  constructor(config: LearnerConfig, params?: Float32Array) {
    this.config = resolveLearnerConfig(config);
    const c = this.config;
    this.shape = { inputSize: c.inputSize, hiddenSize: c.hiddenSize, layers: c.layers, outputSize: c.phones.length };
    this.layout = paramLayout(this.shape);
    if (params !== undefined) {
      checkLength(params, this.layout.total);
      assertFinite(params, 'params');
    }
    const bytes = blockBytes(this.layout.total) + KernelOptimizer.bytesFor(c.optimizer, this.layout.total);
    this.releaseMemory = wasmArena()?.reserve(bytes, `a learner of ${this.layout.total} parameters`) ?? (() => {});
    const initial = params ?? initParams(this.shape, c.seed);
    this.params = allocFloats(this.layout.total);
    this.params.set(initial);
    if (params === undefined) freeFloats(initial);
    if (tf.getBackend() === 'cpu' && !warnedCpu) {
      // tfjs falls back to cpu silently when no backend was selected. Updates no longer run on tfjs,
      // but saving and loading do, and users of parameterVariable would get the slow backend.
      warnedCpu = true;
      emitWarning('OnlineLearner: running on the tfjs cpu backend (slow saving and loading); call `await selectBackend()` first to use tfjs-node or wasm');
    }
    const name = `phonestream/learner${++learnerCount}/params`;
    // Copies: the cpu backend keeps the array a tensor is made from, and these arrays change.
    this.variable = tf.tidy(() => tf.variable(tf.tensor1d(this.params.slice()), c.trainable, name));
    this.optimizer = new KernelOptimizer(c, this.layout.total, name);
  }

  /** The tfjs backend the weights live on. */
  get backend(): string {
    return tf.getBackend();
  }

  /** Whether streams may train (false: frozen, inference only). */
  get trainable(): boolean {
    return this.config.trainable;
  }

  /**
   * The tfjs variable holding the parameters (do not dispose it). Reading it uploads
   * {@link params} when they changed since the last read: updates themselves never touch tfjs.
   */
  get parameterVariable(): tf.Variable {
    if (this.variableStale) {
      // A copy: the cpu backend keeps the array a tensor is made from, and params changes in place.
      tf.tidy(() => this.variable.assign(tf.tensor1d(this.params.slice())));
      this.variableStale = false;
    }
    return this.variable;
  }

  /**
   * Opens a stream with its own recurrent state and history on this shared model.
   *
   * @param id unique among this learner's open streams.
   * @param options `train`: learn from labelled frames (default: the learner's `trainable`);
   *   `topK`: alternatives reported per prediction (default 3).
   */
  openStream(id: string, options: StreamOptions = {}): LearnerStream {
    this.assertAlive();
    if (this.streams.has(id)) throw new ConfigError(`stream "${id}" is already open`);
    if (options.train === true && !this.config.trainable) {
      throw new ConfigError(`stream "${id}": train is true but the learner is frozen (trainable: false)`);
    }
    const stream = new LearnerStream(this, id, options, () => this.streams.delete(id), createTrainer);
    this.streams.set(id, stream);
    return stream;
  }

  /**
   * Applies one gradient in two kernel passes over the arena: the global norm, then one optimiser
   * step on {@link params} in place with the gradient scaled to norm `config.clip` if it is above
   * (`grad` itself is only read). A gradient that is not finite is skipped (counted in
   * {@link skippedUpdates}, weights and optimiser untouched); a step that makes any weight
   * non-finite is rolled back to the weights before it (the optimiser's moments keep that step, as
   * tfjs's did). Either way the result says `skipped` and training goes on.
   *
   * @param grad the gradient of the chunk's mean loss, `layout.total` floats.
   */
  applyGradient(grad: Float32Array): UpdateResult {
    this.assertAlive();
    if (!this.config.trainable) throw new ConfigError('the learner is frozen (trainable: false)');
    checkLength(grad, this.layout.total);
    const gradNorm = Math.sqrt(this.optimizer.sumOfSquares(grad));
    if (!Number.isFinite(gradNorm)) return this.skipUpdate(gradNorm);
    const clip = this.config.clip;
    const clipped = clip !== null && gradNorm > clip;
    // The same float64 factor the JS clipping `g[i] *= clip / norm` used; 1 leaves g exact.
    if (!this.optimizer.step(this.params, grad, clipped ? clip / gradNorm : 1)) {
      return { ...this.skipUpdate(gradNorm), clipped };
    }
    this.variableStale = true;
    this.version++;
    return { gradNorm, clipped, skipped: false };
  }

  /**
   * Counts an update that is not made (a non-finite loss or gradient) and says so.
   *
   * @param gradNorm the gradient's norm, as far as it is known.
   */
  skipUpdate(gradNorm: number): UpdateResult {
    this.skippedUpdates++;
    return { gradNorm, clipped: false, skipped: true };
  }

  /**
   * Replaces every parameter (e.g. weights imported from PyTorch). The optimiser's state is kept.
   *
   * @param params `layout.total` floats in `paramLayout` order.
   */
  setParams(params: Float32Array): void {
    this.assertAlive();
    checkLength(params, this.layout.total);
    assertFinite(params, 'setParams');
    this.params.set(params);
    this.variableStale = true;
    this.version++;
  }

  /** The weights as a PyTorch `nn.LSTM` + `nn.Linear` (`out`) state dict, JSON-ready. */
  exportPytorch(): PytorchStateDict {
    return toPytorchStateDict(this.params, this.shape);
  }

  /**
   * Replaces the weights with ones exported from PyTorch; their sizes must match this learner's.
   *
   * @param json the parsed state-dict JSON (`{name: tensor.tolist()}`).
   * @param source its file name, for error messages.
   */
  importPytorch(json: unknown, source = 'PyTorch weights'): void {
    const { shape, params } = fromPytorchStateDict(json, source);
    const mine = this.shape;
    for (const k of ['inputSize', 'hiddenSize', 'layers', 'outputSize'] as const) {
      if (shape[k] !== mine[k]) throw new InputError(source, `${k} is ${shape[k]}, but the learner's is ${mine[k]}`);
    }
    this.setParams(params);
  }

  /** Frees the variable and the optimiser's state, and closes every stream. */
  dispose(): void {
    if (this.isDisposed) return;
    for (const s of [...this.streams.values()]) s.close();
    this.variable.dispose();
    this.optimizer.dispose();
    // params stays allocated until garbage: a caller may still read the final weights.
    this.releaseMemory();
    this.isDisposed = true;
  }

  /** Whether {@link dispose} was called. */
  get disposed(): boolean {
    return this.isDisposed;
  }

  private assertAlive(): void {
    if (this.isDisposed) throw new Error('OnlineLearner: used after dispose()');
  }
}

function assertFinite(a: Float32Array, what: string): void {
  const i = firstNonFinite(a);
  if (i >= 0) throw new ConfigError(`${what}: parameter ${i} is ${a[i]}; weights must be finite (the learner's are left unchanged)`);
}

function checkLength(a: Float32Array, total: number): void {
  if (!(a instanceof Float32Array) || a.length !== total) {
    throw new ConfigError(`params: expected a Float32Array of ${total} floats, got ${a instanceof Float32Array ? a.length : typeof a}`);
  }
}
