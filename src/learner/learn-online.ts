import { Observable, type OperatorFunction } from 'rxjs';
import type { FrameEvent, UtteranceEnd } from '../features/frame-event.ts';
import type { FramePrediction, LearnerEvent, MetricsEvent, StreamEndEvent } from './learner-event.ts';
import type { FrameBatcher } from './frame-batcher.ts';
import type { ChunkResult, LearnerStream, PushResult } from './learner-stream.ts';

/** Options of {@link learnOnline}. */
export interface LearnOnlineOptions {
  /**
   * Most predictions held before a `predictions` event even without a chunk boundary, so a stream
   * that never closes a chunk (the `utterance` preset, a predicting stream with a large k1) still
   * reports live. Default 20 (0.2 s of frames).
   */
  maxBatch?: number;
  /** Clock in milliseconds for frames/s (default `performance.now`; tests pass a virtual one). */
  now?: () => number;
  /**
   * Steps this stream's frames in batches with the other predicting streams given the same
   * batcher (live streams: one matrix–matrix product for all of them per turn). Only when the
   * stream does not train; a training stream steps alone, at once. Events then come out in the
   * same order, later in the same event-loop turn (`setImmediate`) instead of synchronously.
   * @internal (the live server's)
   */
  batcher?: FrameBatcher;
}

/**
 * The learner as an RxJS operator: feature frames in, learner events out, for one stream of a
 * shared `OnlineLearner`. Each frame is predicted before it is learned from; `predictions` are
 * batched per chunk (every k1 frames, or `maxBatch`), each chunk is followed by a `metrics` event
 * (chunk loss, running loss, prequential accuracy, frames/s), and an UtteranceEnd flushes the
 * delayed frames and the partial chunk's training, then emits `end`. Events carry the learner
 * stream's id. When the source completes mid-utterance the buffered predictions are flushed
 * without training the partial chunk (there was no end marker to say the utterance is over).
 *
 * @param stream an open stream of the shared learner (`learner.openStream(id, { train })`).
 * @param options batching and clock.
 * @returns an operator from `FrameEvent` to `LearnerEvent`.
 *
 * ## Example
 * ```ts
 * const stream = learner.openStream('replay', { train: true });
 * frames$.pipe(learnOnline(stream)).subscribe((e) => send(e));
 * ```
 */
export function learnOnline(stream: LearnerStream, options: LearnOnlineOptions = {}): OperatorFunction<FrameEvent, LearnerEvent> {
  const maxBatch = options.maxBatch ?? 20;
  const now = options.now ?? (() => performance.now());
  const batcher = stream.train ? undefined : options.batcher;
  return (source) =>
    new Observable<LearnerEvent>((subscriber) => {
      let batch: FramePrediction[] = [];
      let startMs: number | undefined;
      // The stream's counts run over its whole life (a replay re-subscribes every epoch), so the
      // rate is taken over the frames of this subscription only.
      let framesAtStart = 0;
      const flush = (): void => {
        if (batch.length === 0) return;
        const frames = batch;
        // A new array: the emitted one belongs to the subscriber from now on.
        batch = [];
        subscriber.next({ kind: 'predictions', stream: stream.id, frames });
      };
      const metrics = (chunk: ChunkResult | null): MetricsEvent => {
        const seconds = (now() - (startMs ?? now())) / 1000;
        const s = stream.stats;
        return {
          kind: 'metrics',
          stream: stream.id,
          frames: s.frames,
          labelledFrames: s.labelledFrames,
          chunkLoss: chunk?.loss ?? null,
          loss: stream.loss,
          skippedUpdates: s.skippedUpdates,
          accuracy: stream.accuracy,
          framesPerSecond: seconds > 0 ? (s.frames - framesAtStart) / seconds : 0,
        };
      };
      /** Runs f, passing a throw on as error() (RxJS does not forward one from inside next). */
      const guarded = (f: () => void): void => {
        try {
          f();
        } catch (err) {
          subscriber.error(err);
        }
      };
      const complete = (): void => {
        flush();
        subscriber.complete();
      };
      const subscription = source.subscribe({
        next: (event) => guarded(() => handle(event)),
        error: (err) => subscriber.error(err),
        // Batched: after the frames still queued for this stream.
        complete: () => (batcher ? batcher.submit(stream, { kind: 'run', run: complete }) : complete()),
      });
      function handle(event: FrameEvent): void {
        if (startMs === undefined) {
          startMs = now();
          framesAtStart = stream.stats.frames;
        }
        if (event.kind === 'frame') {
          if (batcher === undefined) {
            emitPush(stream.push(event.features, event.label, event.t));
          } else {
            batcher.submit(stream, {
              kind: 'frame', features: event.features, label: event.label, t: event.t,
              done: (result) => (result instanceof Error ? subscriber.error(result) : guarded(() => emitPush(result))),
            });
          }
        } else if (batcher === undefined) {
          endUtterance(event);
        } else {
          batcher.submit(stream, { kind: 'run', run: () => guarded(() => endUtterance(event)) });
        }
      }
      function emitPush({ prediction, chunk }: PushResult): void {
        if (prediction !== null) batch.push(prediction);
        if (chunk !== null) {
          flush();
          subscriber.next(metrics(chunk));
        } else if (batch.length >= maxBatch) {
          flush();
        }
      }
      function endUtterance(event: UtteranceEnd): void {
        const { predictions, chunks, frames } = stream.end();
        batch.push(...predictions);
        flush();
        for (const chunk of chunks) {
          subscriber.next(metrics(chunk));
        }
        const end: StreamEndEvent = { kind: 'end', stream: stream.id, frames };
        if (event.utterance !== undefined) end.utterance = event.utterance;
        subscriber.next(end);
      }
      return () => {
        subscription.unsubscribe();
        // Nothing more of this stream's runs: its subscriber is gone (and its stream may close).
        batcher?.cancel(stream);
        batch = [];
      };
    });
}
