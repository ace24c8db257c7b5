import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Kvm } from '@nats-io/kv';
import { connect } from '@nats-io/transport-node';
import { loadCheckpoint } from '../../src/checkpoint/load-checkpoint.ts';
import { paramsHash } from '../../src/cluster/average-params.ts';
import { TRAINING_BUCKET, slotKey } from '../../src/cluster/cluster-names.ts';
import { coordinateTraining, type CoordinateTrainingOptions, type RoundProgress } from '../../src/cluster/coordinate-training.ts';
import { startTrainer, type Trainer } from '../../src/cluster/start-trainer.ts';
import { startWorker } from '../../src/cluster/start-worker.ts';
import type { ShardResult } from '../../src/cluster/train-shard.ts';
import { DEFAULT_FEATURE_CONFIG } from '../../src/features/feature-config.ts';
import { livePrior } from '../../src/features/live-prior.ts';
import { RunningStats } from '../../src/features/running-stats.ts';
import { OnlineLearner } from '../../src/learner/online-learner.ts';
import { selectBackend } from '../../src/learner/select-backend.ts';
import { startNatsServer, type NatsServer } from './nats-server.ts';

const job = (nats: string, over: Partial<CoordinateTrainingOptions> = {}): CoordinateTrainingOptions => ({
  nats, corpus: ['fixtures/corpus'], heldOutFraction: 0.2, splitSeed: 1, orderSeed: null, epochs: 3, learner: { lr: 0.003 },
  features: DEFAULT_FEATURE_CONFIG, workers: 2, averageEvery: 10, roundTimeoutMs: 20_000, joinTimeoutMs: 10_000, ...over,
});

