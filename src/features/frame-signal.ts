import { Observable, type OperatorFunction } from 'rxjs';
import type { FeatureConfig } from './feature-config.ts';
import { frameBlocks } from './frame-blocks.ts';

/**
 * Cuts a stream of sample chunks (any sizes, e.g. as they arrive from a socket) into overlapping
 * analysis frames, one array per frame: `frameBlocks` (which see: pre-emphasis of the continuous
 * signal, frame i = y[i·hop … i·hop + windowSize), the same frames however the input was chunked,
 * floor((N − windowSize) / hop) + 1 of them) with each block split into its frames. The feature
 * pipeline uses the blocks directly; this is for consumers that want one frame at a time.
 *
 * @param cfg `windowSize` and `hopSize` (≤ windowSize) in samples, `preEmphasis` coefficient k
 * @param source names the stream in errors (a NaN or infinite sample is an InputError)
 * @returns an operator from Float32Array chunks to fresh Float32Array frames of `windowSize` samples
 *
 * ## Example
 * ```ts
 * chunks$.pipe(frameSignal({ windowSize: 400, hopSize: 160, preEmphasis: 0.97 }));
 * ```
 */
export function frameSignal(
  cfg: Pick<FeatureConfig, 'windowSize' | 'hopSize' | 'preEmphasis'>,
  source = 'audio stream',
): OperatorFunction<Float32Array, Float32Array> {
  const { windowSize, hopSize } = cfg;
  const blocks = frameBlocks(cfg, source);
  return (chunks) =>
    new Observable<Float32Array>((subscriber) =>
      blocks(chunks).subscribe({
        next({ samples, count }) {
          for (let j = 0; j < count && !subscriber.closed; j++) subscriber.next(samples.slice(j * hopSize, j * hopSize + windowSize));
        },
        error: (err) => subscriber.error(err),
        complete: () => subscriber.complete(),
      }),
    );
}
