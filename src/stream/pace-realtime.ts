import { asyncScheduler, concatMap, defer, map, of, timer, type OperatorFunction, type SchedulerLike } from 'rxjs';

/**
 * Re-times a stream so its items leave at `perSecond` items per second of wall-clock time, as a
 * live source would produce them: item n is emitted no earlier than n / perSecond seconds after
 * the first one. A replayed corpus paced at 100 frames/s looks like a microphone to consumers.
 * If the downstream falls behind, items are not dropped: they leave as soon as they can.
 *
 * @param perSecond items per second (100 for 10 ms frames)
 * @param scheduler for tests (TestScheduler) — defaults to the async scheduler
 *
 * ## Example
 * ```ts
 * frames$.pipe(paceRealtime(100)).subscribe(publish);
 * ```
 */
export function paceRealtime<T>(perSecond: number, scheduler: SchedulerLike = asyncScheduler): OperatorFunction<T, T> {
  if (!(perSecond > 0) || !Number.isFinite(perSecond)) {
    throw new RangeError(`paceRealtime: perSecond must be a positive number, got ${perSecond}`);
  }
  const periodMs = 1000 / perSecond;
  return (source) =>
    defer(() => {
      let start: number | undefined;
      return source.pipe(
        concatMap((item, n) => {
          const now = scheduler.now();
          start ??= now;
          const wait = start + n * periodMs - now;
          return wait > 0 ? timer(wait, scheduler).pipe(map(() => item)) : of(item);
        }),
      );
    });
}
