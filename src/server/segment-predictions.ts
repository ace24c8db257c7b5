import { Observable, type OperatorFunction } from 'rxjs';
import type { FramePrediction, LearnerEvent } from '../learner/learner-event.ts';
import type { EndMessage, SegmentsMessage, ServerMessage, WireSegment } from './messages.ts';

/** Frame geometry the segment times are computed from (the features' rate, hop and window, in samples). */
export interface SegmentGeometry {
  /** Hz */
  sampleRate: number;
  /** samples between frame starts */
  hopSize: number;
  /** samples per frame */
  windowSize: number;
}

/** Final segments a stream's `end` carries at most (protocol v2); beyond it `truncated` is true. */
export const MAX_END_SEGMENTS = 10_000;

/**
 * Collapses one stream's frame predictions, in frame order, into phone segments: a run of
 * consecutive frames with the same argmax phone is one segment (protocol v2, docs/protocol.md).
 *
 * The rule: the segment of the latest frame is *partial* (`final: false`): it may still grow.
 * It becomes *final* when a frame with another phone arrives (that frame begins the next
 * segment), when a frame arrives that does not follow the last one (a gap in the indices), or
 * when the stream ends ({@link finish}). A final segment never changes again.
 *
 * Times (seconds of the stream's audio): frame i is centred at (i·hop + window/2)/rate; a boundary
 * between frames a−1 and a lies halfway between their centres, (a·hop + (window − hop)/2)/rate
 * (with 25 ms windows and a 10 ms hop: 0.01·a + 0.0075 s). The first frame's segment starts at 0
 * (the audio before it belongs to it); a segment's `end` is the boundary after its last frame,
 * so consecutive segments share their boundary exactly. Times are rounded to 0.1 ms, `p` (the mean
 * probability of the segment's phone over its frames) to 4 decimals.
 *
 * Memory: only the partial segment and up to `maxFinal` final segments are kept (the sequence for
 * `end`); beyond that, final segments are still reported by {@link push} but not kept, and
 * {@link truncated} is true.
 *
 * ## Example
 * ```ts
 * const s = new PhoneSegmenter({ sampleRate: 16000, hopSize: 160, windowSize: 400 });
 * s.push([{ index: 0, label: 'sil', p: 0.9 }, { index: 1, label: 'aa', p: 0.5 }]);
 * // → [{ phone: 'sil', start: 0, end: 0.0175, p: 0.9, final: true, i: 0, n: 1 },
 * //    { phone: 'aa', start: 0.0175, end: 0.0275, p: 0.5, final: false, i: 1, n: 1 }]
 * s.finish(); // → [{ phone: 'aa', …, final: true }]
 * ```
 */
export class PhoneSegmenter {
  private partial: { phone: string; first: number; last: number; sumP: number } | undefined;
  private readonly kept: WireSegment[] = [];
  private count = 0;

  constructor(
    private readonly geometry: SegmentGeometry,
    private readonly maxFinal: number = MAX_END_SEGMENTS,
  ) {}

  /**
   * Adds the next frames of the stream.
   *
   * @param frames - predictions in frame order (`index`, argmax `label`, its `p`).
   * @returns the segments that became final by these frames, in order, then the partial one (if
   *   any frame was given): what a `segments` message carries.
   */
  push(frames: readonly Pick<FramePrediction, 'index' | 'label' | 'p'>[]): WireSegment[] {
    const out: WireSegment[] = [];
    for (const { index, label, p } of frames) {
      const run = this.partial;
      if (run !== undefined && run.phone === label && index === run.last + 1) {
        run.last = index;
        run.sumP += p;
        continue;
      }
      if (run !== undefined) out.push(this.close());
      this.partial = { phone: label, first: index, last: index, sumP: p };
    }
    if (this.partial !== undefined) out.push(this.shape(this.partial, false));
    return out;
  }

  /** Ends the stream: the partial segment, now final (none if no frame came). */
  finish(): WireSegment[] {
    return this.partial === undefined ? [] : [this.close()];
  }

  /** The final segments so far, from the stream's start, at most `maxFinal` of them. */
  get finals(): readonly WireSegment[] {
    return this.kept;
  }

  /** More final segments came than `finals` holds. */
  get truncated(): boolean {
    return this.count > this.kept.length;
  }

  private close(): WireSegment {
    const segment = this.shape(this.partial!, true);
    this.partial = undefined;
    this.count += 1;
    if (this.kept.length < this.maxFinal) this.kept.push(segment);
    return segment;
  }

  private shape(run: NonNullable<PhoneSegmenter['partial']>, final: boolean): WireSegment {
    const n = run.last - run.first + 1;
    return {
      phone: run.phone,
      start: run.first === 0 ? 0 : this.boundary(run.first),
      end: this.boundary(run.last + 1),
      p: round(run.sumP / n, 4),
      final,
      i: run.first,
      n,
    };
  }

  /** Seconds of the boundary between frames a−1 and a: halfway between their centres. */
  private boundary(a: number): number {
    const { sampleRate, hopSize, windowSize } = this.geometry;
    return round((a * hopSize + (windowSize - hopSize) / 2) / sampleRate, 4);
  }
}

/**
 * Adds protocol v2's segments to one live stream's events: after each `predictions` event a
 * `segments` message (the segments made final by its frames, then the partial one); when the
 * stream ends, a last `segments` message with the partial segment made final, then its `end`
 * carrying every final segment (at most `maxFinal`, `truncated` saying whether more came). Every
 * other event passes unchanged. v1 clients get neither (the server encodes per version).
 *
 * @param stream - the stream id of the messages.
 * @param geometry - the features' frame geometry.
 * @param maxFinal - the cap on `end.segments`.
 *
 * ## Example
 * ```ts
 * frames$.pipe(learnOnline(stream), coalescePredictions(), segmentPredictions('s1', featureConfig));
 * ```
 */
export function segmentPredictions(
  stream: string,
  geometry: SegmentGeometry,
  maxFinal: number = MAX_END_SEGMENTS,
): OperatorFunction<LearnerEvent | ServerMessage, LearnerEvent | ServerMessage> {
  return (source) =>
    new Observable((subscriber) => {
      const segmenter = new PhoneSegmenter(geometry, maxFinal);
      const segmentsOf = (segments: WireSegment[]): SegmentsMessage => ({ type: 'segments', stream, segments });
      return source.subscribe({
        next(event) {
          if ('kind' in event && event.kind === 'predictions' && event.stream === stream) {
            subscriber.next(event);
            const segments = segmenter.push(event.frames);
            if (segments.length > 0) subscriber.next(segmentsOf(segments));
          } else if ('kind' in event && event.kind === 'end' && event.stream === stream && event.utterance === undefined) {
            const last = segmenter.finish();
            if (last.length > 0) subscriber.next(segmentsOf(last));
            const end: EndMessage = {
              type: 'end',
              stream,
              frames: event.frames,
              segments: [...segmenter.finals],
              truncated: segmenter.truncated,
            };
            subscriber.next(end);
          } else {
            subscriber.next(event);
          }
        },
        error: (err) => subscriber.error(err),
        complete: () => subscriber.complete(),
      });
    });
}

function round(x: number, decimals: number): number {
  const scale = 10 ** decimals;
  return Math.round(x * scale) / scale;
}
