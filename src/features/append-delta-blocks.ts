import { Observable, type OperatorFunction } from 'rxjs';
import type { VectorBlock } from './vector-block.ts';

/**
 * `appendDeltas` on blocks of vectors (which see): appends the regression deltas
 * d_t = Σ_{θ=1..Θ} θ·(c_{t+θ} − c_{t−θ}) / (2·Σ θ²) of components [from, to), the first frame
 * repeated before the start and the last after the end. Frame t leaves when frame t + Θ has
 * arrived, so each input block emits one block of the frames it completes (possibly none), and the
 * last Θ frames leave at completion; the vectors out are the same however the input was blocked.
 * Between blocks only the last 2Θ frames are kept.
 *
 * @param window Θ, the regression half-window in frames (2)
 * @param from first component to differentiate (inclusive)
 * @param to end of the components to differentiate (exclusive)
 * @returns an operator from blocks of D-dimensional vectors to blocks of (D + to − from)-dimensional ones
 *
 * ## Example
 * ```ts
 * cepstra$.pipe(appendDeltaBlocks(2, 0, 13)); // dims 13 → 26
 * ```
 */
export function appendDeltaBlocks(window: number, from: number, to: number): OperatorFunction<VectorBlock, VectorBlock> {
  if (!Number.isInteger(window) || window < 1) throw new RangeError(`appendDeltas: window must be an integer ≥ 1, got ${window}`);
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to <= from) {
    throw new RangeError(`appendDeltas: need integers 0 ≤ from < to, got from=${from}, to=${to}`);
  }
  let norm = 0;
  for (let th = 1; th <= window; th++) norm += th * th;
  norm *= 2;
  const added = to - from;

  /**
   * Frames t0 … t1 − 1 with their deltas, from `work` holding frames base, base + 1, … (dims
   * each); frames past `last` are frame `last`, frames before 0 are frame 0.
   */
  const deltas = (work: Float32Array, base: number, dims: number, t0: number, t1: number, last: number): VectorBlock => {
    const outDims = dims + added;
    const values = new Float32Array((t1 - t0) * outDims);
    for (let t = t0; t < t1; t++) {
      const centre = (t - base) * dims;
      const o = (t - t0) * outDims;
      for (let d = 0; d < dims; d++) values[o + d] = work[centre + d];
      for (let c = from; c < to; c++) {
        let acc = 0;
        for (let th = 1; th <= window; th++) {
          const ahead = ((t + th < last ? t + th : last) - base) * dims;
          const behind = ((t - th > 0 ? t - th : 0) - base) * dims;
          acc += th * (work[ahead + c] - work[behind + c]);
        }
        values[o + dims + c - from] = acc / norm;
      }
    }
    return { values, count: t1 - t0, dims: outDims };
  };

  return (blocks) =>
    new Observable<VectorBlock>((subscriber) => {
      let dims = -1;
      // The last `kept` frames received (≤ 2Θ: what frames not yet emitted look back to).
      let history = new Float32Array(0);
      let kept = 0;
      let received = 0;

      const subscription = blocks.subscribe({
        next({ values, count, dims: d }) {
          if (count === 0) return;
          if (dims < 0) dims = d;
          if (d !== dims || d < to) {
            subscriber.error(new RangeError(`appendDeltas: vector ${received} has ${d} components, expected ${d !== dims ? dims : `at least ${to}`}`));
            return;
          }
          const base = received - kept;
          let work: Float32Array;
          if (kept === 0) {
            work = values;
          } else {
            work = new Float32Array((kept + count) * dims);
            work.set(history);
            work.set(values.subarray(0, count * dims), kept * dims);
          }
          const t0 = Math.max(0, received - window);
          received += count;
          const t1 = received - window;
          if (t1 > t0) subscriber.next(deltas(work, base, dims, t0, t1, received - 1));
          const keepFrom = Math.max(0, received - 2 * window);
          kept = received - keepFrom;
          history = work.slice((keepFrom - base) * dims, (received - base) * dims);
        },
        error: (err) => subscriber.error(err),
        complete() {
          // The last Θ frames, with the final frame repeated as their future.
          if (received > 0) subscriber.next(deltas(history, received - kept, dims, Math.max(0, received - window), received, received - 1));
          subscriber.complete();
        },
      });
      return () => {
        subscription.unsubscribe();
        history = null!;
      };
    });
}
