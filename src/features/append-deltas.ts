import { Observable, type OperatorFunction } from 'rxjs';

/**
 * Appends the regression deltas (HTK, and Graves 2005's inputs) of components [from, to) of each
 * vector: d_t = Σ_{θ=1..Θ} θ·(c_{t+θ} − c_{t−θ}) / (2·Σ θ²), with the first frame repeated before
 * the start and the last after the end, as HTK pads the edges. Causal with a look-ahead of Θ
 * frames: frame t leaves when frame t + Θ arrives (or at completion), so a live stream gains only Θ
 * frames of latency and the output does not depend on how the input was timed or chunked.
 * Apply it twice (the second time to the deltas) for delta-deltas.
 *
 * @param window Θ, the regression half-window in frames (2)
 * @param from first component to differentiate (inclusive)
 * @param to end of the components to differentiate (exclusive)
 * @returns an operator from D-dimensional vectors to (D + to − from)-dimensional ones (fresh arrays)
 *
 * ## Example
 * ```ts
 * statics$.pipe(appendDeltas(2, 0, 13));               // 13 → 26
 * statics$.pipe(appendDeltas(2, 0, 13), appendDeltas(2, 13, 26)); // 13 → 39
 * ```
 */
export function appendDeltas(window: number, from: number, to: number): OperatorFunction<Float32Array, Float32Array> {
  if (!Number.isInteger(window) || window < 1) throw new RangeError(`appendDeltas: window must be an integer ≥ 1, got ${window}`);
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to <= from) {
    throw new RangeError(`appendDeltas: need integers 0 ≤ from < to, got from=${from}, to=${to}`);
  }
  let norm = 0;
  for (let th = 1; th <= window; th++) norm += th * th;
  norm *= 2;
  const span = 2 * window + 1;

  return (vectors) =>
    new Observable<Float32Array>((subscriber) => {
      // The last `span` frames by index modulo span; frames before 0 and after the last are
      // replaced by frame 0 and the last frame (edge repetition).
      let ring: Float32Array[] = new Array(span);
      let count = 0;

      const deltasOf = (t: number, last: number): Float32Array => {
        const centre = ring[t % span];
        if (centre.length < to) {
          throw new RangeError(`appendDeltas: vector ${t} has ${centre.length} components, expected at least ${to}`);
        }
        const out = new Float32Array(centre.length + (to - from));
        out.set(centre);
        for (let c = from; c < to; c++) {
          let acc = 0;
          for (let th = 1; th <= window; th++) {
            const ahead = ring[Math.min(t + th, last) % span];
            const behind = ring[Math.max(t - th, 0) % span];
            acc += th * (ahead[c] - behind[c]);
          }
          out[centre.length + c - from] = acc / norm;
        }
        return out;
      };

      const subscription = vectors.subscribe({
        next(v) {
          ring[count % span] = v;
          count++;
          const t = count - 1 - window;
          if (t < 0) return;
          let out: Float32Array;
          try {
            out = deltasOf(t, count - 1);
          } catch (err) {
            subscriber.error(err);
            return;
          }
          subscriber.next(out);
        },
        error: (err) => subscriber.error(err),
        complete() {
          // Flush the last Θ frames with the final frame repeated as their future.
          try {
            for (let t = Math.max(0, count - window); t < count && !subscriber.closed; t++) {
              subscriber.next(deltasOf(t, count - 1));
            }
          } catch (err) {
            subscriber.error(err);
            return;
          }
          subscriber.complete();
        },
      });
      return () => {
        subscription.unsubscribe();
        ring = null!;
      };
    });
}
