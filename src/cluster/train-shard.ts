import { concatMap, lastValueFrom, repeat, tap, type Observable } from 'rxjs';
import type { Cluster } from './connect-cluster.ts';
import type { CorpusEntry, CorpusProblem } from '../corpus/corpus-entry.ts';
import { readCorpus } from '../corpus/read-corpus.ts';
import type { FrameEvent } from '../features/frame-event.ts';
import { featureDims } from '../features/feature-dims.ts';
import { preparedToFrameEvents } from '../features/prepared-to-frame-events.ts';
import { RunningStats } from '../features/running-stats.ts';
import { utteranceToFrameEvents } from '../features/utterance-to-frame-events.ts';
import { learnOnline } from '../learner/learn-online.ts';
import { OnlineLearner } from '../learner/online-learner.ts';
import type { FeaturePool } from '../threads/feature-pool.ts';
import { readPreparedCorpus } from '../threads/read-prepared-corpus.ts';
import { combineParams, paramsHash } from './average-params.ts';
import { gateRounds } from './gate-rounds.ts';
import { HEADER_CHUNK, HEADER_ROUND, HEADER_SLOT, paramsSubject } from './cluster-names.ts';
import type { RoundInbox } from './round-inbox.ts';
import { chunkBytes, encodeContribution, statsToJson, type Contribution } from './training-contribution.ts';
import type { TrainingJob } from './training-job.ts';
import { headers } from '@nats-io/transport-node';

export interface TrainShardOptions {
  cluster: Cluster;
  job: TrainingJob;
  slot: number;
  trainer: string;
  /** This shard's training files, in order. */
  entries: readonly CorpusEntry[];
  inbox: RoundInbox;
  pool?: FeaturePool;
  onProblem?: (p: CorpusProblem) => void;
  log?: (line: string) => void;
}

export interface ShardResult {
  rounds: number;
  frames: number;
  updates: number;
  /** paramsHash of the final average (the same on every trainer). */
  hash: string;
}

/**
 * One trainer's part of a job: online learning over its shard (the same TBPTT learner as replay,
 * built from the job's options and seed, so every trainer starts from the same weights), and
 * after every `averageEvery` of its own weight updates an averaging round: it publishes its
 * parameters (with the frames learned since the previous round, their weight), waits for every
 * trainer's (RoundInbox, with the job's timeout), and continues from their frame-weighted average
 * (averageParams), or from the round's base plus all their updates under the job's `combine: 'sum'`
 * (sumOfUpdates). It checks that every trainer started the round from the same parameters
 * (their `base` hash): a trainer that diverged fails the round loudly.
 *
 * Optimiser state is not averaged: each trainer keeps its own Adam moments (or momentum), which
 * carry on from the averaged weights (local SGD with periodic model averaging).
 *
 * Unequal shards: a trainer whose shard is done publishes once more with its last frames, marked
 * `done`, then keeps joining every later round with weight 0 and the current average, so the
 * others' rounds still complete; the job ends after the first round in which every trainer is
 * done, with the same final average everywhere.
 */
export async function trainShard(o: TrainShardOptions): Promise<ShardResult> {
  const { job, slot } = o;
  const log = o.log ?? (() => {});
  const learner = new OnlineLearner(job.learner);
  const stats = new RunningStats(featureDims(job.features));
  const stream = learner.openStream(`train-${job.id}-${slot}`, { train: true });
  let baseParams: Float32Array = Float32Array.from(learner.params);
  let base = paramsHash(baseParams);
  let round = 0;
  let synced = learner.version;
  let since = 0;
  let frames = 0;
  let utterances = 0;
  let updates = 0;
  const max = o.cluster.nc.info?.max_payload ?? 1 << 20;
  const chunkSize = Math.max(1024, Math.min(512 * 1024, max - 8192));

  const publish = async (c: Contribution) => {
    const chunks = chunkBytes(encodeContribution(c), chunkSize);
    for (const [i, chunk] of chunks.entries()) {
      const h = headers();
      h.set(HEADER_ROUND, String(c.round));
      h.set(HEADER_SLOT, String(c.slot));
      h.set(HEADER_CHUNK, `${i}/${chunks.length}`);
      await o.cluster.js.publish(paramsSubject(job.id), chunk, { headers: h });
    }
  };
  /** One averaging round; true when every trainer is done. */
  const sync = async (done: boolean): Promise<boolean> => {
    round++;
    updates += learner.version - synced;
    await publish({
      job: job.id, round, slot, trainer: o.trainer, frames: since, done, base,
      totalFrames: frames, utterances, updates, loss: stream.loss, accuracy: stream.accuracy,
      stats: statsToJson(stats.snapshot()), params: learner.params,
    });
    const all = await o.inbox.round(round, job.roundTimeoutMs);
    const odd = all.filter((c) => c.base !== base);
    if (odd.length > 0) {
      throw new Error(`round ${round}: ${odd.map((c) => `trainer ${c.trainer} (shard ${c.slot}) started from parameters ${c.base.slice(0, 12)}`).join(', ')}, expected ${base.slice(0, 12)} (this trainer's): the averages diverged`);
    }
    const average = combineParams(job.combine ?? 'mean', baseParams, all.map((c) => ({ slot: c.slot, weight: c.frames, params: c.params })));
    learner.setParams(average);
    baseParams = average;
    base = paramsHash(average);
    synced = learner.version;
    since = 0;
    return all.every((c) => c.done);
  };

  try {
    const frames$ = shardFrames(o, stats, stream.id);
    const M = job.averageEvery;
    await lastValueFrom(
      frames$.pipe(
        // Before each event: M of this trainer's updates since the last round, then a round first;
        // the following events wait while the round is under way (the learner waits).
        gateRounds(() => learner.version - synced >= M, () => sync(false)),
        tap((ev) => {
          if (ev.kind === 'frame') {
            since++;
            frames++;
          } else utterances++;
        }),
        learnOnline(stream),
      ),
      { defaultValue: undefined },
    );
    log(`trainer ${o.trainer}: shard ${slot} done (${frames} frames, ${utterances} utterances) after round ${round}`);
    while (!(await sync(true))) {
      // done: weight 0 from here on, until every shard is done
    }
    return { rounds: round, frames, updates, hash: base };
  } finally {
    stream.close();
    learner.dispose();
  }
}

/** The shard's frames, `epochs` passes, normalised with the trainer's own running statistics. */
function shardFrames(o: TrainShardOptions, stats: RunningStats, id: string): Observable<FrameEvent> {
  const entries = o.entries;
  const { features } = o.job;
  const pass: Observable<FrameEvent> = o.pool
    ? readPreparedCorpus(o.pool, 'corpus', { entries, features, onProblem: o.onProblem }).pipe(concatMap((u) => preparedToFrameEvents(u, features, { stream: id, runningStats: stats })))
    : readCorpus('corpus', { entries, onProblem: o.onProblem }).pipe(concatMap((u) => utteranceToFrameEvents(u, features, { stream: id, runningStats: stats })));
  return o.job.epochs > 1 ? pass.pipe(repeat(o.job.epochs)) : pass;
}
