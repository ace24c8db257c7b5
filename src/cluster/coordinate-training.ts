import { randomBytes } from 'node:crypto';
import type { CorpusEntry, CorpusProblem } from '../corpus/corpus-entry.ts';
import { ConfigError } from '../errors.ts';
import type { FeatureConfig } from '../features/feature-config.ts';
import { featureDims } from '../features/feature-dims.ts';
import type { RunningStats } from '../features/running-stats.ts';
import type { LearnerConfig } from '../learner/learner-config.ts';
import { OnlineLearner } from '../learner/online-learner.ts';
import { combineParams, paramsHash, type CombineRule } from './average-params.ts';
import { failedSubject, jobKey, slotKey, trainSubjects } from './cluster-names.ts';
import { connectCluster } from './connect-cluster.ts';
import { connectTraining, purgeJob } from './connect-training.ts';
import { mergeStats } from './merge-stats.ts';
import { publishModel, type LatestModel } from './publish-model.ts';
import { openRoundInbox } from './round-inbox.ts';
import { statsFromJson, type Contribution } from './training-contribution.ts';
import { idsHash, trainingFiles } from './training-files.ts';
import type { TrainingJob } from './training-job.ts';

export interface CoordinateTrainingOptions {
  nats: string;
  corpus: string[];
  heldOutFraction: number;
  splitSeed: number;
  orderSeed: number | null;
  epochs: number;
  /** Learner options as the user gave them (inputSize and phones are filled in from the corpus). */
  learner: Partial<LearnerConfig>;
  features: FeatureConfig;
  workers: number;
  averageEvery: number;
  /** How a round combines the trainers' parameters (default `sum`). */
  combine?: CombineRule;
  roundTimeoutMs: number;
  /** How long to wait for `workers` trainers to take the job's shards. Default 60 s. */
  joinTimeoutMs?: number;
  /** Feature threads per trainer (default 1). */
  threads?: number;
  /** Only the first N files of the corpus listing (default all). */
  files?: number | null;
  onProblem?: (p: CorpusProblem) => void;
  /** After every round: what the trainers reported. */
  onRound?: (round: RoundProgress) => void;
  log?: (line: string) => void;
}

/** A completed round, as the coordinator saw it. */
export interface RoundProgress {
  round: number;
  /** Training frames learned from so far, all trainers. */
  frames: number;
  utterances: number;
  /** Trainers whose shard is done. */
  done: number;
  workers: number;
  /** Frame-weighted mean of the trainers' running prequential accuracy and loss. */
  accuracy: number | null;
  loss: number | null;
  hash: string;
  elapsedMs: number;
}

export interface TrainingResult {
  job: string;
  /** The final average as a frozen learner (the caller disposes it). */
  learner: OnlineLearner;
  features: FeatureConfig;
  /** The trainers' normalisation statistics merged (the checkpoint's). */
  stats: RunningStats;
  train: CorpusEntry[];
  heldOut: CorpusEntry[];
  /** The last round's report. */
  last: RoundProgress;
  /** Own weight updates of all trainers (not counting the averages). */
  updates: number;
  /** From the job's announcement to the last round (trainers' corpus reading included). */
  seconds: number;
  trainers: string[];
  /** Each trainer's own share: training frames, utterances and weight updates. */
  perTrainer: { trainer: string; slot: number; frames: number; utterances: number; updates: number }[];
  latest: LatestModel;
}

/**
 * The coordinator of a distributed replay (`replay --nats URL --workers N`): it splits the corpus
 * as replay does, announces the job in the training bucket, waits for N trainers to take its
 * shards (a ConfigError after joinTimeoutMs naming how many came), then follows every round on
 * the training stream with the same timeout as the trainers, computing the same average (its
 * hash must equal each trainer's next `base`). After the round in which every shard is done it
 * builds the final model from that average and the merged statistics, stores it in the object
 * store, sets the model bucket's `latest`, marks the job done and purges its rounds.
 *
 * A trainer that dies fails the run: its round times out (or a trainer that waited reports it
 * first), the job is marked failed and the error names the missing trainer and round. There is no
 * resumption of a dead trainer's shard.
 */
