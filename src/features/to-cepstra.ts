import { Observable, type OperatorFunction } from 'rxjs';
import type { FeatureConfig } from './feature-config.ts';
import type { FrameBlock } from './frame-block.ts';
import { createMfccExtractor } from './create-mfcc-extractor.ts';

/**
 * Maps each block of pre-emphasised analysis frames (from `frameBlocks`) to its frames' static
 * features, one vector per frame in order: meyda's MFCCs c1..c{numCepstra}, then the log energy
 * (13 values by default). A block's spectra are computed in one batch, and its vectors are emitted
 * as soon as the block arrives.
 *
 * @param cfg sizes in samples, window, mel bands, number of cepstra, sample scale (see FeatureConfig)
 *
 * ## Example
 * ```ts
 * chunks$.pipe(frameBlocks(cfg), toCepstra(cfg)); // Float32Array(13) per 10 ms
 * ```
 */
export function toCepstra(cfg: Parameters<typeof createMfccExtractor>[0]): OperatorFunction<FrameBlock, Float32Array> {
  // One extractor may serve several subscriptions: a call is synchronous and returns fresh
  // arrays, so its scratch buffers are never in use by two streams at once.
  const extract = createMfccExtractor(cfg);
  return (blocks) =>
    new Observable<Float32Array>((subscriber) =>
      blocks.subscribe({
        next({ samples, count }) {
          let vectors: Float32Array[];
          try {
            vectors = extract(samples, count);
          } catch (err) {
            subscriber.error(err);
            return;
          }
          for (let j = 0; j < vectors.length && !subscriber.closed; j++) subscriber.next(vectors[j]);
        },
        error: (err) => subscriber.error(err),
        complete: () => subscriber.complete(),
      }),
    );
}
