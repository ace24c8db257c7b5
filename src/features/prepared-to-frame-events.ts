import { concat, defer, from, map, of, type Observable } from 'rxjs';
import type { PreparedUtterance } from '../corpus/prepared-utterance.ts';
import { labelFrames } from '../labels/label-frames.ts';
import type { FeatureConfig } from './feature-config.ts';
import { featureDims } from './feature-dims.ts';
import type { FeatureFrame, FrameEvent, UtteranceEnd } from './frame-event.ts';
import { normalizeFeatures } from './normalize-features.ts';
import type { RunningStats } from './running-stats.ts';

/**
 * The frame events of an utterance whose unnormalised features were computed elsewhere (a feature
 * worker): the same events `utteranceToFrameEvents` gives for the utterance, frame for frame and
 * bit for bit. It applies the same normalisation operator to the same vectors in the same order,
 * labels frames with the same function, and ends with the same `end` marker. Call it in corpus
 * order with one shared `runningStats`, as the single-threaded replay does, and the statistics
 * carry over exactly as there. Emitted synchronously on subscription.
 *
 * @param utterance segments and packed unnormalised features (from a FeaturePool)
 * @param cfg the feature options the features were computed with
 * @param options `stream` id for the events (default `replay`); `runningStats` to carry running
 *   normalisation over the utterances of a replay
 *
 * ## Example
 * ```ts
 * prepared$.pipe(concatMap((u) => preparedToFrameEvents(u, cfg, { runningStats })));
 * ```
 */
export function preparedToFrameEvents(
  utterance: PreparedUtterance,
  cfg: FeatureConfig,
  options: { stream?: string; runningStats?: RunningStats } = {},
): Observable<FrameEvent> {
  const stream = options.stream ?? 'replay';
  const normalize = normalizeFeatures(cfg.normalization, options.runningStats);
  const { hopSize, sampleRate } = cfg;
  return defer(() => {
    const { frames, features } = utterance;
    const dims = featureDims(cfg);
    const rows = Array.from({ length: features.length / dims }, (_, i) => features.subarray(i * dims, (i + 1) * dims));
    const labels = labelFrames(utterance.segments, frames, { sampleRate, hop: hopSize, window: cfg.windowSize });
    const end: UtteranceEnd = { kind: 'end', stream, utterance: utterance.id, frames };
    return concat(
      from(rows).pipe(
        normalize,
        map((f, index): FeatureFrame => ({ kind: 'frame', stream, index, t: (index * hopSize) / sampleRate, features: f, label: labels[index] })),
      ),
      of(end),
    );
  });
}
