import { jetstreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { ConfigError } from '../errors.ts';
import { TRAIN_STREAM, TRAIN_SUBJECTS, TRAINING_BUCKET } from './cluster-names.ts';
import type { Cluster } from './connect-cluster.ts';

/**
 * Makes sure the training stream and bucket exist (only trainers and a coordinator need them, so
 * connectCluster does not create them). Rounds are kept a day at most and 4 GiB in all; the
 * coordinator purges a job's subjects when the job ends.
 */
export async function connectTraining(cluster: Cluster): Promise<KV> {
  try {
    const jsm = await jetstreamManager(cluster.nc);
    const config = { name: TRAIN_STREAM, subjects: [TRAIN_SUBJECTS], retention: RetentionPolicy.Limits, storage: StorageType.File, max_age: 86_400 * 1e9, max_bytes: 4 * 2 ** 30 };
    await jsm.streams.info(TRAIN_STREAM).catch(() => jsm.streams.add(config));
    return await new Kvm(cluster.nc).create(TRAINING_BUCKET, { history: 1 });
  } catch (err) {
    throw new ConfigError(`NATS: cannot set up the training stream ${TRAIN_STREAM} or bucket ${TRAINING_BUCKET} (${(err as Error).message})`);
  }
}

/** Purges a finished job's rounds from the training stream (they are megabytes each). */
export async function purgeJob(cluster: Cluster, subjects: string): Promise<void> {
  const jsm = await jetstreamManager(cluster.nc);
  await jsm.streams.purge(TRAIN_STREAM, { filter: subjects });
}
