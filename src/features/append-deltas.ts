import { pipe, type OperatorFunction } from 'rxjs';
import { appendDeltaBlocks } from './append-delta-blocks.ts';
import { splitVectorBlocks } from './split-vector-blocks.ts';
import { vectorsAsBlocks } from './vectors-as-blocks.ts';

/**
 * Appends the regression deltas (HTK, and Graves 2005's inputs) of components [from, to) of each
 * vector: d_t = Σ_{θ=1..Θ} θ·(c_{t+θ} − c_{t−θ}) / (2·Σ θ²), with the first frame repeated before
 * the start and the last after the end, as HTK pads the edges. Causal with a look-ahead of Θ
 * frames: frame t leaves when frame t + Θ arrives (or at completion), so a live stream gains only Θ
 * frames of latency and the output does not depend on how the input was timed or chunked.
 * Apply it twice (the second time to the deltas) for delta-deltas. One vector at a time on
 * `appendDeltaBlocks`, which the feature pipeline uses directly; all vectors must have one length.
 *
 * @param window Θ, the regression half-window in frames (2)
 * @param from first component to differentiate (inclusive)
 * @param to end of the components to differentiate (exclusive)
 * @returns an operator from D-dimensional vectors to (D + to − from)-dimensional ones (fresh arrays)
 *
 * ## Example
 * ```ts
 * statics$.pipe(appendDeltas(2, 0, 13));               // 13 → 26
 * statics$.pipe(appendDeltas(2, 0, 13), appendDeltas(2, 13, 26)); // 13 → 39
 * ```
 */
export function appendDeltas(window: number, from: number, to: number): OperatorFunction<Float32Array, Float32Array> {
  return pipe(vectorsAsBlocks(), appendDeltaBlocks(window, from, to), splitVectorBlocks());
}
