/**
 * Live worker thread (started by LiveWorkerPool through live-worker-bootstrap.mjs): holds the
 * predicting live streams the main thread hands it, each through the same pipeline as on the main
 * thread (decode, resample, features, its own learner stream, batched inference per event-loop
 * turn), on a predicting copy of the shared model whose weights the main thread refreshes.
 */
import * as tf from '@tensorflow/tfjs';
import { Subject, type Subscription } from 'rxjs';
import { parentPort, workerData } from 'node:worker_threads';
import { RunningStats } from '../features/running-stats.ts';
import { FrameBatcher } from '../learner/frame-batcher.ts';
import { arenaStats } from '../learner/kernels/wasm-arena.ts';
import { OnlineLearner } from '../learner/online-learner.ts';
import { selectBackend } from '../learner/select-backend.ts';
import { predictLiveStream, type LiveStreamContext } from '../server/predict-live-stream.ts';
import { encodeForClients } from '../server/prediction-server.ts';
import type { LiveWorkerBatch, LiveWorkerCommand, LiveWorkerInit, LiveWorkerItem, LiveWorkerReport } from './live-job.ts';

const port = parentPort;
if (!port) throw new Error('live-worker.ts runs as a worker thread (see LiveWorkerPool)');
const post = (report: LiveWorkerReport) => port.postMessage(report);

let ctx: LiveStreamContext;
try {
  const init = workerData as LiveWorkerInit;
  await selectBackend(init.backend);
  const learner = new OnlineLearner({ ...init.model, trainable: false }, init.params);
  ctx = {
    learner,
    featureConfig: init.featureConfig,
    normalizationPrior: RunningStats.fromSnapshot(init.normalizationPrior),
    resampleQuality: init.resampleQuality,
    allowLearning: false,
    batcher: new FrameBatcher(),
  };
} catch (err) {
  post({ type: 'init-failed', message: (err as Error).message });
  throw err;
}

const streams = new Map<string, { pcm: Subject<Uint8Array>; subscription: Subscription }>();
const utf8 = new TextEncoder();

// What this turn's streams produced, posted as one message when the turn ends: a message per
// event would cost the main thread more than the work it moved here.
let items: LiveWorkerItem[] = [];
let transfer: ArrayBuffer[] = [];
function report(item: LiveWorkerItem): void {
  if ('message' in item) {
    transfer.push(item.message.bytes.buffer as ArrayBuffer);
    if (item.message.v1) transfer.push(item.message.v1.buffer as ArrayBuffer);
  }
  if (items.push(item) === 1) setImmediate(flush);
}
function flush(): void {
  const batch: LiveWorkerReport = { type: 'batch', items };
  const buffers = transfer;
  items = [];
  transfer = [];
  port!.postMessage(batch, buffers);
}

port.on('message', (batch: LiveWorkerBatch) => {
  for (const command of batch.commands) handle(command);
});

function handle(command: LiveWorkerCommand): void {
  switch (command.type) {
    case 'open': {
      const { id, sampleRate, encoding, channels, labels } = command;
      const pcm = new Subject<Uint8Array>();
      const producer = { id, sampleRate, encoding, channels, learn: false, pcm$: pcm.asObservable(), ...(labels && { labels }) };
      const entry = { pcm, subscription: undefined as unknown as Subscription };
      streams.set(id, entry);
      entry.subscription = predictLiveStream(producer, ctx).subscribe({
        // encoded here, so the main thread only routes the bytes
        next: (event) => report({ id, message: encodeForClients(event) }),
        complete: () => {
          streams.delete(id);
          report({ id, done: true });
        },
      });
      return;
    }
    case 'pcm':
      return streams.get(command.id)?.pcm.next(command.bytes);
    case 'stop':
      return streams.get(command.id)?.pcm.complete();
    case 'fail':
      return streams.get(command.id)?.pcm.error(new Error(command.message));
    case 'cancel': {
      const entry = streams.get(command.id);
      streams.delete(command.id);
      return entry?.subscription.unsubscribe();
    }
    case 'weights':
      // Between frames: a message is handled only when no batch is running.
      return ctx.learner.setParams(command.params);
    case 'stats': {
      const arena = arenaStats();
      const stats = { streams: streams.size, arenaUsedBytes: arena?.usedBytes ?? 0, arenaReservedBytes: arena?.reservedBytes ?? 0, numTensors: tf.memory().numTensors };
      return post({ type: 'stats', request: command.request, stats });
    }
  }
}
post({ type: 'ready' });
