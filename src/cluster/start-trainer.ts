import { randomBytes } from 'node:crypto';
import type { KV } from '@nats-io/kv';
import type { CorpusProblem } from '../corpus/corpus-entry.ts';
import { FeaturePool } from '../threads/feature-pool.ts';
import { failedSubject, slotKey } from './cluster-names.ts';
import { connectCluster, type Cluster } from './connect-cluster.ts';
import { connectTraining } from './connect-training.ts';
import { openRoundInbox, RoundError } from './round-inbox.ts';
import { trainShard, type ShardResult } from './train-shard.ts';
import { idsHash, trainingFiles } from './training-files.ts';
import { parseTrainingJob, shardOf, type TrainingJob } from './training-job.ts';

export interface TrainerOptions {
  nats: string;
  /** Default: `t` + 8 random hex digits. */
  id?: string;
  /** Told of what the trainer does, and loudly of a job that failed. */
  log?: (line: string) => void;
  onProblem?: (p: CorpusProblem) => void;
  /** Called when a job this trainer took part in ends (its result, or the error it failed with). */
  onJobEnd?: (job: string, result: ShardResult | Error) => void;
}

export interface Trainer {
  id: string;
  /** The job being trained now, if any. */
  readonly job: string | null;
  close(): Promise<void>;
}

/**
 * A trainer of a phonestream cluster (`phonestream trainer`): it watches the training bucket for
 * open jobs, takes a free shard of one (KV create on `slot.<job>.<i>`: exactly one trainer gets
 * each), and trains it (trainShard) one job at a time. Any error in a job (the corpus, a round
 * timeout, a diverged average) is published on the job's `failed` subject, so the coordinator and
 * the other trainers stop at once instead of waiting, and logged; the trainer then waits for the
 * next job.
 */
export async function startTrainer(o: TrainerOptions): Promise<Trainer> {
  const id = o.id ?? `t${randomBytes(4).toString('hex')}`;
  const log = o.log ?? (() => {});
  const cluster = await connectCluster(o.nats, `phonestream trainer ${id}`);
  const kv = await connectTraining(cluster);
  let current: string | null = null;
  let currentSlot = -1;
  let closed = false;
  const watch = await kv.watch({ key: 'job.>' });
  const running = (async () => {
    for await (const e of watch) {
      if (closed) break;
      if (e.operation !== 'PUT' || current !== null) continue;
      let job: TrainingJob;
      try {
        job = parseTrainingJob(e.key, e.value);
      } catch (err) {
        log(`trainer ${id}: ${(err as Error).message}; ignored`);
        continue;
      }
      if (job.status !== 'open') continue;
      const slot = await claimSlot(kv, job, id);
      if (slot === null) continue;
      current = job.id;
      currentSlot = slot;
      log(`trainer ${id}: job ${job.id}: shard ${slot} of ${job.workers}`);
      const result = await runJob(cluster, kv, job, slot, id, o).catch((err: Error) => err);
      if (result instanceof Error) log(`trainer ${id}: job ${job.id} FAILED: ${result.message}`);
      else log(`trainer ${id}: job ${job.id} done: ${result.rounds} rounds, ${result.frames} frames, ${result.updates} updates, final average ${result.hash.slice(0, 12)}`);
      o.onJobEnd?.(job.id, result);
      current = null;
    }
  })();
  return {
    id,
    get job() {
      return current;
    },
    async close() {
      closed = true;
      watch.stop();
      // Stopping mid-job fails the job at once (everyone's next round reads it), not after a timeout.
      if (current !== null) {
        const message = `trainer ${id} was stopped during the job; its shard is not finished (a distributed replay does not survive a trainer's death)`;
        await cluster.js.publish(failedSubject(current), JSON.stringify({ slot: currentSlot, round: 0, message })).catch(() => {});
      }
      // A job stops at its next round (it reads the failure above); a trainer stuck outside a round
      // would never get there, so it is not waited for more than 10 s.
      await Promise.race([running.catch(() => {}), new Promise((r) => setTimeout(r, 10_000).unref())]);
      await cluster.close();
    },
  };
}

/** The first free shard of the job, taken for this trainer; null when all are taken. */
async function claimSlot(kv: KV, job: TrainingJob, id: string): Promise<number | null> {
  for (let s = 0; s < job.workers; s++) {
    try {
      await kv.create(slotKey(job.id, s), id);
      return s;
    } catch {
      // taken by another trainer
    }
  }
  return null;
}

async function runJob(cluster: Cluster, kv: KV, job: TrainingJob, slot: number, id: string, o: TrainerOptions): Promise<ShardResult> {
  const names = new Map<number, string>();
  const nameOf = (s: number) => names.get(s) ?? `(not yet known) of shard ${s}`;
  // Who holds each shard, as the claims come in: a round's timeout names the missing trainer.
  const claims = await kv.watch({ key: `slot.${job.id}.>` });
  void (async () => {
    for await (const e of claims) if (e.operation === 'PUT') names.set(Number(e.key.split('.').at(-1)), e.string());
  })();
  const inbox = await openRoundInbox(cluster.js, job.id, job.workers, nameOf);
  const pool = job.threads > 1 ? new FeaturePool(job.threads - 1) : undefined;
  try {
    const files = await trainingFiles(job.corpus, job.heldOutFraction, job.splitSeed, job.orderSeed, o.onProblem ?? (() => {}), job.files ?? null);
    if (files.train.length !== job.trainFiles || idsHash(files.train) !== job.trainIds) {
      throw new Error(`the corpus ${job.corpus.join(', ')} lists ${files.train.length} training files here (ids ${idsHash(files.train).slice(0, 12)}), the coordinator's ${job.trainFiles} (ids ${job.trainIds.slice(0, 12)}): every trainer must see the same corpus`);
    }
    return await trainShard({ cluster, job, slot, trainer: id, entries: shardOf(files.train, slot, job.workers), inbox, pool, onProblem: o.onProblem, log: o.log });
  } catch (err) {
    const message = (err as Error).message;
    const round = (err as { round?: number }).round ?? 0;
    // Only the trainer that found the problem says so: one that read another's failure stays quiet.
    if (!(err instanceof RoundError && err.kind === 'failed')) {
      await cluster.js.publish(failedSubject(job.id), JSON.stringify({ slot, round, message: `${id}: ${message}` })).catch(() => {});
    }
    throw err;
  } finally {
    claims.stop();
    inbox.stop();
    await pool?.close();
  }
}
