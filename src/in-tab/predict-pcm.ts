import { defer, finalize, type Observable } from 'rxjs';
import { fromPcmChunks } from '../audio/from-pcm-chunks.ts';
import type { ResamplerQuality } from '../audio/create-stream-resampler.ts';
import type { FeatureConfig } from '../features/feature-config.ts';
import type { RunningStats } from '../features/running-stats.ts';
import { toFeatureFrames } from '../features/to-feature-frames.ts';
import { learnOnline } from '../learner/learn-online.ts';
import type { LearnerEvent } from '../learner/learner-event.ts';
import type { OnlineLearner } from '../learner/online-learner.ts';
import { coalescePredictions } from '../server/coalesce-predictions.ts';
import type { ServerMessage } from '../server/messages.ts';
import { segmentPredictions } from '../server/segment-predictions.ts';
import { toLiveFrameEvents } from '../server/to-live-frame-events.ts';

/** What {@link predictPcm} needs besides the samples. */
export interface PredictPcmOptions {
  learner: OnlineLearner;
  features: FeatureConfig;
  /** The checkpoint's statistics: the stream normalises from its own copy, as a served stream does. */
  prior: RunningStats;
  /** Hz of the samples (the AudioContext's rate, 48000 in most browsers). */
  sampleRate: number;
  /** Stream id on the events (default `mic`). */
  stream?: string;
  /** Converter to 16 kHz, default `medium`, what `phonestream serve` uses for live streams. */
  quality?: ResamplerQuality;
}

/**
 * A microphone's Float32 samples → the served pipeline's messages, in the tab: resampled to
 * 16 kHz (the same streaming converter the server runs), features with the checkpoint's options
 * normalised from a copy of its statistics, the model predicting each frame (never training on
 * the microphone), predictions coalesced, phone segments, and an `end` when `samples$` completes.
 * What the served page gets over its WebSocket, so the same view shows it.
 *
 * ## Example
 * ```ts
 * predictPcm(batches$, { learner, features, prior: stats, sampleRate: 48000 }).subscribe(show);
 * ```
 */
export function predictPcm(samples$: Observable<Float32Array>, options: PredictPcmOptions): Observable<LearnerEvent | ServerMessage> {
  const { learner, features, prior, sampleRate } = options;
  const id = options.stream ?? 'mic';
  // defer: the learner stream opens on subscription and closes with it.
  return defer(() => {
    const stream = learner.openStream(id, { train: false });
    return samples$.pipe(
      fromPcmChunks({ sampleRate, encoding: 'float32', source: id, quality: options.quality ?? 'medium' }),
      toFeatureFrames(features, { runningStats: prior.clone(), source: id }),
      toLiveFrameEvents(id, undefined, features),
      learnOnline(stream, { maxBatch: 1 }),
      coalescePredictions(),
      segmentPredictions(id, features),
      finalize(() => stream.close()),
    );
  });
}
