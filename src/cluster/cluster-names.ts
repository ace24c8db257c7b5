/**
 * The names a phonestream cluster uses in NATS, in one place (docs/scale-out.md explains each).
 * Stream ids become subject tokens, so they must not hold '.', '*', '>' or whitespace.
 */

/** JetStream stream holding every producer's audio, one subject per stream: `phonestream.audio.<partition>.<stream>`. */
export const AUDIO_STREAM = 'PHONESTREAM_AUDIO';
export const AUDIO_SUBJECTS = 'phonestream.audio.>';
/**
 * JetStream stream of every stream's outgoing messages (predictions, segments, metrics, end,
 * error), one subject per stream: `phonestream.out.<stream>`. In JetStream, not core NATS, so that
 * what a worker publishes while a gateway is reconnecting (a nats-server restart) still reaches it.
 */
export const OUT_STREAM = 'PHONESTREAM_OUT';
export const OUT_SUBJECTS = 'phonestream.out.>';
/** KV bucket: stream id → its StreamRecord (what its `start` said, live or ended). */
export const STREAMS_BUCKET = 'phonestream-streams';
/** KV bucket: `p<N>` → the worker holding partition N; entries expire unless renewed (the lease). */
export const LEASES_BUCKET = 'phonestream-leases';
/** KV bucket: worker id → its heartbeat; entries expire unless renewed (who is alive). */
export const WORKERS_BUCKET = 'phonestream-workers';
/** KV bucket: `latest` → the newest checkpoint's name in the object store. */
export const MODEL_BUCKET = 'phonestream-model';
/** Object store of checkpoints. */
export const CHECKPOINTS_STORE = 'phonestream-checkpoints';

/** Message headers. */
export const HEADER_KIND = 'Phonestream-Kind';
export const HEADER_SEQ = 'Phonestream-Seq';
export const HEADER_FINAL = 'Phonestream-Final';

export const audioSubject = (partition: number, stream: string) => `phonestream.audio.${partition}.${stream}`;
export const outSubject = (stream: string) => `phonestream.out.${stream}`;
export const leaseKey = (partition: number) => `p${partition}`;

/** A valid subject token: letters, digits, '-' and '_'. */
export function assertStreamId(id: string): void {
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(id)) throw new Error(`stream id ${JSON.stringify(id)} cannot be a NATS subject token (expected [A-Za-z0-9_-], 1 to 128 characters)`);
}

/**
 * The partition of a stream: FNV-1a of its id modulo the partition count. Every gateway and
 * worker computes the same, with no coordination.
 */
export function partitionOf(stream: string, partitions: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < stream.length; i++) {
    h ^= stream.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % partitions;
}

/**
 * JetStream stream of distributed training (docs/scale-out.md, "Training"): every trainer's
 * parameters for every averaging round, and a trainer's failure, one subject family per job:
 * `phonestream.train.<job>.params` and `phonestream.train.<job>.failed`. In JetStream, not core
 * NATS, so that a trainer that subscribes late (or reconnects) still reads every round from the start.
 */
export const TRAIN_STREAM = 'PHONESTREAM_TRAIN';
export const TRAIN_SUBJECTS = 'phonestream.train.>';
/** KV bucket: `job.<job>` → the TrainingJob; `slot.<job>.<i>` → the trainer that took shard i. */
export const TRAINING_BUCKET = 'phonestream-training';

/** Headers of a parameter chunk: the round, the shard (slot), and chunk i of n. */
export const HEADER_ROUND = 'Phonestream-Round';
export const HEADER_SLOT = 'Phonestream-Slot';
export const HEADER_CHUNK = 'Phonestream-Chunk';

export const trainSubjects = (job: string) => `phonestream.train.${job}.>`;
export const paramsSubject = (job: string) => `phonestream.train.${job}.params`;
export const failedSubject = (job: string) => `phonestream.train.${job}.failed`;
export const jobKey = (job: string) => `job.${job}`;
export const slotKey = (job: string, slot: number) => `slot.${job}.${slot}`;
/** The model bucket's key naming the newest checkpoint (a {@link LatestModel} JSON). */
export const LATEST_KEY = 'latest';
