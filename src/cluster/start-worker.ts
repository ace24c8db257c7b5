import { randomBytes } from 'node:crypto';
import { EMPTY, timeout, type Subscription } from 'rxjs';
import type { FeatureConfig } from '../features/feature-config.ts';
import type { RunningStats } from '../features/running-stats.ts';
import { FrameBatcher } from '../learner/frame-batcher.ts';
import type { OnlineLearner } from '../learner/online-learner.ts';
import { encodeServerMessage } from '../server/messages.ts';
import { predictLiveStream, type LiveStreamContext } from '../server/predict-live-stream.ts';
import type { ProducerStream } from '../server/prediction-server.ts';
import { helloOf } from '../server/hello-of.ts';
import { outSubject } from './cluster-names.ts';
import { connectCluster, type ClusterLimits } from './connect-cluster.ts';
import { consumeStreamAudio } from './consume-stream-audio.ts';
import { OrderedPublisher } from './ordered-publisher.ts';
import { PartitionLeases } from './partition-leases.ts';
import { parseStreamRecord, type StreamRecord } from './stream-record.ts';
import { followLatestModel } from './follow-latest-model.ts';
import type { LatestModel } from './publish-model.ts';
import { livePrior } from '../features/live-prior.ts';

export interface WorkerOptions {
  /** NATS server URL(s), e.g. 'nats://127.0.0.1:4222'. */
  nats: string;
  /** The serving model (frozen: a worker only predicts). */
  learner: OnlineLearner;
  featureConfig: FeatureConfig;
  /** Each stream's normalisation starts from a copy of it (as in `serve`). */
  normalizationPrior: RunningStats;
  /** Partitions the streams are spread over; every gateway and worker of a cluster must agree. Default 16. */
  partitions?: number;
  /** Default: `w` + 8 random hex digits. */
  id?: string;
  limits?: Partial<ClusterLimits>;
  /** Lease renewal period (ms); default 1000. */
  renewMs?: number;
  /**
   * A stream with no audio for this long is ended as if stopped (its producer's gateway died, so
   * no end marker will come). Default 30000 ms.
   */
  idleMs?: number;
  log?: (line: string) => void;
  /**
   * Hot-reload the model the cluster announces in the model bucket's `latest` (a distributed
   * replay's result; followLatestModel), between frames; a model of another shape, phone set or
   * features is refused loudly and the old one kept. Default true.
   */
  followLatest?: boolean;
}

export interface ClusterWorker {
  id: string;
  /** Partitions held now. */
  readonly partitions: number[];
  /** Streams being predicted now. */
  readonly streams: string[];
  /** The announced model now serving (null: the one it was started with). */
  readonly model: LatestModel | null;
  /** Releases its partitions (others take them over at once) and stops. */
  close(): Promise<void>;
}

/**
 * A worker of a phonestream cluster: it holds a share of the partitions (leases in KV), and for
 * every stream of a partition it holds that is not done, it reads the stream's audio from
 * JetStream from the first message and runs the same per-stream pipeline as `serve`
 * (predictLiveStream: resampling, features, the LSTM, segments), publishing every message on
 * `phonestream.out.<stream>` (JetStream, in order per stream). When it takes over a partition (its holder died or gave it up) it
 * does the same for the partition's live streams: their state is rebuilt by running them again
 * over their audio, and the gateways drop what they passed on already (OutputDedupe). When a
 * stream's `end` or `error` is out, its record is marked done.
 *
 * ## Example
 * ```ts
 * const worker = await startWorker({ nats: 'nats://127.0.0.1:4222', learner, featureConfig, normalizationPrior });
 * ```
 */
