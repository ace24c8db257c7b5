import type { FeatureConfig } from './feature-config.ts';

/**
 * Length of the feature vectors `toFeatureFrames` emits: (numCepstra + log energy) × (1 + deltaOrder).
 *
 * @param cfg the feature configuration
 * @returns 26 for the default configuration, 39 with `deltaOrder: 2`
 *
 * ## Example
 * ```ts
 * featureDims(DEFAULT_FEATURE_CONFIG); // 26
 * ```
 */
export function featureDims(cfg: Pick<FeatureConfig, 'numCepstra' | 'deltaOrder'>): number {
  return (cfg.numCepstra + 1) * (1 + cfg.deltaOrder);
}
