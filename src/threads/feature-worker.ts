/**
 * Feature worker thread (started by FeaturePool through feature-worker-bootstrap.mjs): reads corpus
 * entries and computes their unnormalised features, one job after another in the order received,
 * posting each result back with its feature array transferred.
 */
import { parentPort } from 'node:worker_threads';
import { loadUtterance } from '../corpus/load-utterance.ts';
import type { Utterance } from '../corpus/utterance.ts';
import type { LabelWarning } from '../labels/fit-segments-to-duration.ts';
import { unnormalizedFeatures } from '../features/unnormalized-features.ts';
import { frameCount } from '../features/frame-count.ts';
import type { FeatureJob, FeatureJobResult, PortableError } from './feature-job.ts';

const port = parentPort;
if (!port) throw new Error('feature-worker.ts runs as a worker thread (see FeaturePool)');

const portable = (err: unknown): PortableError => {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err) };
  const source = (err as { source?: unknown }).source;
  return { name: err.name, message: err.message, stack: err.stack, ...(typeof source === 'string' && { source }) };
};

async function prepare(job: FeatureJob): Promise<void> {
  let utterance: Utterance;
  const warnings: LabelWarning[] = [];
  try {
    utterance = await loadUtterance(job.entry, { ...job.load, onWarning: (w) => warnings.push(w) });
  } catch (err) {
    port!.postMessage({ job: job.job, ok: false, phase: 'load', error: portable(err) } satisfies FeatureJobResult);
    return;
  }
  let features: Float32Array;
  try {
    features = unnormalizedFeatures(utterance.audio.samples, job.features, utterance.audioPath);
  } catch (err) {
    port!.postMessage({ job: job.job, ok: false, phase: 'features', error: portable(err) } satisfies FeatureJobResult);
    return;
  }
  const { id, audioPath, labelPath, segments } = utterance;
  const frames = frameCount(utterance.audio.samples.length, job.features.windowSize, job.features.hopSize);
  const result: FeatureJobResult = {
    job: job.job,
    ok: true,
    utterance: { id, audioPath, labelPath, segments, frames, features, ...(warnings.length > 0 && { warnings }) },
  };
  // the array was allocated here, never shared: its buffer moves to the main thread without a copy
  port!.postMessage(result, [features.buffer as ArrayBuffer]);
}

// One job at a time, in arrival order: the main thread assigns jobs in corpus order, and a
// worker interleaving two jobs' awaits would only delay the earlier one.
let queue = Promise.resolve();
port.on('message', (job: FeatureJob) => {
  queue = queue.then(() => prepare(job));
});
