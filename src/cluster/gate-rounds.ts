import { Observable, type MonoTypeOperatorFunction } from 'rxjs';

/**
 * Holds a stream of events at round boundaries: before passing each event on it asks `due()`,
 * and when a round is due it calls `round()` and passes nothing more until the promise settles
 * (events that arrive meanwhile are queued, in order). A rejected round errors the stream.
 *
 * Why not `concatMap(ev => due() ? from(round()).pipe(map(() => ev)) : of(ev))`: that is what the
 * trainer first did, and after a round it drained the events queued during the round by RxJS's
 * recursion, one nested inner subscription per event. A whole utterance arrives at once from the
 * feature workers (1135 frames on ../shared/corpus), the recursion ran out of stack after ~780 of
 * them, and the RangeError was swallowed by an already-stopped subscriber: the trainer sat idle
 * with no error (its next round never came; the round timeout caught it). This drains the queue
 * in a loop, with a constant stack.
 */
export function gateRounds<T>(due: () => boolean, round: () => Promise<unknown>): MonoTypeOperatorFunction<T> {
  return (source) =>
    new Observable<T>((subscriber) => {
      const queue: T[] = [];
      let head = 0;
      let waiting = false;
      let draining = false;
      let sourceDone = false;
      const drain = (): void => {
        if (draining) return; // a re-entrant call: the running loop takes the new event
        draining = true;
        try {
          while (!waiting && head < queue.length && !subscriber.closed) {
            if (due()) {
              waiting = true;
              round().then(
                () => {
                  waiting = false;
                  drain();
                },
                (err: unknown) => subscriber.error(err),
              );
              return;
            }
            const ev = queue[head]!;
            queue[head++] = undefined as T;
            subscriber.next(ev);
          }
          if (head === queue.length) {
            queue.length = 0;
            head = 0;
          }
          if (!waiting && head === queue.length && sourceDone) subscriber.complete();
        } finally {
          draining = false;
        }
      };
      const subscription = source.subscribe({
        next: (ev) => {
          queue.push(ev);
          drain();
        },
        error: (err) => subscriber.error(err),
        complete: () => {
          sourceDone = true;
          drain();
        },
      });
      return () => subscription.unsubscribe();
    });
}
