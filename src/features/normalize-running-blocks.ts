import { Observable, type OperatorFunction } from 'rxjs';
import { NORMALIZATION_FLOOR } from './normalization-floor.ts';
import { RunningStats } from './running-stats.ts';
import type { VectorBlock } from './vector-block.ts';

/**
 * `normalizeRunning` on blocks of vectors (which see): each vector is added to the running
 * statistics (Welford) and normalised with them, (x − mean) / sqrt(variance + 1e-8), in order, one
 * vector at a time exactly as the per-vector operator does; vectors of the warm-up are held and
 * released with the warm-up statistics, inside whichever block completes it. Each input block
 * emits one block of the vectors it releases (none while warming up), so the vectors out are the
 * same however the input was blocked.
 *
 * @param warmupFrames vectors to collect before the first one is released (0 = none)
 * @param stats statistics to update, possibly shared between streams (see normalizeRunning)
 *
 * ## Example
 * ```ts
 * features$.pipe(normalizeRunningBlocks(100));
 * ```
 */
export function normalizeRunningBlocks(warmupFrames: number, stats?: RunningStats): OperatorFunction<VectorBlock, VectorBlock> {
  if (!Number.isInteger(warmupFrames) || warmupFrames < 0) {
    throw new RangeError(`normalizeRunning: warmupFrames must be an integer ≥ 0, got ${warmupFrames}`);
  }
  /** out[o …] = values[at …] normalised with the statistics as they are now. */
  const normalize = (s: RunningStats, values: Float32Array, at: number, out: Float32Array, o: number): void => {
    const { mean, dims } = s;
    for (let d = 0; d < dims; d++) out[o + d] = (values[at + d] - mean[d]) / Math.sqrt(s.variance(d) + NORMALIZATION_FLOOR);
  };
  return (blocks) =>
    new Observable<VectorBlock>((subscriber) => {
      let running = stats;
      // Vectors held during the warm-up, frame after frame.
      let held = new Float32Array(0);
      let heldCount = 0;

      const release = (s: RunningStats, out: Float32Array, o: number): number => {
        for (let j = 0; j < heldCount; j++) normalize(s, held, j * s.dims, out, o + j * s.dims);
        const n = heldCount;
        heldCount = 0;
        return n;
      };

      const subscription = blocks.subscribe({
        next({ values, count, dims }) {
          let out: Float32Array;
          let emitted = 0;
          try {
            running ??= new RunningStats(dims);
            const s = running;
            if (dims !== s.dims) throw new RangeError(`RunningStats: expected ${s.dims} values, got ${dims}`);
            out = new Float32Array((heldCount + count) * dims);
            for (let j = 0; j < count; j++) {
              if (heldCount === 0 && s.count + 1 >= warmupFrames) {
                // The steady state: nothing held, and this vector ends any warm-up.
                s.addAndNormalizeAt(values, j * dims, NORMALIZATION_FLOOR, out, emitted * dims);
                emitted++;
                continue;
              }
              // The warm-up: held, and all released with the statistics of the vector that ends it.
              s.addAt(values, j * dims);
              if (held.length < (heldCount + 1) * dims) {
                const grown = new Float32Array(Math.max(2 * held.length, (heldCount + 1) * dims, 16 * dims));
                grown.set(held.subarray(0, heldCount * dims));
                held = grown;
              }
              held.set(values.subarray(j * dims, (j + 1) * dims), heldCount * dims);
              heldCount++;
              if (s.count >= warmupFrames) emitted += release(s, out, emitted * dims);
            }
          } catch (err) {
            subscriber.error(err);
            return;
          }
          if (emitted > 0) subscriber.next({ values: emitted * dims === out.length ? out : out.slice(0, emitted * dims), count: emitted, dims });
        },
        error: (err) => subscriber.error(err),
        complete() {
          if (running && heldCount > 0) {
            const out = new Float32Array(heldCount * running.dims);
            const n = release(running, out, 0);
            subscriber.next({ values: out, count: n, dims: running.dims });
          }
          subscriber.complete();
        },
      });
      return () => {
        subscription.unsubscribe();
        held = null!;
      };
    });
}
