import { Observable } from 'rxjs';
import { Worker } from 'node:worker_threads';
import type { ResamplerQuality } from '../audio/create-stream-resampler.ts';
import { ConfigError } from '../errors.ts';
import { RUNS_FROM_SOURCES } from '../package-root.ts';
import type { FeatureConfig } from '../features/feature-config.ts';
import type { RunningStats } from '../features/running-stats.ts';
import type { OnlineLearner } from '../learner/online-learner.ts';
import type { BackendName } from '../learner/select-backend.ts';
import type { ServerMessage } from '../server/messages.ts';
import { routeOf, type EncodedMessage, type ProducerStream } from '../server/prediction-server.ts';
import type { LiveWorkerBatch, LiveWorkerCommand, LiveWorkerInit, LiveWorkerReport, LiveWorkerStats } from './live-job.ts';

// From the sources through the tsx bootstrap, from the build the compiled worker (see feature-pool.ts).
const BOOTSTRAP = RUNS_FROM_SOURCES ? new URL('./live-worker-bootstrap.mjs', import.meta.url) : new URL('./live-worker.js', import.meta.url);

/** How often a training model's new weights are sent to the workers (ms). */
export const WEIGHT_SYNC_MS = 100;

/** Options of {@link LiveWorkerPool.start}. */
export interface LiveWorkerPoolOptions {
  /** Worker threads (an integer ≥ 1). */
  size: number;
  learner: OnlineLearner;
  featureConfig: FeatureConfig;
  normalizationPrior: RunningStats;
  resampleQuality: ResamplerQuality;
}

interface Slot {
  worker: Worker;
  /** Streams on this worker, with what receives their messages. */
  streams: Map<string, { emit(message: EncodedMessage): void; done(): void }>;
  /** This turn's commands for the worker, sent as one message when the turn ends. */
  outbox: LiveWorkerCommand[];
  transfer: ArrayBuffer[];
  /** Why this worker stopped, once it has. */
  dead?: Error;
}

const utf8 = new TextEncoder();
const encoded = (msg: ServerMessage): EncodedMessage => ({ ...routeOf(msg), bytes: utf8.encode(JSON.stringify(msg)) });

/**
 * Worker threads that predict live streams, so a server's streams are spread over every core
 * while the main thread keeps the sockets (and any training). Each worker holds a predicting copy
 * of the shared model and runs each of its streams through the same pipeline as the main thread
 * would ({@link predictLiveStream}), its frames batched per event-loop turn with the worker's
 * other streams. A new stream goes to the worker holding the fewest.
 *
 * Weights: when the shared model trains (a replay on the main thread), its weights are sent to
 * every worker at most every {@link WEIGHT_SYNC_MS} ms, so a threaded stream predicts with weights
 * up to that old; with a frozen model the predictions are exactly the main thread's.
 *
 * A worker that dies ends its streams with an `error` each; later streams go to the others.
 */
export class LiveWorkerPool {
  private readonly syncTimer: NodeJS.Timeout;
  private sentVersion: number;
  private closed = false;
  private requests = 0;
  /** Stats requests waiting for their worker's answer, with the worker asked. */
  private readonly pendingStats = new Map<number, { slot: Slot; resolve(stats: LiveWorkerStats): void; reject(err: Error): void }>();

  private constructor(
    private readonly slots: Slot[],
    private readonly learner: OnlineLearner,
  ) {
    this.sentVersion = learner.version;
    this.syncTimer = setInterval(() => this.syncWeights(), WEIGHT_SYNC_MS);
    this.syncTimer.unref();
  }

  /** Starts the workers; resolves once every one has built its model and features. */
  static async start(options: LiveWorkerPoolOptions): Promise<LiveWorkerPool> {
    const { size, learner } = options;
    if (!Number.isInteger(size) || size < 1) throw new ConfigError(`live worker threads: expected an integer ≥ 1, got ${size}`);
    const c = learner.config;
    const init: LiveWorkerInit = {
      backend: learner.backend as BackendName,
      model: { inputSize: c.inputSize, phones: c.phones, hiddenSize: c.hiddenSize, layers: c.layers, delay: c.delay },
      params: learner.params.slice(),
      featureConfig: options.featureConfig,
      normalizationPrior: options.normalizationPrior.snapshot(),
      resampleQuality: options.resampleQuality,
    };
    const slots = await Promise.all(Array.from({ length: size }, () => startWorker(init)));
    const pool = new LiveWorkerPool(slots, learner);
    for (const slot of slots) pool.watch(slot);
    return pool;
  }

  /** Streams running on each worker (for tests and benchmarks). */
  get load(): number[] {
    return this.slots.map((s) => s.streams.size);
  }

