import { Observable, type OperatorFunction } from 'rxjs';
import { InputError } from '../errors.ts';
import type { FeatureConfig } from './feature-config.ts';
import type { FrameBlock } from './frame-block.ts';
import { preEmphasise } from './pre-emphasise.ts';

/**
 * Cuts a stream of sample chunks (any sizes, e.g. as they arrive from a socket) into blocks of
 * overlapping analysis frames (see FrameBlock), pre-emphasising the continuous signal first:
 * y[n] = x[n] − k·x[n−1], with x[−1] = 0 and x[n−1] taken from the previous chunk at a chunk
 * boundary. Frame i holds y[i·hop … i·hop + windowSize); the window itself is applied later, at the
 * FFT. Each chunk that completes frames emits one block holding all of them, as soon as the chunk
 * arrives. The frames are the same however the input was chunked, and a signal of N samples gives
 * floor((N − windowSize) / hop) + 1 frames (none if N < windowSize): a partial last window is
 * dropped at completion.
 *
 * @param cfg `windowSize` and `hopSize` (≤ windowSize) in samples, `preEmphasis` coefficient k
 * @param source names the stream in errors (a NaN or infinite sample is an InputError)
 * @returns an operator from Float32Array chunks to FrameBlocks (fresh sample arrays)
 *
 * ## Example
 * ```ts
 * chunks$.pipe(frameBlocks({ windowSize: 400, hopSize: 160, preEmphasis: 0.97 })); // { samples, count } per chunk
 * ```
 */
export function frameBlocks(
  cfg: Pick<FeatureConfig, 'windowSize' | 'hopSize' | 'preEmphasis'>,
  source = 'audio stream',
): OperatorFunction<Float32Array, FrameBlock> {
  const { windowSize, hopSize, preEmphasis } = cfg;
  return (chunks) =>
    new Observable<FrameBlock>((subscriber) => {
      // Pre-emphasised samples not yet consumed: buf[start, end). Blocks are sliced out of it.
      let buf = new Float32Array(Math.max(4096, 2 * windowSize));
      let start = 0;
      let end = 0;
      let previous = 0; // x[n−1], carried across chunks
      let seen = 0; // samples received, for error messages

      const append = (chunk: Float32Array): void => {
        const need = end - start + chunk.length;
        if (end + chunk.length > buf.length) {
          // Move the unconsumed tail to the front (and grow if needed) instead of growing forever.
          const next = need > buf.length ? new Float32Array(Math.max(need, 2 * buf.length)) : buf;
          if (next === buf) buf.copyWithin(0, start, end);
          else next.set(buf.subarray(start, end));
          buf = next;
          end -= start;
          start = 0;
        }
        const finite = preEmphasise(chunk, 0, chunk.length, preEmphasis, previous, buf, end);
        end += chunk.length;
        if (chunk.length > 0) previous = chunk[chunk.length - 1];
        if (!finite) {
          const i = chunk.findIndex((x) => !Number.isFinite(x));
          throw new InputError(source, `sample ${seen + i} is ${chunk[i]}; expected finite samples`);
        }
        seen += chunk.length;
      };

      const subscription = chunks.subscribe({
        next(chunk) {
          try {
            append(chunk);
          } catch (err) {
            subscriber.error(err);
            return;
          }
          if (end - start < windowSize) return;
          const count = Math.floor((end - start - windowSize) / hopSize) + 1;
          const block = buf.slice(start, start + (count - 1) * hopSize + windowSize);
          start += count * hopSize;
          subscriber.next({ samples: block, count });
        },
        error: (err) => subscriber.error(err),
        complete: () => subscriber.complete(),
      });
      return () => {
        subscription.unsubscribe();
        buf = null!;
      };
    });
}
