/**
 * Pipeline: live PCM over WebSocket → the shared model → predictions back out.
 *
 *   producers$ ─► fromPcmChunks (→ 16 kHz) ─► toFeatureFrames ─► toLiveFrameEvents (labels, end)
 *              ─► learnOnline (predict; train when labelled and allowed) ─► coalescePredictions
 *              ─► segmentPredictions (protocol v2's phone segments) ─► publish (each client in its version)
 *
 * 48 kHz producers (what browsers send) are resampled by the FIR decimator at the default `medium`
 * quality; predicting streams are stepped together, one batch per event-loop turn (FrameBatcher).
 *
 * Each producer gets its own learner stream (own LSTM state) on the one shared model, and its own
 * normalisation statistics (a copy of the prior): the same audio gets the same predictions however
 * many streams came before or run beside it. Every consumer and the producer itself receive the
 * stream's messages. `end` is published once every frame of a stopped stream has been predicted.
 * With `threads` > 1, predicting streams run on worker threads (LiveWorkerPool) through the same
 * per-stream pipeline; the main thread keeps the sockets and the streams that train.
 */
import { mergeMap, type Observable } from 'rxjs';
import {
  ConfigError,
  RunningStats,
  featureDims,
  startPredictionServer,
  type FeatureConfig,
  type LearnerEvent,
  type OnlineLearner,
  type PredictionServer,
  type PredictionServerOptions,
  type ProducerStream,
  type ResamplerQuality,
  type ServerMessage,
} from '../src/index.ts';
import { prewarmResampler } from '../src/audio/create-stream-resampler.ts';
import { FrameBatcher } from '../src/learner/frame-batcher.ts';
import { helloOf } from '../src/server/hello-of.ts';
import type { EncodedMessage } from '../src/server/prediction-server.ts';
import { predictLiveStream, trainsModel, type LiveStreamContext } from '../src/server/predict-live-stream.ts';
import { LiveWorkerPool } from '../src/threads/live-worker-pool.ts';

export interface LiveMicrophoneOptions extends PredictionServerOptions {
  /** The shared model; its phone set and config go into `hello`. */
  learner: OnlineLearner;
  /** Feature options; `featureDims(featureConfig)` must equal the learner's inputSize. */
  featureConfig: FeatureConfig;
  /**
   * Where each live stream's running normalisation starts: every stream gets its own copy, so
   * its predictions depend on its own audio only, never on what else the server heard (serve
   * passes the checkpoint's statistics weighted as a few seconds of frames). Never updated.
   * Default: empty statistics, so each stream waits for the warm-up (1 s with the default config).
   * Unused unless `featureConfig.normalization` is `running`.
   */
  normalizationPrior?: RunningStats;
  /**
   * libsamplerate converter for producers not at 16 kHz (browsers send 44.1 or 48 kHz). Default
   * `medium`: measured on 48 kHz → 16 kHz, `best` costs about 5× the CPU (≈ 10–20 % of a core per
   * live stream) and holds back ≈ 9 ms of audio against ≈ 3 ms, for accuracy above 7 kHz that
   * the MFCCs barely see.
   */
  resampleQuality?: ResamplerQuality;
  /**
   * Labelled producers with `learn: true` may train the model. Default: the learner is trainable.
   * When false, such streams are predicted only (their metrics show a null loss).
   */
  allowLearning?: boolean;
  /**
   * Threads in all, the main thread included. With more than 1, predicting streams run on
   * `threads − 1` worker threads (features and inference, each worker batching its own streams),
   * while the main thread keeps the sockets, training streams and any replay; a training model's
   * weights reach the workers every 100 ms (a frozen model's predictions are the same as with 1).
   * Default 1.
   */
  threads?: number;
}

/**
 * Starts the prediction server with the live pipeline attached to it.
 *
 * @param options - server options (port, host, token, assets, …), plus the learner and features;
 *   the `hello` option's fields are merged over the ones derived from the learner.
 * @returns the running server; `publish` stays open for other sources (a corpus replay), and
 *   `close()` also stops the pipeline.
 *
 * ## Example
 * ```ts
 * const server = await startLiveMicrophone({ port: 8080, learner, featureConfig: DEFAULT_FEATURE_CONFIG });
 * console.log(`open ${server.url}`);
 * ```
 */
const BROWSER_RATES = [48000, 44100];

export async function startLiveMicrophone(options: LiveMicrophoneOptions): Promise<PredictionServer> {
  const {
    learner,
    featureConfig,
    normalizationPrior = new RunningStats(featureDims(featureConfig)),
    resampleQuality = 'medium',
    allowLearning = learner.trainable,
    threads = 1,
    hello,
    ...serverOptions
  } = options;
  if (featureDims(featureConfig) !== learner.config.inputSize) {
    throw new ConfigError(
      `featureConfig gives ${featureDims(featureConfig)} features per frame but the learner's inputSize is ${learner.config.inputSize}`,
    );
  }
  if (allowLearning && !learner.trainable) {
    throw new ConfigError('allowLearning is true but the learner is frozen (trainable: false)');
  }
  if (!Number.isInteger(threads) || threads < 1) throw new ConfigError(`threads must be an integer ≥ 1, got ${threads}`);
  // Browsers capture at 48 or 44.1 kHz: have their resamplers loaded before the first Start.
  for (const rate of BROWSER_RATES) prewarmResampler(rate, featureConfig.sampleRate, resampleQuality);
  const pool =
    threads > 1 ? await LiveWorkerPool.start({ size: threads - 1, learner, featureConfig, normalizationPrior, resampleQuality }) : undefined;
  let server: PredictionServer;
  try {
    server = await startPredictionServer({
      ...serverOptions,
      hello: () => ({ ...helloOf(learner, featureConfig), ...hello?.() }),
    });
  } catch (err) {
    await pool?.close();
    throw err;
  }

  // Predicting streams' frames that arrive in the same event-loop turn step as one batch (one
  // pass over the weights for all of them); training streams step alone (learnOnline decides).
  const ctx: LiveStreamContext = { learner, featureConfig, normalizationPrior, resampleQuality, allowLearning, batcher: new FrameBatcher() };
  const pipeline = server.producers$
    .pipe(mergeMap((producer) => predictStream(producer)))
    .subscribe((event) => ('bytes' in event ? server.publishEncoded(event) : server.publish(event)));

  /** A training stream stays with the model on this thread; a predicting one goes to a worker when there are any. */
  function predictStream(producer: ProducerStream): Observable<LearnerEvent | ServerMessage | EncodedMessage> {
    return pool !== undefined && !trainsModel(producer, allowLearning) ? pool.predict(producer) : predictLiveStream(producer, ctx);
  }

  const close = server.close;
  return {
    ...server,
    async close() {
      await close();
      pipeline.unsubscribe();
      await pool?.close();
    },
  };
}
