import { pipe, type OperatorFunction } from 'rxjs';
import { normalizeRunningBlocks } from './normalize-running-blocks.ts';
import type { RunningStats } from './running-stats.ts';
import { splitVectorBlocks } from './split-vector-blocks.ts';
import { vectorsAsBlocks } from './vectors-as-blocks.ts';

/**
 * Online per-dimension normalisation: (x − mean) / sqrt(variance + 1e-8), with the mean and
 * variance of every vector seen so far, the current one included (Welford). Until `warmupFrames`
 * vectors have been seen, vectors are held back; then they are all normalised with the warm-up
 * statistics and released, so the first frames are not scaled by a variance from one or two
 * frames. The hold adds latency once, at the start of a stream (1 s for 100 frames); after that
 * each vector leaves as it arrives. A stream that ends during the warm-up is released at completion.
 * One vector at a time on `normalizeRunningBlocks`, which the feature pipeline uses directly.
 *
 * @param warmupFrames vectors to collect before the first one is released (0 = none)
 * @param stats statistics to update; pass one instance to several streams (e.g. the utterances of a
 *   replay) to carry them over — warm-up then only happens while `stats.count < warmupFrames`
 *
 * ## Example
 * ```ts
 * features$.pipe(normalizeRunning(100));
 * ```
 */
export function normalizeRunning(warmupFrames: number, stats?: RunningStats): OperatorFunction<Float32Array, Float32Array> {
  return pipe(vectorsAsBlocks(), normalizeRunningBlocks(warmupFrames, stats), splitVectorBlocks());
}
