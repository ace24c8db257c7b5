import { concat, defer, map, of, type Observable } from 'rxjs';
import type { Utterance } from '../corpus/utterance.ts';
import { labelFrames } from '../labels/label-frames.ts';
import type { FeatureConfig } from './feature-config.ts';
import type { FeatureFrame, FrameEvent, UtteranceEnd } from './frame-event.ts';
import { frameCount } from './frame-count.ts';
import type { RunningStats } from './running-stats.ts';
import { toFeatureFrames } from './to-feature-frames.ts';

/**
 * The frame events of one corpus utterance: a `frame` per 10 ms with its features and the phone
 * covering its centre, then an `end` marker carrying the utterance id and frame count, so the
 * learner can train its partial chunk and reset its state. Emitted synchronously on subscription.
 *
 * @param utterance 16 kHz audio with phone segments (from the corpus reader)
 * @param cfg feature options
 * @param options `stream` id for the events (default `replay`); `runningStats` to carry running
 *   normalisation over the utterances of a replay instead of warming up on each one
 *
 * ## Example
 * ```ts
 * from(utterances).pipe(concatMap((u) => utteranceToFrameEvents(u, DEFAULT_FEATURE_CONFIG, { runningStats })));
 * ```
 */
export function utteranceToFrameEvents(
  utterance: Utterance,
  cfg: FeatureConfig,
  options: { stream?: string; runningStats?: RunningStats } = {},
): Observable<FrameEvent> {
  const stream = options.stream ?? 'replay';
  const features = toFeatureFrames(cfg, { runningStats: options.runningStats, source: utterance.audioPath });
  return defer(() => {
    const { samples } = utterance.audio;
    const frames = frameCount(samples.length, cfg.windowSize, cfg.hopSize);
    const labels = labelFrames(utterance.segments, frames, { sampleRate: cfg.sampleRate, hop: cfg.hopSize, window: cfg.windowSize });
    const end: UtteranceEnd = { kind: 'end', stream, utterance: utterance.id, frames };
    return concat(
      of(samples).pipe(
        features,
        map(({ index, t, features: f }): FeatureFrame => ({ kind: 'frame', stream, index, t, features: f, label: labels[index] })),
      ),
      of(end),
    );
  });
}
