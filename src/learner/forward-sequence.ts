import { InputError } from '../errors.ts';
import { forwardStep } from './forward-step.ts';
import type { LstmShape } from './lstm-shape.ts';
import type { LstmState } from './lstm-state.ts';
import { stateAfter, type StepCache } from './step-cache.ts';

/**
 * Runs `forwardStep` over a window of frames from a given state, filling one cache per frame. The
 * engine uses it when k2 > k1: the part of the window before the chunk is recomputed with the
 * current weights from the state stored at its start, which makes the window's gradient exact.
 *
 * @param params the flat parameter vector.
 * @param shape the network's sizes.
 * @param xs input frames, oldest first, `inputSize` floats each.
 * @param initial the state entering `xs[0]` (not modified).
 * @param caches at least `xs.length` caches; cache i receives step i.
 *
 * ## Example
 * ```ts
 * forwardSequence(params, shape, windowFrames, stateAtWindowStart, caches);
 * ```
 */
export function forwardSequence(
  params: Float32Array, shape: LstmShape, xs: Float32Array[], initial: LstmState, caches: StepCache[],
): void {
  if (caches.length < xs.length) {
    throw new InputError('forwardSequence caches', `expected at least ${xs.length} caches, got ${caches.length}`);
  }
  let prev = initial;
  for (let t = 0; t < xs.length; t++) {
    forwardStep(params, shape, xs[t], prev, caches[t]);
    prev = stateAfter(caches[t]);
  }
}
