import type { LstmShape } from './lstm-shape.ts';
import type { LstmState } from './lstm-state.ts';
import { allocFloats } from './kernels/alloc-floats.ts';
import { keepBlockForViews } from './kernels/wasm-arena.ts';

/**
 * Everything the backward pass needs from one time step, preallocated and reused frame after frame.
 * Opaque to the learner engine: read it only through {@link stateAfter} and {@link probsOf}.
 * All arrays are views into one block (`buf`), which lives in the wasm kernels' memory when there is
 * room, so the kernels read and write it in place.
 */
export interface StepCache {
  readonly shape: LstmShape;
  /** The single block all views below share. */
  readonly buf: Float32Array;
  /** The step's input frame (a copy). */
  readonly x: Float32Array;
  /** Per layer: the state entering the step (copies). */
  readonly hPrev: Float32Array[];
  readonly cPrev: Float32Array[];
  /** Per layer: the activated gates, 4H floats in PyTorch order i, f, g, o. */
  readonly gates: Float32Array[];
  /** Per layer: the cell after the step, tanh of it, and the hidden output. */
  readonly c: Float32Array[];
  readonly tanhC: Float32Array[];
  readonly h: Float32Array[];
  /** Output layer: pre-softmax scores and softmax probabilities. */
  readonly logits: Float32Array;
  readonly probs: Float32Array;
  /**
   * The softmax's float64 max and sum of exponentials ([max, Σ exp(logit − max)]), so the loss
   * reads log-sum-exp instead of summing the exponentials again (ordinary memory: no kernel reads it).
   */
  readonly softmax: Float64Array;
}

/**
 * Floats in one step cache's block: per layer the gates (4H, first, which keeps each layer's 4H
 * block 16-byte aligned for SIMD) and five H-sized arrays; then the input and the output layer.
 *
 * @param shape the network's sizes.
 */
export function stepCacheFloats({ inputSize: I, hiddenSize: H, layers: L, outputSize: O }: LstmShape): number {
  return L * 9 * H + I + 2 * O;
}

/**
 * A reusable cache for one time step of the given network.
 *
 * @param shape the network's sizes.
 *
 * ## Example
 * ```ts
 * const caches = Array.from({ length: 20 }, () => createStepCache(shape));
 * ```
 */
export function createStepCache(shape: LstmShape): StepCache {
  const { inputSize: I, hiddenSize: H, layers: L, outputSize: O } = shape;
  const buf = allocFloats(stepCacheFloats(shape));
  let at = 0;
  const take = (n: number): Float32Array => {
    const v = buf.subarray(at, at + n);
    at += n;
    return v;
  };
  const gates: Float32Array[] = [];
  const hPrev: Float32Array[] = [];
  const cPrev: Float32Array[] = [];
  const c: Float32Array[] = [];
  const tanhC: Float32Array[] = [];
  const h: Float32Array[] = [];
  for (let l = 0; l < L; l++) {
    gates.push(take(4 * H));
    hPrev.push(take(H));
    cPrev.push(take(H));
    c.push(take(H));
    tanhC.push(take(H));
    h.push(take(H));
  }
  const x = take(I);
  const logits = take(O);
  const probs = take(O);
  // The engine may keep only views (stateAfter, probsOf) of a cache: they keep its block alive.
  keepBlockForViews(buf, [x, ...hPrev, ...cPrev, ...gates, ...c, ...tanhC, ...h, logits, probs]);
  return { shape, buf, x, hPrev, cPrev, gates, c, tanhC, h, logits, probs, softmax: new Float64Array(2) };
}

/**
 * The state after the cached step: views into the cache, not copies (clone them with `cloneState`
 * if the cache will be reused before the state is).
 *
 * @param cache a cache filled by `forwardStep`.
 *
 * ## Example
 * ```ts
 * forwardStep(params, shape, x, prev, cache);
 * prev = stateAfter(cache);
 * ```
 */
export function stateAfter(cache: StepCache): LstmState {
  return { h: cache.h, c: cache.c };
}

/**
 * The softmax output of the cached step: `outputSize` probabilities (a view into the cache).
 *
 * @param cache a cache filled by `forwardStep`.
 *
 * ## Example
 * ```ts
 * const p = probsOf(cache);
 * ```
 */
export function probsOf(cache: StepCache): Float32Array {
  return cache.probs;
}