  /**
   * One producer's stream on a worker: its PCM goes there, its messages come back encoded, ready
   * for `publishEncoded`. Unsubscribing drops the stream on the worker.
   */
  predict(producer: ProducerStream): Observable<EncodedMessage> {
    return new Observable((subscriber) => {
      const { id } = producer;
      const live = this.slots.filter((s) => !s.dead);
      if (this.closed || live.length === 0) {
        subscriber.next(encoded({ type: 'error', stream: id, message: `${id}: internal error: no live worker thread is running` }));
        subscriber.complete();
        return;
      }
      const slot = live.reduce((a, b) => (b.streams.size < a.streams.size ? b : a));
      const send = (command: LiveWorkerCommand, transfer?: ArrayBuffer[]) => this.send(slot, command, transfer);
      let finished = false;
      slot.streams.set(id, {
        emit: (event) => subscriber.next(event),
        done: () => {
          finished = true;
          slot.streams.delete(id);
          subscriber.complete();
        },
      });
      send({ type: 'open', id, sampleRate: producer.sampleRate, encoding: producer.encoding, channels: producer.channels ?? 1, ...(producer.labels && { labels: producer.labels }) });
      const audio = producer.pcm$.subscribe({
        // the server hands over a copy of each message: its buffer can move without another
        next: (bytes) => send({ type: 'pcm', id, bytes }, ownsBuffer(bytes) ? [bytes.buffer as ArrayBuffer] : undefined),
        error: (err: Error) => send({ type: 'fail', id, message: err.message }),
        complete: () => send({ type: 'stop', id }),
      });
      return () => {
        audio.unsubscribe();
        if (!finished && !slot.dead) {
          slot.streams.delete(id);
          send({ type: 'cancel', id });
        }
      };
    });
  }

  /** Each running worker's streams and memory (for leak checks), in worker order; rejects if one dies first. */
  async stats(): Promise<LiveWorkerStats[]> {
    return Promise.all(
      this.slots.filter((s) => !s.dead).map(
        (slot) =>
          new Promise<LiveWorkerStats>((resolve, reject) => {
            const request = ++this.requests;
            this.pendingStats.set(request, { slot, resolve, reject });
            this.send(slot, { type: 'stats', request });
          }),
      ),
    );
  }

  /** Stops the workers; their running streams end with an `error` each. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.syncTimer);
    for (const slot of this.slots) this.fail(slot, new Error('the live worker pool was closed'));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  /** Queues a command for the worker; the turn's commands go as one message once the turn ends. */
  private send(slot: Slot, command: LiveWorkerCommand, transfer?: ArrayBuffer[]): void {
    if (slot.dead) return;
    if (transfer) slot.transfer.push(...transfer);
    if (slot.outbox.push(command) > 1) return;
    setImmediate(() => {
      const batch: LiveWorkerBatch = { type: 'batch', commands: slot.outbox };
      const buffers = slot.transfer;
      slot.outbox = [];
      slot.transfer = [];
      if (!slot.dead) slot.worker.postMessage(batch, buffers);
    });
  }

  private syncWeights(): void {
    if (this.learner.version === this.sentVersion) return;
    this.sentVersion = this.learner.version;
    for (const slot of this.slots) {
      const params = this.learner.params.slice();
      this.send(slot, { type: 'weights', params }, [params.buffer]);
    }
  }

  private watch(slot: Slot): void {
    slot.worker.on('message', (report: LiveWorkerReport) => {
      if (report.type === 'stats') {
        this.pendingStats.get(report.request)?.resolve(report.stats);
        this.pendingStats.delete(report.request);
      }
      if (report.type !== 'batch') return;
      for (const item of report.items) {
        const stream = slot.streams.get(item.id);
        if ('message' in item) stream?.emit(item.message);
        else stream?.done();
      }
    });
    slot.worker.on('error', (err) => this.fail(slot, err));
    slot.worker.on('exit', (code) => this.fail(slot, new Error(`a live worker thread exited (code ${code})`)));
  }

  /** Marks the slot dead and ends each of its streams with an `error` saying why. */
  private fail(slot: Slot, err: Error): void {
    if (slot.dead) return;
    slot.dead = err;
    for (const [request, pending] of this.pendingStats) {
      if (pending.slot !== slot) continue;
      this.pendingStats.delete(request);
      pending.reject(err);
    }
    const streams = [...slot.streams];
    slot.streams.clear();
    for (const [id, s] of streams) {
      s.emit(encoded({ type: 'error', stream: id, message: `${id}: internal error: ${err.message}` }));
      s.done();
    }
  }
}

/** Whether a view covers its whole buffer (so transferring the buffer moves nothing else). */
function ownsBuffer(bytes: Uint8Array): boolean {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && !(bytes.buffer instanceof SharedArrayBuffer);
}

/** One worker, resolved once it reports ready; rejects with why it could not start. */
function startWorker(init: LiveWorkerInit): Promise<Slot> {
  const worker = new Worker(BOOTSTRAP, { workerData: init });
  // The server's socket keeps the process alive, not its workers.
  worker.unref();
  return new Promise<Slot>((resolve, reject) => {
    const onMessage = (report: LiveWorkerReport) => {
      if (report.type === 'ready') {
        off();
        resolve({ worker, streams: new Map(), outbox: [], transfer: [] });
      } else if (report.type === 'init-failed') {
        off();
        void worker.terminate();
        reject(new ConfigError(`a live worker thread could not start: ${report.message}`));
      }
    };
    const onExit = (code: number) => {
      off();
      reject(new Error(`a live worker thread exited (code ${code}) before it was ready`));
    };
    const onError = (err: Error) => {
      off();
      void worker.terminate();
      reject(new ConfigError(`a live worker thread could not start: ${err.message}`));
    };
    const off = () => {
      worker.off('message', onMessage);
      worker.off('exit', onExit);
      worker.off('error', onError);
    };
    worker.on('message', onMessage);
    worker.on('exit', onExit);
    worker.on('error', onError);
  });
}
