import { of } from 'rxjs';
import type { FeatureConfig } from './feature-config.ts';
import { featureDims } from './feature-dims.ts';
import { toFeatureFrames } from './to-feature-frames.ts';

/**
 * The feature vectors of one whole signal before normalisation (framing, MFCC, deltas: every step
 * of `toFeatureFrames` up to, not including, its normalisation), packed row after row into one
 * Float32Array. This is the part of the feature pipeline that does not depend on earlier
 * utterances, so a worker thread can compute it ahead of time; one array crosses threads as a
 * single transferable instead of a message per frame.
 *
 * @param samples 16 kHz mono samples
 * @param cfg feature options (`normalization` is ignored)
 * @param source names the signal in input errors
 * @returns `rows × featureDims(cfg)` values, row i being frame i's vector
 *
 * ## Example
 * ```ts
 * const packed = unnormalizedFeatures(utterance.audio.samples, DEFAULT_FEATURE_CONFIG, utterance.audioPath);
 * packed.length / featureDims(DEFAULT_FEATURE_CONFIG); // frames
 * ```
 */
export function unnormalizedFeatures(samples: Float32Array, cfg: FeatureConfig, source: string): Float32Array {
  const dims = featureDims(cfg);
  const rows: Float32Array[] = [];
  // The same operator chain as the single-threaded path with normalisation switched off, so the
  // vectors are bit for bit those that path normalises. It runs synchronously; an error is
  // rethrown here (rxjs would otherwise report a throw from `error` asynchronously).
  let failure: { err: unknown } | undefined;
  of(samples)
    .pipe(toFeatureFrames({ ...cfg, normalization: { kind: 'none' } }, { source }))
    .subscribe({ next: ({ features }) => rows.push(features), error: (err) => (failure = { err }) });
  if (failure) throw failure.err;
  const packed = new Float32Array(rows.length * dims);
  for (let i = 0; i < rows.length; i++) packed.set(rows[i], i * dims);
  return packed;
}
