import { Observable, type OperatorFunction } from 'rxjs';
import type { FrameBlock } from './frame-block.ts';
import { mfccKernelPlan, type MfccKernelConfig } from './kernels/mfcc-kernel-plan.ts';
import type { VectorBlock } from './vector-block.ts';

/**
 * Maps each block of pre-emphasised analysis frames (from `frameBlocks`) to a block of its frames'
 * static features: meyda's MFCCs c1..c{numCepstra}, then the log energy (13 values by default; see
 * createMfccExtractor), computed by the MFCC kernel a batch of frames per call and emitted as soon
 * as the frame block arrives.
 *
 * @param cfg sizes in samples, window, mel bands, number of cepstra, sample scale (see FeatureConfig)
 *
 * ## Example
 * ```ts
 * chunks$.pipe(frameBlocks(cfg), cepstraBlocks(cfg)); // { values, count, dims: 13 } per chunk
 * ```
 */
export function cepstraBlocks(cfg: MfccKernelConfig): OperatorFunction<FrameBlock, VectorBlock> {
  const { windowSize, hopSize } = cfg;
  // The plan is shared by every stream of this configuration: a call is synchronous and its
  // results are copied out before the next, so no two streams use its buffers at once.
  const plan = mfccKernelPlan(cfg);
  const { capacity, dims } = plan;
  return (blocks) =>
    new Observable<VectorBlock>((subscriber) =>
      blocks.subscribe({
        next({ samples, count }) {
          if (!Number.isInteger(count) || count < 0 || (count > 0 && samples.length < (count - 1) * hopSize + windowSize)) {
            subscriber.error(new RangeError(`cepstraBlocks: ${count} frames need ${(count - 1) * hopSize + windowSize} samples, got ${samples.length}`));
            return;
          }
          const values = new Float32Array(count * dims);
          for (let first = 0; first < count; first += capacity) values.set(plan.run(samples, first, Math.min(capacity, count - first)), first * dims);
          subscriber.next({ values, count, dims });
        },
        error: (err) => subscriber.error(err),
        complete: () => subscriber.complete(),
      }),
    );
}