export async function startWorker(o: WorkerOptions): Promise<ClusterWorker> {
  const id = o.id ?? `w${randomBytes(4).toString('hex')}`;
  const partitions = o.partitions ?? 16;
  const log = o.log ?? (() => {});
  const cluster = await connectCluster(o.nats, `phonestream worker ${id}`, o.limits);
  const { js, streams } = cluster;
  // What gateways put in `hello`: the model and features (the same for every worker of a cluster).
  await cluster.model.put('info', JSON.stringify(helloOf(o.learner, o.featureConfig)));

  const ctx: LiveStreamContext = {
    learner: o.learner,
    featureConfig: o.featureConfig,
    normalizationPrior: o.normalizationPrior,
    resampleQuality: 'medium',
    allowLearning: false,
    batcher: new FrameBatcher(),
  };
  const records = new Map<string, StreamRecord>();
  const running = new Map<string, { partition: number; sub: Subscription }>();

  const utf8 = new TextEncoder();
  const outbox = new OrderedPublisher(js, (subject, err) => log(`${id}: ${subject}: a message was lost: ${err.message}`));
  const send = (stream: string, ev: Parameters<typeof encodeServerMessage>[0]) => outbox.publish(stream, outSubject(stream), utf8.encode(encodeServerMessage(ev)));
  function run(record: StreamRecord): void {
    if (running.has(record.id) || record.status === 'done' || !leases.holds(record.partition)) return;
    const producer: ProducerStream = {
      ...(record.extra ?? {}),
      id: record.id,
      sampleRate: record.sampleRate,
      encoding: record.encoding,
      learn: false,
      ...(record.labels !== undefined && { labels: record.labels }),
      pcm$: consumeStreamAudio(js, record.partition, record.id).pipe(timeout({ each: o.idleMs ?? 30_000, with: () => EMPTY })),
    };
    log(`${id}: predicting ${record.id} (partition ${record.partition})`);
    const entry = { partition: record.partition, sub: undefined as unknown as Subscription };
    running.set(record.id, entry);
    entry.sub = predictLiveStream(producer, ctx).subscribe({
      next: (ev) => {
        const message = 'kind' in ev ? null : ev;
        send(record.id, ev);
        const final = ('kind' in ev && ev.kind === 'end' && ev.utterance === undefined) || message?.type === 'end' || message?.type === 'error';
        if (final) finish(record);
      },
      error: (err: Error) => {
        send(record.id, { type: 'error', stream: record.id, message: `${record.id}: ${err.message}` });
        finish(record);
      },
    });
  }
  function finish(record: StreamRecord): void {
    running.get(record.id)?.sub?.unsubscribe();
    running.delete(record.id);
    records.delete(record.id);
    void streams.put(record.id, JSON.stringify({ ...record, status: 'done' })).catch((err: Error) => log(`${id}: ${record.id}: could not mark it done: ${err.message}`));
  }
  function stopPartition(partition: number): void {
    for (const [stream, r] of [...running]) {
      if (r.partition !== partition) continue;
      r.sub.unsubscribe();
      running.delete(stream);
    }
  }

  const leases = new PartitionLeases({
    leases: cluster.leases,
    workers: cluster.workers,
    worker: id,
    partitions,
    renewMs: o.renewMs,
    onAcquired: (p) => {
      log(`${id}: holds partition ${p}`);
      for (const r of records.values()) if (r.partition === p) run(r);
    },
    onLost: (p) => {
      log(`${id}: gave up partition ${p}`);
      stopPartition(p);
    },
    onError: (err) => log(`${id}: lease round failed: ${err.message}`),
  });

  // Every stream record, as it is now and as it changes.
  const watch = await streams.watch();
  void (async () => {
    for await (const e of watch) {
      if (e.operation !== 'PUT') continue;
      try {
        const record = parseStreamRecord(e.key, e.value);
        // Only streams still to predict are kept: the map stays as small as the live streams.
        if (record.status === 'done') records.delete(record.id);
        else {
          records.set(record.id, record);
          run(record);
        }
      } catch (err) {
        log(`${id}: ${(err as Error).message}; ignored`);
      }
    }
  })();
  let model: LatestModel | null = null;
  const follow = o.followLatest === false
    ? undefined
    : await followLatestModel({
        cluster,
        learner: o.learner,
        features: o.featureConfig,
        onLoaded: (latest, stats) => {
          model = latest;
          // Streams that start from now on normalise from the new model's statistics; running
          // ones keep their own (already adapted to their audio).
          ctx.normalizationPrior = livePrior(stats);
          log(`${id}: now serving model ${latest.name} (job ${latest.job}, round ${latest.round}, params ${latest.paramsHash.slice(0, 12)})`);
        },
        onRefused: (latest, reason) => log(`${id}: ERROR: ${latest === null ? 'the latest model' : `model ${latest.name}`} not loaded, keeping the model it serves: ${reason}`),
      });
  await leases.start();

  return {
    id,
    get partitions() {
      return leases.partitions;
    },
    get streams() {
      return [...running.keys()];
    },
    get model() {
      return model;
    },
    async close() {
      follow?.stop();
      watch.stop();
      await leases.stop();
      for (const r of running.values()) r.sub.unsubscribe();
      running.clear();
      await outbox.flush();
      await cluster.close();
    },
  };
}
