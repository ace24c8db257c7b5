import { InputError } from '../errors.ts';
import { kernelsFor } from './kernels/kernels-for.ts';
import { stageInArena } from './kernels/stage-in-arena.ts';
import type { LstmShape } from './lstm-shape.ts';
import type { LstmState } from './lstm-state.ts';
import { paramOffsets } from './math-param-offsets.ts';
import { softmaxOutput } from './softmax-output.ts';
import type { StepCache } from './step-cache.ts';

// Reused argument lists for the batched products (no allocation per window).
const inputs: Float32Array[] = [];
const outputs: Float32Array[] = [];

/**
 * Runs the LSTM over a window of frames from a given state, filling one cache per frame, with
 * exactly the results of one `forwardStep` per frame. The engine uses it when k2 > k1: the part
 * of the window before the chunk is recomputed with the current weights from the state stored at
 * its start, which makes the window's gradient exact.
 *
 * The window goes layer by layer: a layer's input projections W_ih·x_t do not depend on its own
 * recurrence, so they are ONE `matvecBatch` over all the steps (each block of W_ih read once for
 * the window, not once per step); only W_hh·h_{t−1} and the cell run step by step. The output
 * layer is batched the same way. matvecBatch does each product in matvec's order, so the caches
 * hold forwardStep's bits.
 *
 * @param params the flat parameter vector.
 * @param shape the network's sizes.
 * @param xs input frames, oldest first, `inputSize` floats each.
 * @param initial the state entering `xs[0]` (not modified; may alias any array but the caches').
 * @param caches at least `xs.length` caches; cache i receives step i.
 * @param outputFrom the first step whose output layer (logits, probs) is computed: the steps before
 *   it get their LSTM activations only, their logits and probs are left as they were (the backward
 *   pass reads them only at labelled steps, so a recompute skips the unlabelled ones). Default 0.
 *
 * ## Example
 * ```ts
 * forwardSequence(params, shape, windowFrames, stateAtWindowStart, caches);
 * ```
 */
export function forwardSequence(
  params: Float32Array, shape: LstmShape, xs: Float32Array[], initial: LstmState, caches: StepCache[], outputFrom = 0,
): void {
  if (caches.length < xs.length) {
    throw new InputError('forwardSequence caches', `expected at least ${xs.length} caches, got ${caches.length}`);
  }
  const off = paramOffsets(shape);
  const { inputSize: I, hiddenSize: H, layers: L, outputSize: O } = shape;
  if (params.length !== off.total) {
    throw new InputError('forwardSequence params', `expected ${off.total} floats for this shape, got ${params.length}`);
  }
  const T = xs.length;
  if (T === 0) return;
  const p = stageInArena(params, 0);
  for (let t = 0; t < T; t++) {
    if (xs[t].length !== I) throw new InputError('forwardSequence x', `step ${t}: expected ${I} features, got ${xs[t].length}`);
    caches[t].x.set(xs[t]);
  }
  for (let l = 0; l < L; l++) {
    caches[0].hPrev[l].set(initial.h[l]);
    caches[0].cPrev[l].set(initial.c[l]);
  }
  const K = kernelsFor(p, caches[0].buf, caches);
  inputs.length = T;
  outputs.length = T;
  for (let l = 0; l < L; l++) {
    const o = off.layers[l];
    for (let t = 0; t < T; t++) {
      inputs[t] = l === 0 ? caches[t].x : caches[t].h[l - 1];
      outputs[t] = caches[t].gates[l];
    }
    K.matvecBatch(p, o.wIh, 4 * H, l === 0 ? I : H, inputs, outputs, 0, T, false);
    for (let t = 0; t < T; t++) {
      const c = caches[t];
      if (t > 0) {
        c.hPrev[l].set(caches[t - 1].h[l]);
        c.cPrev[l].set(caches[t - 1].c[l]);
      }
      K.matvec(p, o.wHh, 4 * H, H, c.hPrev[l], 0, c.gates[l], 0, true);
      K.cellForward(c.gates[l], 0, p, o.bIh, o.bHh, c.cPrev[l], 0, c.c[l], 0, c.tanhC[l], 0, c.h[l], 0, H);
    }
  }
  const from = Math.max(0, outputFrom);
  if (from < T) {
    for (let t = from; t < T; t++) {
      inputs[t - from] = caches[t].h[L - 1];
      outputs[t - from] = caches[t].logits;
    }
    K.matvecBatch(p, off.outW, O, H, inputs, outputs, 0, T - from, false);
    for (let t = from; t < T; t++) softmaxOutput(p, off.outB, caches[t].logits, caches[t].probs, O, caches[t].softmax);
  }
  // Hold no views of the caches between calls: they keep their arena blocks alive.
  inputs.length = 0;
  outputs.length = 0;
}
