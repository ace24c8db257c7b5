import type { LearnerStream, PushResult } from './learner-stream.ts';
import { pushBatch, type BatchFrame } from './push-batch.ts';

/** A unit of work queued for one stream: a frame to predict, or anything that must run after its frames (an utterance end, completion). */
export type BatcherJob =
  | { kind: 'frame'; features: Float32Array; label?: string; t?: number; done: (result: PushResult | Error) => void }
  | { kind: 'run'; run: () => void };

/** Counts of what a {@link FrameBatcher} did, for benchmarks and tests. */
export interface BatcherStats {
  /** Forward-step batches run. */
  batches: number;
  /** Frames stepped in them. */
  frames: number;
  /** The most frames one batch held. */
  largest: number;
}

/**
 * Gathers the frames that predicting streams of one learner produce in the same event-loop turn,
 * and steps them together ({@link pushBatch}), so B live streams cost B-fold fewer passes over the
 * weights. Frames are queued per stream, in order; one `setImmediate` after the first job of a turn
 * (after the poll phase has handed over every socket message that was ready, so the turn's frames
 * are all in) runs rounds until every queue is empty: each round takes the next frame of every
 * stream that has one and steps them as one batch; a stream's other jobs (its utterance end, its
 * completion) run at the start of the round after its frames before them were delivered. No timer
 * is waited on: a frame waits at most for the rest of the turn it arrived in, work that ran before
 * its prediction anyway when each message was processed to the end on arrival. Each stream's
 * state and the order of its results are its own; its predictions are bit-for-bit those of
 * `stream.push` (they use the weights current when the batch runs).
 *
 * ## Example
 * ```ts
 * const batcher = new FrameBatcher();
 * batcher.submit(stream, { kind: 'frame', features, done: (r) => emit(r) });
 * ```
 */
export class FrameBatcher {
  readonly stats: BatcherStats = { batches: 0, frames: 0, largest: 0 };
  private readonly lanes = new Map<LearnerStream, BatcherJob[]>();
  private scheduled = false;

  /** @param schedule runs the batch later in this turn (default setImmediate; tests may pass their own). */
  constructor(private readonly schedule: (run: () => void) => void = (run) => void setImmediate(run)) {}

  /**
   * Queues a job for a predicting stream; it runs after the stream's jobs queued before it.
   *
   * @param stream an open stream that does not train.
   * @param job a frame (its result goes to `done`, an Error when the frame was refused) or a callback.
   */
  submit(stream: LearnerStream, job: BatcherJob): void {
    if (stream.train) throw new Error(`FrameBatcher: stream ${stream.id} trains; training streams step alone`);
    let lane = this.lanes.get(stream);
    if (lane === undefined) {
      lane = [];
      this.lanes.set(stream, lane);
    }
    lane.push(job);
    if (!this.scheduled) {
      this.scheduled = true;
      this.schedule(() => this.run());
    }
  }

  /** Drops a stream's queued jobs (it was unsubscribed or failed); none of them runs. */
  cancel(stream: LearnerStream): void {
    this.lanes.delete(stream);
  }

  /** Runs every queued job now, round by round (what the scheduled callback does). */
  run(): void {
    this.scheduled = false;
    const frames: BatchFrame[] = [];
    const done: ((r: PushResult | Error) => void)[] = [];
    while (this.lanes.size > 0) {
      frames.length = 0;
      done.length = 0;
      for (const [stream, lane] of this.lanes) {
        while (lane.length > 0 && lane[0].kind === 'run') (lane.shift() as { run: () => void }).run();
        // A job that ran may have cancelled this stream, or it may have nothing more.
        if (lane.length === 0 || this.lanes.get(stream) !== lane) {
          if (this.lanes.get(stream) === lane) this.lanes.delete(stream);
          continue;
        }
        const job = lane.shift() as Extract<BatcherJob, { kind: 'frame' }>;
        frames.push({ stream, features: job.features, label: job.label, t: job.t });
        done.push(job.done);
      }
      if (frames.length === 0) continue;
      const results = pushBatch(frames);
      this.stats.batches++;
      this.stats.frames += frames.length;
      this.stats.largest = Math.max(this.stats.largest, frames.length);
      for (let i = 0; i < results.length; i++) done[i](results[i]);
    }
  }
}
