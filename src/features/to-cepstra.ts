import { map, type OperatorFunction } from 'rxjs';
import type { FeatureConfig } from './feature-config.ts';
import { createMfccExtractor } from './create-mfcc-extractor.ts';

/**
 * Maps each pre-emphasised analysis frame (from `frameSignal`) to its static features:
 * meyda's MFCCs c1..c{numCepstra}, then the log energy (13 values by default).
 *
 * @param cfg sizes in samples, window, mel bands, number of cepstra, sample scale (see FeatureConfig)
 *
 * ## Example
 * ```ts
 * chunks$.pipe(frameSignal(cfg), toCepstra(cfg)); // Float32Array(13) per 10 ms
 * ```
 */
export function toCepstra(cfg: Parameters<typeof createMfccExtractor>[0]): OperatorFunction<Float32Array, Float32Array> {
  // One extractor may serve several subscriptions: a call is synchronous and returns a fresh
  // array, so its scratch buffers are never in use by two streams at once.
  const extract = createMfccExtractor(cfg);
  return map((frame) => extract(frame));
}
