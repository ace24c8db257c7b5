import { map, type OperatorFunction } from 'rxjs';
import type { FeatureStats } from './feature-stats.ts';
import { NORMALIZATION_FLOOR } from './normalization-floor.ts';

/**
 * Normalises each vector with fixed per-dimension statistics (from `phonestream stats` over a
 * corpus): (x − mean) / sqrt(variance + 1e-8). No warm-up and no latency.
 *
 * @param stats mean and variance per dimension (see `loadFeatureStats`)
 *
 * ## Example
 * ```ts
 * features$.pipe(normalizeFixed(await loadFeatureStats('stats.json')));
 * ```
 */
export function normalizeFixed(stats: Pick<FeatureStats, 'mean' | 'variance'>): OperatorFunction<Float32Array, Float32Array> {
  const dims = stats.mean.length;
  const mean = Float64Array.from(stats.mean);
  const scale = Float64Array.from(stats.variance, (v) => 1 / Math.sqrt(v + NORMALIZATION_FLOOR));
  return map((v) => {
    if (v.length !== dims) throw new RangeError(`normalizeFixed: vector has ${v.length} values, statistics have ${dims}`);
    const out = new Float32Array(dims);
    for (let d = 0; d < dims; d++) out[d] = (v[d] - mean[d]) * scale[d];
    return out;
  });
}
