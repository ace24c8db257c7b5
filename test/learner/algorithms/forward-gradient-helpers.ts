import type { ForwardGradient } from '../../../src/learner/algorithms/forward-gradient.ts';
import { forwardStep } from '../../../src/learner/forward-step.ts';
import { forwardSequence } from '../../../src/learner/forward-sequence.ts';
import type { LstmShape } from '../../../src/learner/lstm-shape.ts';
import { zeroState } from '../../../src/learner/lstm-state.ts';
import { paramOffsets } from '../../../src/learner/math-param-offsets.ts';
import { paramLayout } from '../../../src/learner/param-layout.ts';
import { createStepCache, stateAfter, type StepCache } from '../../../src/learner/step-cache.ts';
import { tbpttGradients } from '../../../src/learner/tbptt-gradients.ts';

/** dh = W_outᵀ(p − onehot(y)): the readout's gradient of the cross-entropy at h_top (float32). */
export function readoutDh(params: Float32Array, shape: LstmShape, cache: StepCache, y: number): Float32Array {
  const { hiddenSize: H, outputSize: O } = shape;
  const outW = paramOffsets(shape).outW;
  const dh = new Float32Array(H);
  for (let k = 0; k < O; k++) {
    const d = cache.probs[k] - (k === y ? 1 : 0);
    for (let j = 0; j < H; j++) dh[j] += params[outW + k * H + j] * d;
  }
  return dh;
}

/**
 * Drives a forward-gradient method over one utterance the way the interface's doc comment says
 * (forward step, propagate, accumulate on labelled frames) and returns Σ_t of its estimates.
 * `grad` defaults to a fresh zero vector, `cache` to a new step cache (pass one made earlier when
 * counting arena bytes); the method is NOT reset before or after.
 */
export function runUtterance(
  method: ForwardGradient, params: Float32Array, shape: LstmShape, xs: Float32Array[], targets: Int32Array,
  grad: Float32Array = new Float32Array(paramLayout(shape).total), cache: StepCache = createStepCache(shape),
): Float32Array {
  let prev = zeroState(shape);
  for (let t = 0; t < xs.length; t++) {
    forwardStep(params, shape, xs[t], prev, cache);
    prev = { h: stateAfter(cache).h.map((a) => a.slice()), c: stateAfter(cache).c.map((a) => a.slice()) };
    method.propagate(cache, params);
    if (targets[t] >= 0) method.accumulate(cache, params, readoutDh(params, shape, cache, targets[t]), grad);
  }
  return grad;
}

/**
 * The exact gradient of the SUMMED cross-entropy over the labelled frames of one utterance from a
 * zero state, by the project's BPTT with a window covering the whole utterance (tbpttGradients
 * returns the mean, hence the factor). Output-layer entries are zeroed: the methods leave them alone.
 */
export function bpttSum(params: Float32Array, shape: LstmShape, xs: Float32Array[], targets: Int32Array): Float32Array {
  const caches = xs.map(() => createStepCache(shape));
  forwardSequence(params, shape, xs, zeroState(shape), caches);
  const grad = new Float32Array(paramLayout(shape).total);
  tbpttGradients(params, shape, caches, targets, xs.length, grad);
  let labelled = 0;
  for (const y of targets) if (y >= 0) labelled++;
  for (let i = 0; i < grad.length; i++) grad[i] *= labelled;
  grad.fill(0, paramOffsets(shape).outW);
  return grad;
}

/** ‖a − b‖ / ‖b‖ over the LSTM parameters (the prefix before out.weight). */
export function relativeL2(shape: LstmShape, a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = paramOffsets(shape).outW;
  let d = 0;
  let s = 0;
  for (let i = 0; i < n; i++) {
    d += (a[i] - b[i]) ** 2;
    s += b[i] ** 2;
  }
  return Math.sqrt(d / s);
}
