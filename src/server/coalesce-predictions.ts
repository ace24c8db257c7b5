import { Observable, type MonoTypeOperatorFunction } from 'rxjs';
import type { LearnerEvent, PredictionsEvent } from '../learner/learner-event.ts';

/**
 * Merges the `predictions` events of one stream that are emitted in the same synchronous burst
 * (one PCM message in → its frames predicted one by one) into a single event, sent on the next
 * microtask. So a producer gets one `predictions` message per audio message it sent, without
 * holding a prediction back for a later message (which a frame-count batch would do).
 * Any other event first releases the pending predictions, so the order of events is kept.
 *
 * @returns an operator on LearnerEvent.
 *
 * ## Example
 * ```ts
 * frames$.pipe(learnOnline(stream, { maxBatch: 1 }), coalescePredictions()).subscribe(server.publish);
 * ```
 */
export function coalescePredictions(): MonoTypeOperatorFunction<LearnerEvent> {
  return (source) =>
    new Observable<LearnerEvent>((subscriber) => {
      let pending: PredictionsEvent | undefined;
      let scheduled = false;
      const release = (): void => {
        const event = pending;
        pending = undefined;
        if (event !== undefined && !subscriber.closed) subscriber.next(event);
      };
      const subscription = source.subscribe({
        next(event) {
          if (event.kind !== 'predictions') {
            release();
            subscriber.next(event);
            return;
          }
          if (pending !== undefined && pending.stream === event.stream) {
            pending.frames.push(...event.frames);
            return;
          }
          release();
          // Our own event and array: the source's may be kept by someone else.
          pending = { ...event, frames: [...event.frames] };
          if (!scheduled) {
            scheduled = true;
            queueMicrotask(() => {
              scheduled = false;
              release();
            });
          }
        },
        error(err) {
          release();
          subscriber.error(err);
        },
        complete() {
          release();
          subscriber.complete();
        },
      });
      return () => {
        subscription.unsubscribe();
        pending = undefined;
      };
    });
}
