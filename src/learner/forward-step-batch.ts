import { InputError } from '../errors.ts';
import { kernelsFor } from './kernels/kernels-for.ts';
import { stageInArena } from './kernels/stage-in-arena.ts';
import type { LstmShape } from './lstm-shape.ts';
import type { LstmState } from './lstm-state.ts';
import { paramOffsets } from './math-param-offsets.ts';
import { softmaxOutput } from './softmax-output.ts';
import type { StepCache } from './step-cache.ts';

/**
 * {@link forwardStep} for n independent streams at once, on the same weights: stream i steps from
 * `prevs[i]` on `xs[i]` into `caches[i]`. The three matrix products of every stream (W_ih·x,
 * W_hh·h, the output layer) are each ONE `matvecBatch` kernel call, which reads each block of the
 * weight matrix once for all the streams instead of once per stream; the cell and the softmax run
 * per stream. The results are bit-for-bit those of n `forwardStep` calls (the batched kernel does
 * each stream's sums in matvec's order), so a stream's predictions do not depend on which other
 * streams shared its batch.
 *
 * @param params the flat parameter vector.
 * @param shape the network's sizes.
 * @param xs one input frame per stream, `inputSize` floats each.
 * @param prevs the state entering each stream's step (may alias that stream's own cache).
 * @param caches where each stream's activations go (distinct caches).
 *
 * ## Example
 * ```ts
 * forwardStepBatch(learner.params, learner.shape, [x1, x2], [s1, s2], [c1, c2]);
 * ```
 */
export function forwardStepBatch(
  params: Float32Array, shape: LstmShape, xs: readonly Float32Array[], prevs: readonly LstmState[], caches: readonly StepCache[],
): void {
  const off = paramOffsets(shape);
  const { inputSize: I, hiddenSize: H, layers: L, outputSize: O } = shape;
  const n = caches.length;
  if (xs.length !== n || prevs.length !== n) {
    throw new InputError('forwardStepBatch', `expected one frame and one state per cache, got ${xs.length} frames, ${prevs.length} states, ${n} caches`);
  }
  if (params.length !== off.total) {
    throw new InputError('forwardStepBatch params', `expected ${off.total} floats for this shape, got ${params.length}`);
  }
  if (n === 0) return;
  const p = stageInArena(params, 0);
  for (let i = 0; i < n; i++) {
    if (xs[i].length !== I) throw new InputError('forwardStepBatch x', `stream ${i}: expected ${I} features, got ${xs[i].length}`);
    const cache = caches[i];
    cache.x.set(xs[i]);
    // Copy the incoming state before writing anything: prev may alias this cache's own outputs.
    for (let l = 0; l < L; l++) {
      cache.hPrev[l].set(prevs[i].h[l]);
      cache.cPrev[l].set(prevs[i].c[l]);
    }
  }
  const K = kernelsFor(p, caches[0].buf, caches);
  const inputs: Float32Array[] = new Array(n);
  const gates: Float32Array[] = new Array(n);
  for (let l = 0; l < L; l++) {
    const o = off.layers[l];
    for (let i = 0; i < n; i++) {
      inputs[i] = l === 0 ? caches[i].x : caches[i].h[l - 1];
      gates[i] = caches[i].gates[l];
    }
    K.matvecBatch(p, o.wIh, 4 * H, l === 0 ? I : H, inputs, gates, 0, n, false);
    for (let i = 0; i < n; i++) inputs[i] = caches[i].hPrev[l];
    K.matvecBatch(p, o.wHh, 4 * H, H, inputs, gates, 0, n, true);
    for (let i = 0; i < n; i++) {
      const c = caches[i];
      K.cellForward(c.gates[l], 0, p, o.bIh, o.bHh, c.cPrev[l], 0, c.c[l], 0, c.tanhC[l], 0, c.h[l], 0, H);
    }
  }
  for (let i = 0; i < n; i++) {
    inputs[i] = caches[i].h[L - 1];
    gates[i] = caches[i].logits;
  }
  K.matvecBatch(p, off.outW, O, H, inputs, gates, 0, n, false);
  // The same output layer as forwardStep, operation for operation.
  for (let i = 0; i < n; i++) softmaxOutput(p, off.outB, caches[i].logits, caches[i].probs, O, caches[i].softmax);
}
