import { map, type OperatorFunction } from 'rxjs';
import type { FeatureStats } from './feature-stats.ts';
import { NORMALIZATION_FLOOR } from './normalization-floor.ts';
import type { VectorBlock } from './vector-block.ts';

/**
 * `normalizeFixed` on blocks of vectors (which see): (x − mean) · 1/sqrt(variance + 1e-8) per
 * dimension with fixed statistics, a block in, a block out, no delay.
 *
 * @param stats mean and variance per dimension (see `loadFeatureStats`)
 *
 * ## Example
 * ```ts
 * features$.pipe(normalizeFixedBlocks(await loadFeatureStats('stats.json')));
 * ```
 */
export function normalizeFixedBlocks(stats: Pick<FeatureStats, 'mean' | 'variance'>): OperatorFunction<VectorBlock, VectorBlock> {
  const dims = stats.mean.length;
  const mean = Float64Array.from(stats.mean);
  const scale = Float64Array.from(stats.variance, (v) => 1 / Math.sqrt(v + NORMALIZATION_FLOOR));
  return map(({ values, count, dims: d }) => {
    if (d !== dims) throw new RangeError(`normalizeFixed: vector has ${d} values, statistics have ${dims}`);
    const out = new Float32Array(count * dims);
    for (let j = 0; j < count; j++) {
      const o = j * dims;
      for (let k = 0; k < dims; k++) out[o + k] = (values[o + k] - mean[k]) * scale[k];
    }
    return { values: out, count, dims };
  });
}
