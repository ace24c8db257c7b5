import { catchError, defer, finalize, of, type Observable } from 'rxjs';
import { fromPcmChunks } from '../audio/from-pcm-chunks.ts';
import type { ResamplerQuality } from '../audio/create-stream-resampler.ts';
import type { FeatureConfig } from '../features/feature-config.ts';
import type { RunningStats } from '../features/running-stats.ts';
import { toFeatureFrames } from '../features/to-feature-frames.ts';
import { assertPhonesInSet } from '../labels/assert-phones-in-set.ts';
import { normalizePhone } from '../labels/normalize-phone.ts';
import type { FrameBatcher } from '../learner/frame-batcher.ts';
import { learnOnline } from '../learner/learn-online.ts';
import type { LearnerEvent } from '../learner/learner-event.ts';
import type { OnlineLearner } from '../learner/online-learner.ts';
import { coalescePredictions } from './coalesce-predictions.ts';
import type { ServerMessage } from './messages.ts';
import type { ProducerStream } from './prediction-server.ts';
import { segmentPredictions } from './segment-predictions.ts';
import { toLiveFrameEvents } from './to-live-frame-events.ts';

/** What one live stream's pipeline needs besides its producer. */
export interface LiveStreamContext {
  learner: OnlineLearner;
  featureConfig: FeatureConfig;
  /** Where the stream's running normalisation starts; the stream normalises from its own copy. */
  normalizationPrior: RunningStats;
  resampleQuality: ResamplerQuality;
  /** Labelled producers that ask to learn may train the model. */
  allowLearning: boolean;
  /** Steps predicting streams together, one batch per event-loop turn. */
  batcher: FrameBatcher;
}

/** Whether a producer's stream trains the model (it sent labels, asked to learn, and may). */
export function trainsModel(producer: Pick<ProducerStream, 'labels' | 'learn'>, allowLearning: boolean): boolean {
  return producer.learn && producer.labels !== undefined && allowLearning;
}

/**
 * One producer's audio → learner events for its stream, the same on the main thread and on a live
 * worker thread: PCM → 16 kHz → features (normalised from a copy of the prior) → a learner stream
 * of its own on the shared model → predictions coalesced per audio message, each followed by the
 * stream's phone segments (protocol v2; its `end` carries the final ones). Interleaved channels
 * are mixed to mono first. Any failure becomes an `error` message on that stream, never an error
 * of the returned Observable.
 */
export function predictLiveStream(producer: ProducerStream, ctx: LiveStreamContext): Observable<LearnerEvent | ServerMessage> {
  const { id, sampleRate, encoding, channels } = producer;
  const { learner, featureConfig, resampleQuality } = ctx;
  // defer: a throw while building (bad labels, bad rate) must fail this stream only.
  return defer(() => {
    const labels = producer.labels?.map((s) => ({ ...s, phone: normalizePhone(s.phone) }));
    if (labels !== undefined) assertPhonesInSet(labels, learner.config.phones, `start (stream ${id})`, "model's");
    const stream = learner.openStream(id, { train: trainsModel(producer, ctx.allowLearning) });
    return producer.pcm$.pipe(
      fromPcmChunks({ sampleRate, encoding, channels, source: id, quality: resampleQuality }),
      toFeatureFrames(featureConfig, { runningStats: ctx.normalizationPrior.clone(), source: id }),
      toLiveFrameEvents(id, labels, featureConfig),
      learnOnline(stream, { maxBatch: 1, batcher: ctx.batcher }),
      coalescePredictions(),
      segmentPredictions(id, featureConfig),
      finalize(() => stream.close()),
    );
  }).pipe(catchError((err: Error) => of<ServerMessage>({ type: 'error', stream: id, message: `${id}: ${err.message}` })));
}
