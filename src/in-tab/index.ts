/**
 * phonestream in a browser (`import … from 'phonestream/browser'`): the features and the learner
 * running in the page, no server. Kernels and checkpoints are fetched (no `fs`): call
 * `loadKernels()` (or `openInTabEngine`, which does) before the first learner or feature plan.
 * Bundle it for the browser: the package's `browser` field swaps in the fetch-based kernel reader
 * and meyda's ESM filterbank. test/architecture/browser-api.test.ts pins the list.
 *
 * @packageDocumentation
 */

/* errors */
export { InputError, ConfigError } from '../errors.ts';

/* kernels */
export { loadKernels } from '../kernels/load-kernels.ts';
export type { LoadKernelsOptions } from '../kernels/load-kernels.ts';

/* checkpoints */
export type { CheckpointFiles } from '../checkpoint/checkpoint-files.ts';
export { CheckpointFileError } from '../checkpoint/checkpoint-files.ts';
export { httpCheckpointFiles } from '../checkpoint/http-checkpoint-files.ts';
export { loadCheckpointFrom } from '../checkpoint/load-checkpoint-from.ts';
export type { Checkpoint } from '../checkpoint/load-checkpoint-from.ts';

/* labels */
export { parseLabelBytes, LABEL_EXTENSIONS } from '../labels/parse-label-bytes.ts';
export type { LabelParseOptions } from '../labels/parse-label-bytes.ts';
export type { PhoneSegment } from '../labels/phone-segment.ts';

/* the in-tab engine */
export { openInTabEngine } from './open-in-tab-engine.ts';
export type { InTabEngine, InTabOptions } from './open-in-tab-engine.ts';
export { predictPcm } from './predict-pcm.ts';
export type { PredictPcmOptions } from './predict-pcm.ts';
export { readLabelledRecording, pickRecordingFiles, RECORDING_EXTENSIONS } from './read-labelled-recording.ts';
export type { NamedBytes } from './read-labelled-recording.ts';
export { trainOnRecording } from './train-on-recording.ts';
export type { TrainOnRecordingOptions } from './train-on-recording.ts';
export { initialStatus, publishStatus } from './phonestream-status.ts';
export type { PhonestreamStatus, StatusWindow } from './phonestream-status.ts';

/* the learner's events and the served protocol's messages (what predict emits) */
export type { LearnerEvent, FramePrediction, PredictionsEvent, MetricsEvent, StreamEndEvent } from '../learner/learner-event.ts';
export type { ServerMessage } from '../server/messages.ts';
export { OnlineLearner } from '../learner/online-learner.ts';
export { selectBackend } from '../learner/select-backend.ts';
export type { BackendName } from '../learner/select-backend.ts';