export async function coordinateTraining(o: CoordinateTrainingOptions): Promise<TrainingResult> {
  const log = o.log ?? (() => {});
  const files = await trainingFiles(o.corpus, o.heldOutFraction, o.splitSeed, o.orderSeed, o.onProblem ?? (() => {}), o.files ?? null);
  if (files.train.length < o.workers) {
    throw new ConfigError(`replay --workers ${o.workers}: only ${files.train.length} training file(s) after the held-out split; every trainer needs at least one`);
  }
  const learnerConfig: LearnerConfig = { ...o.learner, inputSize: featureDims(o.features), phones: files.phones, trainable: true };
  const cluster = await connectCluster(o.nats, 'phonestream replay coordinator');
  try {
    const kv = await connectTraining(cluster);
    const id = `j${randomBytes(5).toString('hex')}`;
    const job: TrainingJob = {
      id, status: 'open', corpus: o.corpus, heldOutFraction: o.heldOutFraction, splitSeed: o.splitSeed, orderSeed: o.orderSeed,
      epochs: o.epochs, learner: learnerConfig, features: o.features, workers: o.workers, averageEvery: o.averageEvery, combine: o.combine ?? 'sum',
      roundTimeoutMs: o.roundTimeoutMs, files: o.files ?? null, trainFiles: files.train.length, trainIds: idsHash(files.train), threads: o.threads ?? 1,
      createdAt: new Date().toISOString(),
    };
    const names: string[] = [];
    const nameOf = (s: number) => names[s] ?? `(none) of shard ${s}`;
    const inbox = await openRoundInbox(cluster.js, id, o.workers, nameOf);
    const startedAt = performance.now();
    let round = 0;
    try {
      await kv.put(jobKey(id), JSON.stringify(job));
      log(`job ${id}: ${files.train.length} training files over ${o.workers} trainer(s), combining (${o.combine ?? 'sum'}) every ${o.averageEvery} updates`);
      await waitForTrainers(kv, id, o.workers, o.joinTimeoutMs ?? 60_000, names);
      log(`job ${id}: trainers ${names.map((n, s) => `${n} (shard ${s})`).join(', ')}`);
      let base = initialParams(learnerConfig);
      let expected = paramsHash(base);
      let last: { progress: RoundProgress; all: Contribution[]; average: Float32Array };
      for (;;) {
        round++;
        const all = await inbox.round(round, o.roundTimeoutMs);
        const odd = all.filter((c) => c.base !== expected);
        if (odd.length > 0) throw new Error(`round ${round}: ${odd.map((c) => `trainer ${c.trainer} (shard ${c.slot}) started from ${c.base.slice(0, 12)}`).join(', ')}, expected ${expected.slice(0, 12)}: the averages diverged`);
        const average = combineParams(o.combine ?? 'sum', base, all.map((c) => ({ slot: c.slot, weight: c.frames, params: c.params })));
        base = average;
        expected = paramsHash(average);
        const progress = progressOf(round, all, expected, performance.now() - startedAt);
        o.onRound?.(progress);
        last = { progress, all, average };
        if (all.every((c) => c.done)) break;
      }
      const seconds = (performance.now() - startedAt) / 1000;
      const learner = new OnlineLearner({ ...learnerConfig, trainable: false }, last.average);
      const stats = mergeStats(last.all.map((c) => statsFromJson(c.stats)));
      const latest = await publishModel(cluster, `${id}-round${round}`, learner, o.features, stats, { job: id, round, paramsHash: expected, frames: last.progress.frames });
      log(`job ${id}: checkpoint ${latest.name} (sha256 ${latest.sha256.slice(0, 12)}) is the latest model`);
      await kv.put(jobKey(id), JSON.stringify({ ...job, status: 'done' }));
      return {
        job: id, learner, features: o.features, stats, train: files.train, heldOut: files.heldOut, last: last.progress,
        updates: last.all.reduce((s, c) => s + c.updates, 0), seconds, trainers: [...names], latest,
        perTrainer: last.all.map((c) => ({ trainer: c.trainer, slot: c.slot, frames: c.totalFrames, utterances: c.utterances, updates: c.updates })),
      };
    } catch (err) {
      const message = (err as Error).message;
      await cluster.js.publish(failedSubject(id), JSON.stringify({ slot: -1, round, message })).catch(() => {});
      await kv.put(jobKey(id), JSON.stringify({ ...job, status: 'failed', error: message })).catch(() => {});
      throw err;
    } finally {
      inbox.stop();
      await purgeJob(cluster, trainSubjects(id)).catch((err: Error) => log(`job ${id}: could not purge its rounds: ${err.message}`));
    }
  } finally {
    await cluster.close();
  }
}

/** Polls the slot claims until `workers` trainers hold one; names[s] gets shard s's trainer. */
async function waitForTrainers(kv: Awaited<ReturnType<typeof connectTraining>>, job: string, workers: number, timeoutMs: number, names: string[]): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (let s = 0; s < workers; s++) {
      if (names[s] !== undefined) continue;
      const e = await kv.get(slotKey(job, s));
      if (e?.value?.length) names[s] = e.string();
    }
    const have = names.filter((n) => n !== undefined).length;
    if (have === workers) return;
    if (Date.now() > deadline) {
      throw new ConfigError(`job ${job}: ${have} of ${workers} trainer(s) joined within ${timeoutMs} ms${have > 0 ? ` (${names.filter(Boolean).join(', ')})` : ''}; start ${workers - have} more with \`phonestream trainer --nats URL\``);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

function progressOf(round: number, all: readonly Contribution[], hash: string, elapsedMs: number): RoundProgress {
  const frames = all.reduce((s, c) => s + c.totalFrames, 0);
  const weighted = (f: (c: Contribution) => number | null) => {
    let sum = 0;
    let n = 0;
    for (const c of all) {
      const v = f(c);
      if (v === null || c.totalFrames === 0) continue;
      sum += v * c.totalFrames;
      n += c.totalFrames;
    }
    return n > 0 ? sum / n : null;
  };
  return {
    round, frames, utterances: all.reduce((s, c) => s + c.utterances, 0), done: all.filter((c) => c.done).length, workers: all.length,
    accuracy: weighted((c) => c.accuracy), loss: weighted((c) => c.loss), hash, elapsedMs,
  };
}

/** paramsHash of the weights every trainer starts from (the job's options and seed). */
function initialParams(config: LearnerConfig): Float32Array {
  const learner = new OnlineLearner({ ...config, trainable: false });
  try {
    return Float32Array.from(learner.params);
  } finally {
    learner.dispose();
  }
}
