import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { Observable } from 'rxjs';
import { httpCheckpointFiles } from '../checkpoint/http-checkpoint-files.ts';
import { loadCheckpointFrom, type Checkpoint } from '../checkpoint/load-checkpoint-from.ts';
import { loadKernels } from '../kernels/load-kernels.ts';
import { configureArena } from '../learner/kernels/wasm-arena.ts';
import type { LearnerEvent } from '../learner/learner-event.ts';
import { selectBackend, type BackendName } from '../learner/select-backend.ts';
import type { ServerMessage } from '../server/messages.ts';
import { predictPcm } from './predict-pcm.ts';
import { readLabelledRecording, type NamedBytes } from './read-labelled-recording.ts';
import { trainOnRecording, type TrainOnRecordingOptions } from './train-on-recording.ts';

/** Where the in-tab engine finds its files (URLs of directories; relative ones resolve against the page). */
export interface InTabOptions {
  /** The checkpoint's directory (model.json, its weights, its feature file). */
  checkpointUrl: string | URL;
  /** The directory serving lstm-kernels.wasm and mfcc-kernels.wasm (default: beside the script). */
  kernelsUrl?: string | URL;
  /** The directory serving tfjs-backend-wasm*.wasm (needed for the `wasm` backend). */
  tfjsWasmUrl?: string | URL;
  /** tfjs backend to use instead of the automatic order (wasm, else cpu). */
  backend?: BackendName;
  /**
   * MiB of the kernel arena (default 256): a tab needs one model and two streams, not the 2 GiB a
   * server reserves, and a browser may refuse that much.
   */
  arenaMib?: number;
}

/** The model running in a tab: predict a microphone, learn from a dropped recording. */
export interface InTabEngine {
  /** The tfjs backend in use. */
  readonly backend: string;
  /** The loaded checkpoint: learner, feature options, normalisation statistics. */
  readonly checkpoint: Checkpoint;
  /** Float32 samples at `sampleRate` → the served pipeline's messages (see predictPcm). */
  predict(samples$: Observable<Float32Array>, sampleRate: number, stream?: string): Observable<LearnerEvent | ServerMessage>;
  /** Reads the dropped files (one recording, one label file) and trains on them; the loss of each pass. */
  train(files: readonly NamedBytes[], options?: TrainOnRecordingOptions): Promise<number[]>;
  /** Frees the model (its tensors and kernel memory). */
  dispose(): void;
}

const DEFAULT_ARENA_MIB = 256;

/**
 * Opens the in-tab engine: picks the tfjs backend (wasm when `tfjsWasmUrl` says where its
 * .wasm files are and it initialises, else cpu; or `backend`), fetches and compiles our wasm kernels (`loadKernels`), then loads
 * the checkpoint over HTTP, trainable, with its own feature options, statistics and TBPTT options.
 *
 * @throws ConfigError or InputError naming the URL that failed (a kernel, a checkpoint file)
 *
 * ## Example
 * ```ts
 * const engine = await openInTabEngine({ checkpointUrl: 'checkpoint/', tfjsWasmUrl: 'tfjs/' });
 * engine.predict(mic$, 48000).subscribe(show);
 * ```
 */
export async function openInTabEngine(options: InTabOptions): Promise<InTabEngine> {
  const base = typeof location === 'undefined' ? undefined : location.href;
  const resolve = (u: string | URL): string => new URL(String(u), base).href;
  if (options.tfjsWasmUrl !== undefined) setWasmPaths(ensureSlash(resolve(options.tfjsWasmUrl)));
  const { backend } = await selectBackend(options.backend ?? (options.tfjsWasmUrl === undefined ? 'cpu' : undefined));
  configureArena(options.arenaMib ?? DEFAULT_ARENA_MIB);
  await loadKernels({ baseUrl: options.kernelsUrl === undefined ? undefined : ensureSlash(resolve(options.kernelsUrl)) });
  // Trainable whatever the checkpoint says: learning from a dropped recording is the point.
  const checkpoint = await loadCheckpointFrom(httpCheckpointFiles(resolve(options.checkpointUrl)), { trainable: true });
  const { learner, features, stats } = checkpoint;
  return {
    backend,
    checkpoint,
    predict: (samples$, sampleRate, stream) => predictPcm(samples$, { learner, features, prior: stats, sampleRate, stream }),
    async train(files, trainOptions) {
      const utterance = await readLabelledRecording(files, learner.config.phones);
      return trainOnRecording(learner, utterance, features, stats, trainOptions);
    },
    dispose() {
      learner.dispose();
    },
  };
}

function ensureSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
