import type { ResamplerQuality } from '../audio/create-stream-resampler.ts';
import type { FeatureConfig } from '../features/feature-config.ts';
import type { RunningStatsSnapshot } from '../features/running-stats.ts';
import type { BackendName } from '../learner/select-backend.ts';
import type { PcmEncoding } from '../server/messages.ts';
import type { PhoneSegment } from '../labels/phone-segment.ts';
import type { EncodedMessage } from '../server/prediction-server.ts';

/** What a live worker needs to predict streams exactly as the main thread would. */
export interface LiveWorkerInit {
  backend: BackendName;
  /** The model's shape and phones; the worker's copy only predicts. */
  model: { inputSize: number; phones: string[]; hiddenSize: number; layers: 1 | 2; delay: number };
  params: Float32Array;
  featureConfig: FeatureConfig;
  normalizationPrior: RunningStatsSnapshot;
  resampleQuality: ResamplerQuality;
}

/** Main thread → live worker: the commands of one event-loop turn, in order (one message, not one per command). */
export interface LiveWorkerBatch {
  type: 'batch';
  commands: LiveWorkerCommand[];
}

/** One command to a live worker. */
export type LiveWorkerCommand =
  | { type: 'open'; id: string; sampleRate: number; encoding: PcmEncoding; channels: number; labels?: PhoneSegment[] }
  /** Audio bytes as the producer sent them (the buffer is transferred). */
  | { type: 'pcm'; id: string; bytes: Uint8Array }
  /** The producer stopped: predict what is left, then `end`. */
  | { type: 'stop'; id: string }
  /** The producer was cut off: the stream fails with this message. */
  | { type: 'fail'; id: string; message: string }
  /** Nobody listens any more: drop the stream without flushing it. */
  | { type: 'cancel'; id: string }
  /** The shared model's weights changed (it trains on the main thread). */
  | { type: 'weights'; params: Float32Array }
  /** Report the worker's memory ({@link LiveWorkerStats}). */
  | { type: 'stats'; request: number };

/** A live worker's memory and streams, for leak checks. */
export interface LiveWorkerStats {
  streams: number;
  /** Bytes held in the worker's kernel arena, and promised to its open streams. */
  arenaUsedBytes: number;
  arenaReservedBytes: number;
  numTensors: number;
}

/** Live worker → main thread. */
export type LiveWorkerReport =
  | { type: 'ready' }
  /** The worker could not start (its backend, the model or the features). */
  | { type: 'init-failed'; message: string }
  /** What the worker's streams produced in one event-loop turn, in order (their buffers transferred). */
  | { type: 'batch'; items: LiveWorkerItem[] }
  | { type: 'stats'; request: number; stats: LiveWorkerStats };

/** One stream's message, encoded on the worker, or the sign that its messages are all sent. */
export type LiveWorkerItem = { id: string; message: EncodedMessage } | { id: string; done: true };
