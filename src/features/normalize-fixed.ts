import { pipe, type OperatorFunction } from 'rxjs';
import type { FeatureStats } from './feature-stats.ts';
import { normalizeFixedBlocks } from './normalize-fixed-blocks.ts';
import { splitVectorBlocks } from './split-vector-blocks.ts';
import { vectorsAsBlocks } from './vectors-as-blocks.ts';

/**
 * Normalises each vector with fixed per-dimension statistics (from `phonestream stats` over a
 * corpus): (x − mean) / sqrt(variance + 1e-8). No warm-up and no latency. One vector at a time on
 * `normalizeFixedBlocks`, which the feature pipeline uses directly.
 *
 * @param stats mean and variance per dimension (see `loadFeatureStats`)
 *
 * ## Example
 * ```ts
 * features$.pipe(normalizeFixed(await loadFeatureStats('stats.json')));
 * ```
 */
export function normalizeFixed(stats: Pick<FeatureStats, 'mean' | 'variance'>): OperatorFunction<Float32Array, Float32Array> {
  return pipe(vectorsAsBlocks(), normalizeFixedBlocks(stats), splitVectorBlocks());
}
