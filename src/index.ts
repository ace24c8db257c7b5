/**
 * phonestream's public API (`import … from 'phonestream'`): named re-exports only, grouped by
 * area, so the whole surface can be read in this one file. It is deliberate: what a user needs to
 * read corpora and audio, compute features, train and score the online learner, save and load it,
 * and serve or consume predictions. The learner's math and wasm kernels, the MFCC kernels, the
 * resampler's internals and the server's helpers stay internal (import them from their modules
 * inside this repository). test/architecture/public-api.test.ts pins the list, so a change to it is a
 * decision; docs/api/ is generated from it (`npm run docs`).
 *
 * @packageDocumentation
 */

/* errors */
export { InputError, ConfigError } from './errors.ts';

/* audio */
export type { MonoAudio } from './audio/mono-audio.ts';
export { readAudioFile } from './audio/read-audio-file.ts';
export { decodeAudio } from './audio/decode-audio.ts';
export { resampleTo16k } from './audio/resample-to-16k.ts';
export { fromPcmChunks } from './audio/from-pcm-chunks.ts';
export type { PcmChunk, PcmChunkOptions } from './audio/from-pcm-chunks.ts';
export { createStreamResampler } from './audio/create-stream-resampler.ts';
export type { StreamResampler, ResamplerQuality } from './audio/create-stream-resampler.ts';
export { createPcmDecoder } from './audio/create-pcm-decoder.ts';
export type { PcmEncoding, PcmDecoder } from './audio/create-pcm-decoder.ts';

/* labels */
export type { PhoneSegment } from './labels/phone-segment.ts';
export { readLabelFile } from './labels/read-label-file.ts';
export { parseTextGrid } from './labels/parse-text-grid.ts';
export { parseTimitPhn } from './labels/parse-timit-phn.ts';
export { parseLab } from './labels/parse-lab.ts';
export { normalizePhone } from './labels/normalize-phone.ts';
export { PHONE_SETS } from './labels/phone-sets.ts';
export type { PhoneSetName } from './labels/phone-sets.ts';
export { discoverPhoneSet } from './labels/discover-phone-set.ts';
export { foldTimit39 } from './labels/fold-timit-39.ts';
export type { LabelWarning } from './labels/fit-segments-to-duration.ts';
export { labelFrames } from './labels/label-frames.ts';
export type { FrameGeometry } from './labels/label-frames.ts';
export { LABEL_EXTENSIONS } from './labels/read-label-file.ts';
export { parseLabelBytes } from './labels/parse-label-bytes.ts';
export type { LabelParseOptions } from './labels/parse-label-bytes.ts';

/* corpus */
export type { Utterance } from './corpus/utterance.ts';
export type { CorpusEntry, CorpusProblem } from './corpus/corpus-entry.ts';
export { listCorpus } from './corpus/list-corpus.ts';
export { loadUtterance } from './corpus/load-utterance.ts';
export type { LoadOptions } from './corpus/load-utterance.ts';
export { readCorpus } from './corpus/read-corpus.ts';
export type { ReadCorpusOptions } from './corpus/read-corpus.ts';
export { splitByFile } from './corpus/split-by-file.ts';
export type { PreparedUtterance } from './corpus/prepared-utterance.ts';

/* features */
export type { FeatureFrame, UtteranceEnd, FrameEvent } from './features/frame-event.ts';
export type { FeatureConfig, FeatureNormalization, WindowKind } from './features/feature-config.ts';
export { DEFAULT_FEATURE_CONFIG } from './features/feature-config.ts';
export { validateFeatureConfig } from './features/validate-feature-config.ts';
export { featureDims } from './features/feature-dims.ts';
export { frameCount } from './features/frame-count.ts';
export { frameSignal } from './features/frame-signal.ts';
export { frameBlocks } from './features/frame-blocks.ts';
export type { FrameBlock } from './features/frame-block.ts';
export { toCepstra } from './features/to-cepstra.ts';
export type { MfccKernelConfig } from './features/kernels/mfcc-kernel-plan.ts';
export { appendDeltas } from './features/append-deltas.ts';
export { normalizeRunning } from './features/normalize-running.ts';
export { normalizeFixed } from './features/normalize-fixed.ts';
export { RunningStats } from './features/running-stats.ts';
export type { RunningStatsSnapshot } from './features/running-stats.ts';
export type { FeatureStats } from './features/feature-stats.ts';
export { loadFeatureStats } from './features/load-feature-stats.ts';
export { toFeatureFrames } from './features/to-feature-frames.ts';
export type { TimedFeatures } from './features/to-feature-frames.ts';
export { utteranceToFrameEvents } from './features/utterance-to-frame-events.ts';
export { preparedToFrameEvents } from './features/prepared-to-frame-events.ts';

