import type { OperatorFunction } from 'rxjs';
import type { FeatureNormalization } from './feature-config.ts';
import { normalizeFixed } from './normalize-fixed.ts';
import { normalizeRunning } from './normalize-running.ts';
import type { RunningStats } from './running-stats.ts';

/**
 * The normalisation step of the feature pipeline as configured: running (Welford, with warm-up),
 * fixed statistics, or none. One place decides it, so the single-threaded pipeline
 * (`toFeatureFrames`) and the threaded replay (features computed by workers, normalised on the
 * main thread in corpus order) apply exactly the same operator to exactly the same vectors.
 *
 * @param norm the `normalization` option of a FeatureConfig
 * @param runningStats statistics shared between streams (running normalisation only)
 *
 * ## Example
 * ```ts
 * unnormalised$.pipe(normalizeFeatures(cfg.normalization, stats));
 * ```
 */
export function normalizeFeatures(norm: FeatureNormalization, runningStats?: RunningStats): OperatorFunction<Float32Array, Float32Array> {
  if (norm.kind === 'running') return normalizeRunning(norm.warmupFrames, runningStats);
  if (norm.kind === 'fixed') return normalizeFixed(norm.stats);
  return (v) => v;
}
