import type { LstmShape } from '../lstm-shape.ts';
import type { StepCache } from '../step-cache.ts';

/** The online learning methods that carry credit forward in time instead of backpropagating through it. */
export type ForwardGradientName = 'rtrl' | 'snap1' | 'eprop' | 'uoro';

/**
 * One stream's forward-mode gradient state (issue 9): what an online method carries from frame to
 * frame so that each frame's loss can be turned into a parameter gradient at once, with no window
 * of stored activations and no pass backwards through time.
 *
 * The stream drives it frame by frame, after each forward step (`forwardStep` filled `cache`):
 *   1. `propagate(cache, params)`: carry the traces through the step just taken
 *      (x_t, h_{t−1}, c_{t−1} → gates, c_t, h_t, every layer);
 *   2. when the frame has a target: `accumulate(cache, params, dh, grad)` with dh = ∂loss_t/∂h_t of
 *      the top layer (the readout's gradient W_outᵀ(p − y); the readout's own parameters are the
 *      caller's, their gradient is exact and local). The method backpropagates dh down the layers
 *      within the step where it supports several, and adds its estimate of ∂loss_t/∂θ for every
 *      LSTM parameter θ into `grad` (paramLayout order; out.weight and out.bias left alone);
 *   3. `reset()` at an utterance end, when the LSTM state resets.
 * The stream applies `grad` through the learner's optimiser every k1 frames, then zeroes it.
 *
 * All floats it holds live in the kernel arena (allocFloats), so `floats` is its memory per stream.
 */
export interface ForwardGradient {
  readonly name: ForwardGradientName;
  readonly shape: LstmShape;
  /** Floats held for this stream (traces, scratch), for the stream's memory figure. */
  readonly floats: number;
  propagate(cache: StepCache, params: Float32Array): void;
  accumulate(cache: StepCache, params: Float32Array, dh: Float32Array, grad: Float32Array): void;
  reset(): void;
  /** Gives the arena blocks back; the object is unusable after. */
  dispose(): void;
}
