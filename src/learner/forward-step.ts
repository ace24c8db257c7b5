import { InputError } from '../errors.ts';
import { kernelsFor } from './kernels/kernels-for.ts';
import { stageInArena } from './kernels/stage-in-arena.ts';
import type { LstmShape } from './lstm-shape.ts';
import type { LstmState } from './lstm-state.ts';
import { paramOffsets } from './math-param-offsets.ts';
import { softmaxOutput } from './softmax-output.ts';
import type { StepCache } from './step-cache.ts';

/**
 * One time step of the LSTM classifier: every layer, then the linear output and a softmax. Fills
 * `cache` with what the backward pass needs (a copy of `x` and `prev`, activated gates, cells,
 * outputs, probabilities). Allocates nothing and never writes to `prev`, which may even be
 * `stateAfter(cache)` of this same cache.
 *
 * @param params the flat parameter vector ({@link paramLayout} order).
 * @param shape the network's sizes.
 * @param x one input frame, `inputSize` floats.
 * @param prev the state entering the step.
 * @param cache where the step's activations go (from `createStepCache(shape)`).
 *
 * ## Example
 * ```ts
 * forwardStep(params, shape, frame, prev, cache);
 * const p = probsOf(cache);
 * ```
 */
export function forwardStep(
  params: Float32Array, shape: LstmShape, x: Float32Array, prev: LstmState, cache: StepCache,
): void {
  const off = paramOffsets(shape);
  const { inputSize: I, hiddenSize: H, layers: L, outputSize: O } = shape;
  if (params.length !== off.total) {
    throw new InputError('forwardStep params', `expected ${off.total} floats for this shape, got ${params.length}`);
  }
  // Parameters from allocFloats/initParams are used in place; others are copied into the arena.
  const p = stageInArena(params, 0);
  if (x.length !== I) throw new InputError('forwardStep x', `expected ${I} features, got ${x.length}`);
  cache.x.set(x);
  // Copy the incoming state before writing anything: prev may alias this cache's own outputs.
  for (let l = 0; l < L; l++) {
    cache.hPrev[l].set(prev.h[l]);
    cache.cPrev[l].set(prev.c[l]);
  }
  const K = kernelsFor(p, cache.buf);
  for (let l = 0; l < L; l++) {
    const o = off.layers[l];
    const input = l === 0 ? cache.x : cache.h[l - 1];
    const inK = l === 0 ? I : H;
    const g = cache.gates[l];
    K.matvec(p, o.wIh, 4 * H, inK, input, 0, g, 0, false);
    K.matvec(p, o.wHh, 4 * H, H, cache.hPrev[l], 0, g, 0, true);
    K.cellForward(g, 0, p, o.bIh, o.bHh, cache.cPrev[l], 0, cache.c[l], 0, cache.tanhC[l], 0, cache.h[l], 0, H);
  }
  K.matvec(p, off.outW, O, H, cache.h[L - 1], 0, cache.logits, 0, false);
  softmaxOutput(p, off.outB, cache.logits, cache.probs, O, cache.softmax);
}
