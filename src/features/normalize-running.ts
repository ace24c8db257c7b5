import { Observable, type OperatorFunction } from 'rxjs';
import { NORMALIZATION_FLOOR } from './normalization-floor.ts';
import { RunningStats } from './running-stats.ts';

/**
 * Online per-dimension normalisation: (x − mean) / sqrt(variance + 1e-8), with the mean and
 * variance of every vector seen so far, the current one included (Welford). Until `warmupFrames`
 * vectors have been seen, vectors are held back; then they are all normalised with the warm-up
 * statistics and released, so the first frames are not scaled by a variance from one or two
 * frames. The hold adds latency once, at the start of a stream (1 s for 100 frames); after that
 * each vector leaves as it arrives. A stream that ends during the warm-up is released at completion.
 *
 * @param warmupFrames vectors to collect before the first one is released (0 = none)
 * @param stats statistics to update; pass one instance to several streams (e.g. the utterances of a
 *   replay) to carry them over — warm-up then only happens while `stats.count < warmupFrames`
 *
 * ## Example
 * ```ts
 * features$.pipe(normalizeRunning(100));
 * ```
 */
export function normalizeRunning(warmupFrames: number, stats?: RunningStats): OperatorFunction<Float32Array, Float32Array> {
  if (!Number.isInteger(warmupFrames) || warmupFrames < 0) {
    throw new RangeError(`normalizeRunning: warmupFrames must be an integer ≥ 0, got ${warmupFrames}`);
  }
  return (vectors) =>
    new Observable<Float32Array>((subscriber) => {
      let running = stats;
      let held: Float32Array[] = [];

      const normalize = (v: Float32Array, s: RunningStats): Float32Array => {
        const out = new Float32Array(v.length);
        for (let d = 0; d < v.length; d++) out[d] = (v[d] - s.mean[d]) / Math.sqrt(s.variance(d) + NORMALIZATION_FLOOR);
        return out;
      };
      const release = (s: RunningStats): void => {
        const pending = held;
        held = [];
        for (const v of pending) {
          if (subscriber.closed) return;
          subscriber.next(normalize(v, s));
        }
      };

      const subscription = vectors.subscribe({
        next(v) {
          let out: Float32Array | undefined;
          try {
            running ??= new RunningStats(v.length);
            running.add(v);
            if (held.length > 0 || running.count < warmupFrames) {
              held.push(v);
              if (running.count < warmupFrames) return;
            } else {
              out = normalize(v, running);
            }
          } catch (err) {
            subscriber.error(err);
            return;
          }
          if (out) subscriber.next(out);
          else release(running);
        },
        error: (err) => subscriber.error(err),
        complete() {
          if (running) release(running);
          subscriber.complete();
        },
      });
      return () => {
        subscription.unsubscribe();
        held = null!;
      };
    });
}