const until = async (what: string, ok: () => boolean, ms = 10_000) => {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('distributed training over a real nats-server', () => {
  let nats: NatsServer;
  const trainers: Trainer[] = [];
  const ends: Record<string, (ShardResult | Error)[]> = {};
  /** Every job end of every trainer, in the order they came. */
  const allEnds: (ShardResult | Error)[] = [];
  const lines: string[] = [];

  before(async () => {
    await selectBackend('wasm');
    nats = await startNatsServer();
    for (const id of ['ta', 'tb']) {
      ends[id] = [];
      trainers.push(await startTrainer({ nats: nats.url, id, log: (l) => lines.push(l), onJobEnd: (_j, r) => (ends[id]!.push(r), allEnds.push(r)) }));
    }
  });
  after(async () => {
    for (const t of trainers) await t.close();
    await nats?.stop();
  });

  it('should train over two trainers to one bit-identical average that learns, publish it, and a serving worker should hot-reload it', async () => {
    const rounds: RoundProgress[] = [];
    const result = await coordinateTraining(job(nats.url, { onRound: (r) => rounds.push(r) }));
    const workerLog: string[] = [];
    // A serving worker of the same phones and features, with its own (untrained) weights.
    const serving = new OnlineLearner({ inputSize: 26, phones: result.learner.config.phones, trainable: false, seed: 99 });
    // And one of another phone set (the bundled checkpoint's 40 phones): it must refuse the model.
    const other = await loadCheckpoint('fixtures/checkpoint', { trainable: false });
    const otherHash = paramsHash(other.learner.params);
    const w1 = await startWorker({ nats: nats.url, learner: serving, featureConfig: DEFAULT_FEATURE_CONFIG, normalizationPrior: new RunningStats(26), id: 'w1', partitions: 2, log: (l) => workerLog.push(l) });
    const w2 = await startWorker({ nats: nats.url, learner: other.learner, featureConfig: other.features, normalizationPrior: livePrior(other.stats), id: 'w2', partitions: 2, log: (l) => workerLog.push(l) });
    try {
      // Both trainers ended with the same final average as the coordinator's.
      await until('both trainers to end', () => ends.ta!.length === 1 && ends.tb!.length === 1);
      const finals = [ends.ta![0], ends.tb![0]].map((r) => (r instanceof Error ? assert.fail(r.message) : r.hash));
      assert.deepEqual(finals, [result.latest.paramsHash, result.latest.paramsHash]);
      assert.equal(paramsHash(result.learner.params), result.latest.paramsHash);
      // Unequal shards (3 and 2 files): every round had both, the last with both done.
      assert.ok(rounds.length >= 3, `${rounds.length} rounds`);
      assert.ok(rounds.every((r) => r.workers === 2));
      assert.equal(rounds.at(-1)!.done, 2);
      assert.ok(rounds.slice(0, -1).some((r) => r.done === 0));
      // It learns: the running loss falls, and the held-out accuracy is well above chance (1/32).
      assert.ok(rounds.at(-1)!.loss! < rounds[0]!.loss! - 0.2, `loss ${rounds[0]!.loss} → ${rounds.at(-1)!.loss}`);
      assert.equal(result.train.length + result.heldOut.length, 6);
      const { scoreCorpus } = await import('../../pipelines/evaluate-corpus.ts');
      const { lastValueFrom } = await import('rxjs');
      const score = await lastValueFrom(scoreCorpus({ entries: result.heldOut, learner: result.learner, features: { ...DEFAULT_FEATURE_CONFIG, normalization: { kind: 'fixed', stats: result.stats.toJSON() } } }));
      assert.ok(score.counts.accuracy()! > 3 / 32, `held-out accuracy ${score.counts.accuracy()}`);
      // The merged statistics hold every training frame the trainers normalised (all passes, as replay's).
      assert.equal(result.stats.count, rounds.at(-1)!.frames);
      // The serving worker swapped the new weights in; the other refused loudly and kept its own.
      await until('w1 to serve the new model', () => w1.model?.name === result.latest.name);
      assert.equal(paramsHash(serving.params), result.latest.paramsHash);
      await until('w2 to refuse it', () => workerLog.some((l) => l.startsWith('w2: ERROR')));
      assert.match(workerLog.find((l) => l.startsWith('w2: ERROR'))!, new RegExp(`model ${result.latest.name} refused: (shape.outputSize is 32, the serving model's is 40|phones differ)`));
      assert.equal(w2.model, null);
      assert.equal(paramsHash(other.learner.params), otherHash);
    } finally {
      await w1.close();
      await w2.close();
      serving.dispose();
      other.learner.dispose();
      result.learner.dispose();
    }
  });

  it('should, with one trainer, give the very model of a one-process replay over the same files', async () => {
    const result = await coordinateTraining(job(nats.url, { workers: 1, epochs: 1 }));
    const { replayCorpus } = await import('../../pipelines/replay-corpus.ts');
    const { lastValueFrom } = await import('rxjs');
    const learner = new OnlineLearner({ lr: 0.003, inputSize: 26, phones: result.learner.config.phones });
    try {
      await lastValueFrom(replayCorpus({ train: result.train, learner, features: DEFAULT_FEATURE_CONFIG, epochs: 1 }), { defaultValue: undefined });
      assert.equal(paramsHash(learner.params), result.latest.paramsHash);
    } finally {
      learner.dispose();
      result.learner.dispose();
    }
    await until('the trainers to be free', () => trainers.every((t) => t.job === null));
  });

  it('should fail a round loudly, naming the missing trainer and the round, when a trainer never publishes', async () => {
    // A "trainer" that takes shard 1 and then dies: it claims the slot and never publishes.
    const nc = await connect({ servers: nats.url });
    const kv = await new Kvm(nc).create(TRAINING_BUCKET, { history: 1 });
    const watch = await kv.watch({ key: 'job.>' });
    void (async () => {
      for await (const e of watch) {
        const j = JSON.parse(e.string()) as { id: string; status: string };
        if (j.status === 'open') await kv.create(slotKey(j.id, 1), 'ghost').catch(() => {});
      }
    })();
    const before = ends.ta!.length + ends.tb!.length;
    const started = Date.now();
    try {
      await assert.rejects(coordinateTraining(job(nats.url, { roundTimeoutMs: 2000, epochs: 1 })), (err: Error) => {
        assert.match(err.message, /round 1/);
        assert.match(err.message, /timed out after 2000 ms: no parameters from trainer ghost \(shard 1\)/);
        return true;
      });
      assert.ok(Date.now() - started < 15_000, `took ${Date.now() - started} ms`);
      // The real trainer of shard 0 stopped too, with the same complaint, and is free for the next job.
      await until('the real trainer to give up', () => ends.ta!.length + ends.tb!.length === before + 1);
      const failed = allEnds.at(-1);
      assert.ok(failed instanceof Error && /round 1/.test(failed.message), String(failed));
      await until('the trainers to be free', () => trainers.every((t) => t.job === null));
    } finally {
      watch.stop();
      await nc.close();
    }
  });

  it('should say how many trainers joined when too few come', async () => {
    await assert.rejects(coordinateTraining(job(nats.url, { workers: 3, joinTimeoutMs: 1500, epochs: 1 })), /2 of 3 trainer\(s\) joined within 1500 ms \((ta, tb|tb, ta)\); start 1 more with `phonestream trainer --nats URL`/);
    await until('the trainers to be free', () => trainers.every((t) => t.job === null));
  });

  it('should fail the job at once when a trainer is stopped in the middle of it', async () => {
    let stopping: Promise<void> | undefined;
    const started = Date.now();
    await assert.rejects(
      coordinateTraining(job(nats.url, {
        epochs: 40,
        roundTimeoutMs: 30_000,
        onRound: (r) => {
          if (r.round === 2) stopping ??= trainers[1]!.close();
        },
      })),
      /trainer tb \(shard \d\) failed: trainer tb was stopped during the job/,
    );
    // Well before the 30 s round timeout.
    assert.ok(Date.now() - started < 20_000, `took ${Date.now() - started} ms`);
    await stopping;
    trainers.pop();
  });
});
