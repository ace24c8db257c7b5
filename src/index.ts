/**
 * phonestream's public API: named re-exports only, grouped by area, so the whole surface can be
 * read in this one file. pipelines/ and the CLI import from here.
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
export { createStreamResampler, prewarmResampler } from './audio/create-stream-resampler.ts';
export { createFirDecimator } from './audio/create-fir-decimator.ts';
export { usesFirDecimator } from './audio/uses-fir-decimator.ts';
export type { StreamResampler, ResamplerQuality } from './audio/create-stream-resampler.ts';
export { createPcmDecoder } from './audio/create-pcm-decoder.ts';
export type { PcmEncoding } from './audio/create-pcm-decoder.ts';

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
export { labelFrames } from './labels/label-frames.ts';
export type { FrameGeometry } from './labels/label-frames.ts';
export { fitSegmentsToDuration } from './labels/fit-segments-to-duration.ts';
export type { LabelWarning, FitOptions } from './labels/fit-segments-to-duration.ts';
export { assertPhonesInSet } from './labels/assert-phones-in-set.ts';
export { LABEL_EXTENSIONS } from './labels/read-label-file.ts';

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
export { appendDeltas } from './features/append-deltas.ts';
export { normalizeRunning } from './features/normalize-running.ts';
export { normalizeFixed } from './features/normalize-fixed.ts';
export { RunningStats } from './features/running-stats.ts';
export type { FeatureStats } from './features/feature-stats.ts';
export { loadFeatureStats } from './features/load-feature-stats.ts';
export { toFeatureFrames } from './features/to-feature-frames.ts';
export type { TimedFeatures } from './features/to-feature-frames.ts';
export { utteranceToFrameEvents } from './features/utterance-to-frame-events.ts';
export { normalizeFeatures } from './features/normalize-features.ts';
export { unnormalizedFeatures } from './features/unnormalized-features.ts';
export { preparedToFrameEvents } from './features/prepared-to-frame-events.ts';
export { windowFunction } from './features/window-function.ts';
export { createAmplitudeSpectrum } from './features/create-amplitude-spectrum.ts';
export { createMfccExtractor } from './features/create-mfcc-extractor.ts';
export { NORMALIZATION_FLOOR } from './features/normalization-floor.ts';

/* threads */
export { FeaturePool } from './threads/feature-pool.ts';
export type { PrepareOutcome } from './threads/feature-pool.ts';
export { readPreparedCorpus } from './threads/read-prepared-corpus.ts';
export type { ReadPreparedCorpusOptions } from './threads/read-prepared-corpus.ts';

/* stream utilities */
export { paceRealtime } from './stream/pace-realtime.ts';

/* learner */
export type { FramePrediction, PredictionsEvent, MetricsEvent, StreamEndEvent, LearnerEvent } from './learner/learner-event.ts';
export type { LearnerConfig, ResolvedLearnerConfig, LearnerPreset, LearnerAlgorithm, LearnerOptimizer } from './learner/learner-config.ts';
export { DEFAULT_LEARNER_CONFIG, resolveLearnerConfig } from './learner/learner-config.ts';
export { selectBackend } from './learner/select-backend.ts';
export type { BackendName, BackendSelection } from './learner/select-backend.ts';
export { OnlineLearner } from './learner/online-learner.ts';
export type { UpdateResult } from './learner/online-learner.ts';
export { LearnerStream } from './learner/learner-stream.ts';
export type { StreamOptions, PushResult, EndResult, ChunkResult, StreamStats } from './learner/learner-stream.ts';
export { learnOnline } from './learner/learn-online.ts';
export { FrameBatcher } from './learner/frame-batcher.ts';
export type { BatcherJob, BatcherStats } from './learner/frame-batcher.ts';
export { pushBatch } from './learner/push-batch.ts';
export type { BatchFrame } from './learner/push-batch.ts';
export type { LearnOnlineOptions } from './learner/learn-online.ts';
export { missingKernels } from './learner/check-kernels.ts';
export { LEARNER_KERNELS } from './learner/learner-kernels.ts';
export { saveLearner, LEARNER_FORMAT, LEARNER_FORMAT_VERSION } from './learner/save-learner.ts';
export { loadLearner } from './learner/load-learner.ts';
export { toPytorchStateDict } from './learner/to-pytorch-state-dict.ts';
export type { PytorchStateDict } from './learner/to-pytorch-state-dict.ts';
export { fromPytorchStateDict } from './learner/from-pytorch-state-dict.ts';
export { topPhones } from './learner/top-phones.ts';

/* learner math (typed arrays, WebAssembly SIMD kernels) */
export type { LstmShape } from './learner/lstm-shape.ts';
export { paramLayout } from './learner/param-layout.ts';
export type { ParamLayout, ParamEntry } from './learner/param-layout.ts';
export { initParams } from './learner/init-params.ts';
export { zeroState, cloneState } from './learner/lstm-state.ts';
export type { LstmState } from './learner/lstm-state.ts';
export { createStepCache, stateAfter, probsOf } from './learner/step-cache.ts';
export type { StepCache } from './learner/step-cache.ts';
export { forwardStep } from './learner/forward-step.ts';
export { forwardStepBatch } from './learner/forward-step-batch.ts';
export { forwardSequence } from './learner/forward-sequence.ts';
export { tbpttGradients } from './learner/tbptt-gradients.ts';
export { allocFloats } from './learner/kernels/alloc-floats.ts';
export { useWasmKernels } from './learner/kernels/use-wasm-kernels.ts';

/* checkpoints (learner + feature options + normalisation statistics) */
export { saveCheckpoint, FEATURES_FILE } from './checkpoint/save-checkpoint.ts';
export { loadCheckpoint } from './checkpoint/load-checkpoint.ts';
export type { Checkpoint } from './checkpoint/load-checkpoint.ts';

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
  WireFrame,
  WireSegment,
  SegmentsMessage,
  ProtocolVersion,
  HelloMessage,
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
export { toLiveFrameEvents } from './server/to-live-frame-events.ts';
export { PhoneSegmenter, segmentPredictions, MAX_END_SEGMENTS, type SegmentGeometry } from './server/segment-predictions.ts';
export { coalescePredictions } from './server/coalesce-predictions.ts';
export { isAllowedOrigin } from './server/is-allowed-origin.ts';
