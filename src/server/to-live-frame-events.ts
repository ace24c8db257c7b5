import { Observable, type OperatorFunction } from 'rxjs';
import type { FeatureFrame, FrameEvent } from '../features/frame-event.ts';
import type { TimedFeatures } from '../features/to-feature-frames.ts';
import { labelFrames } from '../labels/label-frames.ts';
import type { PhoneSegment } from '../labels/phone-segment.ts';

/** Frame geometry of the live streams (the features run at 16 kHz). */
export interface LiveFrameGeometry {
  /** Hz */
  sampleRate: number;
  /** samples between frame starts */
  hopSize: number;
  /** samples per frame */
  windowSize: number;
}

/**
 * Turns the feature vectors of one live stream into learner input: a `frame` event per vector,
 * labelled with the phone covering its centre when the producer sent labels, then, when the
 * stream completes (stop or disconnect), one `end` carrying the frame count, so the learner
 * predicts the frames its target delay still holds and resets the stream's state.
 *
 * Frames whose centre lies after the last labelled segment stay unlabelled (predicted, never
 * trained on): a live recording may run past its labels. Gaps between segments are `sil`, as
 * `labelFrames` has it.
 *
 * @param stream - the stream id put on every event.
 * @param labels - phone segments in seconds from the stream's start, if any.
 * @param geometry - sample rate (Hz), hop and window (samples) of the features.
 * @returns an operator from TimedFeatures to FrameEvent.
 *
 * ## Example
 * ```ts
 * samples$.pipe(toFeatureFrames(cfg), toLiveFrameEvents('s1', labels, cfg), learnOnline(learnerStream));
 * ```
 */
export function toLiveFrameEvents(
  stream: string,
  labels: readonly PhoneSegment[] | undefined,
  geometry: LiveFrameGeometry,
): OperatorFunction<TimedFeatures, FrameEvent> {
  const { sampleRate, hopSize, windowSize } = geometry;
  const labelled = labels === undefined || labels.length === 0 ? [] : labelsUpToLastSegment(labels, geometry);
  return (source) =>
    new Observable<FrameEvent>((subscriber) => {
      let frames = 0;
      const subscription = source.subscribe({
        next({ index, t, features }) {
          frames = index + 1;
          const frame: FeatureFrame = { kind: 'frame', stream, index, t, features };
          if (index < labelled.length) frame.label = labelled[index];
          subscriber.next(frame);
        },
        error: (err) => subscriber.error(err),
        complete() {
          subscriber.next({ kind: 'end', stream, frames });
          subscriber.complete();
        },
      });
      return () => subscription.unsubscribe();
    });

  /** The labels of the frames whose centre lies before the end of the last segment. */
  function labelsUpToLastSegment(segments: readonly PhoneSegment[], g: LiveFrameGeometry): string[] {
    const lastEnd = Math.max(...segments.map((s) => s.end)) * sampleRate;
    const count = Math.max(0, Math.ceil((lastEnd - windowSize / 2) / hopSize));
    return labelFrames(segments, count, { sampleRate: g.sampleRate, hop: hopSize, window: windowSize });
  }
}
