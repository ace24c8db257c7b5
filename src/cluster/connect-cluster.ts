import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, RetentionPolicy, StorageType, type JetStreamClient } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { Objm, type ObjectStore } from '@nats-io/obj';
import { ConfigError } from '../errors.ts';
import { AUDIO_STREAM, AUDIO_SUBJECTS, OUT_STREAM, OUT_SUBJECTS, CHECKPOINTS_STORE, LEASES_BUCKET, MODEL_BUCKET, STREAMS_BUCKET, WORKERS_BUCKET } from './cluster-names.ts';

/** The cluster's limits (docs/scale-out.md): how long audio is kept, how much, how long a lease lasts. */
export interface ClusterLimits {
  /** Audio and stream records are kept this long after they were written (a stream may last at most this). Default 1 h. */
  retentionMs: number;
  /** Bytes of audio JetStream keeps in all; beyond it, new audio is refused (the producer is told). Default 1 GiB. */
  maxAudioBytes: number;
  /** A lease (and a heartbeat) not renewed for this long expires. Default 4000 ms. */
  leaseMs: number;
  /** Outgoing messages are kept this long (gateways read them as they come). Default 10 min. */
  outRetentionMs: number;
}

export const DEFAULT_CLUSTER_LIMITS: ClusterLimits = { retentionMs: 3600_000, maxAudioBytes: 1 << 30, leaseMs: 4000, outRetentionMs: 600_000 };

/** A connection and the cluster's JetStream stream, buckets and object store. */
export interface Cluster {
  nc: NatsConnection;
  js: JetStreamClient;
  streams: KV;
  leases: KV;
  workers: KV;
  model: KV;
  checkpoints: ObjectStore;
  limits: ClusterLimits;
  close(): Promise<void>;
}

/**
 * Connects to NATS and makes sure the cluster's JetStream stream, KV buckets and object store exist
 * (creating them if not: every role may be the first to start; an existing one is used as it is).
 * Reconnects forever on its own (a nats-server restart is waited out). A server that cannot be
 * reached at all, or has no JetStream, is a ConfigError naming the URL.
 */
export async function connectCluster(url: string, name: string, limits: Partial<ClusterLimits> = {}): Promise<Cluster> {
  const l = { ...DEFAULT_CLUSTER_LIMITS, ...limits };
  let nc: NatsConnection;
  try {
    nc = await connect({ servers: url, name, maxReconnectAttempts: -1, reconnectTimeWait: 250, timeout: 5000 });
  } catch (err) {
    throw new ConfigError(`--nats ${url}: cannot connect (${(err as Error).message})`);
  }
  try {
    const jsm = await jetstreamManager(nc);
    const audio = {
      name: AUDIO_STREAM,
      subjects: [AUDIO_SUBJECTS],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      max_age: l.retentionMs * 1e6, // nanoseconds
      max_bytes: l.maxAudioBytes,
      duplicate_window: 120 * 1e9, // a retried publish within 2 min is stored once
    };
    await jsm.streams.info(AUDIO_STREAM).catch(() => jsm.streams.add(audio));
    // Outgoing messages are read by gateways as they come: kept only long enough to bridge a restart.
    const out = { name: OUT_STREAM, subjects: [OUT_SUBJECTS], retention: RetentionPolicy.Limits, storage: StorageType.File, max_age: l.outRetentionMs * 1e6, max_bytes: l.maxAudioBytes };
    await jsm.streams.info(OUT_STREAM).catch(() => jsm.streams.add(out));
    const kvm = new Kvm(nc);
    const bucket = (name: string, ttl: number) => kvm.create(name, { ttl, history: 1 });
    const [streams, leases, workers, model] = await Promise.all([
      bucket(STREAMS_BUCKET, l.retentionMs),
      bucket(LEASES_BUCKET, l.leaseMs),
      bucket(WORKERS_BUCKET, l.leaseMs),
      bucket(MODEL_BUCKET, 0),
    ]);
    const checkpoints = await new Objm(nc).create(CHECKPOINTS_STORE);
    return { nc, js: jetstream(nc), streams, leases, workers, model, checkpoints, limits: l, close: () => nc.drain().catch(() => nc.close()) };
  } catch (err) {
    await nc.close();
    throw new ConfigError(`--nats ${url}: JetStream is not usable (${(err as Error).message}); start nats-server with -js`);
  }
}
