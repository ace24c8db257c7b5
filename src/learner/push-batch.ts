import { forwardStepBatch } from './forward-step-batch.ts';
import type { LearnerStream, PushResult } from './learner-stream.ts';
import type { LstmState } from './lstm-state.ts';
import type { StepCache } from './step-cache.ts';

/** One frame of one stream, for {@link pushBatch}. */
export interface BatchFrame {
  stream: LearnerStream;
  features: Float32Array;
  label?: string;
  t?: number;
}

/**
 * `stream.push(features, label, t)` for frames of DIFFERENT predicting streams of one learner, with
 * their forward steps run together ({@link forwardStepBatch}: one matrix–matrix product per weight
 * matrix instead of one matrix–vector product per stream). Each result is what that stream's own
 * `push` would have returned, bit for bit. A frame that `push` would refuse (wrong length, a
 * non-finite feature, an unknown label) gets its error as its result, before anything changed in
 * its stream; the other frames go on.
 *
 * @param frames at most one per stream; every stream open, not training, on the same learner.
 * @returns per frame, in order: its PushResult, or the Error its stream's push threw.
 *
 * ## Example
 * ```ts
 * const [a, b] = pushBatch([{ stream: s1, features: f1 }, { stream: s2, features: f2 }]);
 * ```
 */
export function pushBatch(frames: readonly BatchFrame[]): (PushResult | Error)[] {
  const results: (PushResult | Error)[] = new Array(frames.length);
  const xs: Float32Array[] = [];
  const prevs: LstmState[] = [];
  const caches: StepCache[] = [];
  const started: number[] = [];
  const learner = frames[0]?.stream.learner;
  const seen = new Set<LearnerStream>();
  for (let i = 0; i < frames.length; i++) {
    const { stream, features, label, t } = frames[i];
    if (stream.train || stream.learner !== learner || seen.has(stream)) {
      const why = stream.train ? 'it trains (training streams step alone)' : stream.learner !== learner ? 'it is on another learner' : 'it has another frame in this batch';
      results[i] = new Error(`pushBatch: stream ${stream.id} cannot be batched: ${why}`);
      continue;
    }
    seen.add(stream);
    try {
      const step = stream.beginPush(features, label, t);
      xs.push(step.x);
      prevs.push(step.prev);
      caches.push(step.cache);
      started.push(i);
    } catch (err) {
      results[i] = err as Error;
    }
  }
  if (started.length > 0) forwardStepBatch(learner!.params, learner!.shape, xs, prevs, caches);
  for (const i of started) {
    try {
      results[i] = frames[i].stream.finishPush();
    } catch (err) {
      results[i] = err as Error;
    }
  }
  return results;
}