/* features computed in worker threads (the CLI's fast path) */
export { FeaturePool } from './threads/feature-pool.ts';
export type { PrepareOutcome } from './threads/feature-pool.ts';
export type { PortableLoadOptions } from './threads/feature-job.ts';
export { readPreparedCorpus } from './threads/read-prepared-corpus.ts';
export type { ReadPreparedCorpusOptions } from './threads/read-prepared-corpus.ts';

/* stream utilities */
export { paceRealtime } from './stream/pace-realtime.ts';

/* learner */
export type { FramePrediction, PredictionsEvent, MetricsEvent, StreamEndEvent, LearnerEvent } from './learner/learner-event.ts';
export type { LearnerConfig, ResolvedLearnerConfig, LearnerPreset, LearnerAlgorithm, LearnerOptimizer, LearnerTruncation } from './learner/learner-config.ts';
export type { ForwardGradientName } from './learner/algorithms/forward-gradient.ts';
export { DEFAULT_LEARNER_CONFIG, resolveLearnerConfig } from './learner/learner-config.ts';
export { selectBackend } from './learner/select-backend.ts';
export type { BackendName, BackendSelection } from './learner/select-backend.ts';
export { OnlineLearner } from './learner/online-learner.ts';
export type { UpdateResult } from './learner/online-learner.ts';
export type { StreamModel } from './learner/stream-model.ts';
export type { LstmShape } from './learner/lstm-shape.ts';
export type { LearnerStream } from './learner/learner-stream.ts';
export type { StreamMemory } from './learner/stream-memory.ts';
export type { StreamOptions, PushResult, EndResult, ChunkResult, StreamStats } from './learner/learner-stream.ts';
export { learnOnline } from './learner/learn-online.ts';
export type { LearnOnlineOptions } from './learner/learn-online.ts';
export { saveLearner } from './learner/save-learner.ts';
export { loadLearner } from './learner/load-learner.ts';
export { toPytorchStateDict } from './learner/to-pytorch-state-dict.ts';
export type { PytorchStateDict } from './learner/to-pytorch-state-dict.ts';
export { fromPytorchStateDict } from './learner/from-pytorch-state-dict.ts';
export { topPhones } from './learner/top-phones.ts';

/* checkpoints (learner + feature options + normalisation statistics) */
export { saveCheckpoint } from './checkpoint/save-checkpoint.ts';
export { loadCheckpoint } from './checkpoint/load-checkpoint.ts';
export type { Checkpoint } from './checkpoint/load-checkpoint.ts';
export { loadCheckpointFrom } from './checkpoint/load-checkpoint-from.ts';
export type { CheckpointFiles } from './checkpoint/checkpoint-files.ts';
export { CheckpointFileError } from './checkpoint/checkpoint-files.ts';
export { directoryCheckpointFiles } from './checkpoint/directory-checkpoint-files.ts';
export { httpCheckpointFiles } from './checkpoint/http-checkpoint-files.ts';

/* wasm kernels (compiled on first use in Node; a browser must load them first, see phonestream/browser) */
export { loadKernels } from './kernels/load-kernels.ts';
export type { LoadKernelsOptions } from './kernels/load-kernels.ts';

/* metrics */
export { ConfusionCounts } from './metrics/confusion-counts.ts';
export { cohenKappa, chanceAgreement, type ConfusionCell } from './metrics/cohen-kappa.ts';
export { kappaFromAgreement } from './metrics/kappa-from-agreement.ts';
export { kappaTemporal, noChangeAccuracy, TemporalAgreement, type AgreementSummary } from './metrics/kappa-temporal.ts';

/* server */
export {
  PROTOCOL_VERSION,
  SUBPROTOCOLS,
  decodeClientMessage,
  encodeServerMessage,
  encodeServerMessageFor,
  negotiateProtocol,
} from './server/messages.ts';
export type {
  ClientMessage,
  ServerMessage,
  StartMessage,
  StopMessage,
  PingMessage,
  WireFrame,
  WireSegment,
  SegmentsMessage,
  ProtocolVersion,
  HelloMessage,
  StartedMessage,
  UtteranceMessage,
  DroppedMessage,
  PongMessage,
  PredictionsMessage,
  MetricsMessage,
  EndMessage,
  ErrorMessage,
} from './server/messages.ts';
export { startPredictionServer } from './server/prediction-server.ts';
export type { PredictionServer, PredictionServerOptions, ProducerStream, PageAsset } from './server/prediction-server.ts';
export { buildPageAssets } from './server/page-assets.ts';
export { produceStream } from './server/produce-stream.ts';
export type { StartRequest } from './server/produce-stream.ts';
export { toInt16Pcm } from './server/to-int16-pcm.ts';
export { PhoneSegmenter, segmentPredictions, MAX_END_SEGMENTS, type SegmentGeometry } from './server/segment-predictions.ts';
export { startGateway } from './cluster/start-gateway.ts';
export type { Gateway, GatewayOptions } from './cluster/start-gateway.ts';
export { startWorker } from './cluster/start-worker.ts';
export type { ClusterWorker, WorkerOptions } from './cluster/start-worker.ts';
