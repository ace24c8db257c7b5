import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { copyFile, cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { lastValueFrom, take, toArray } from 'rxjs';
import { replayCorpus, type EpochEvent, type ReplayEvent } from '../../pipelines/replay-corpus.ts';
import {
  DEFAULT_FEATURE_CONFIG,
  InputError,
  OnlineLearner,
  RunningStats,
  discoverPhoneSet,
  featureDims,
  listCorpus,
  readLabelFile,
  selectBackend,
  splitByFile,
  type CorpusEntry,
  type CorpusProblem,
  type FeatureConfig,
  type MetricsEvent,
} from '../../src/index.ts';

let phones: string[] = [];
let entries: CorpusEntry[] = [];
let dir = '';
before(async () => {
  await selectBackend('cpu');
  ({ entries } = await listCorpus('fixtures/corpus'));
  phones = discoverPhoneSet(await Promise.all(entries.map((e) => readLabelFile(e.labelPath))));
  dir = await mkdtemp(join(tmpdir(), 'phonestream-replay-threads-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The worker threads started while `run` runs, each with a promise of its exit. */
async function watchWorkers<T>(run: () => Promise<T>): Promise<{ result: T; workers: { worker: Worker; exited: Promise<unknown> }[] }> {
  const workers: { worker: Worker; exited: Promise<unknown> }[] = [];
  const onWorker = (worker: Worker) => workers.push({ worker, exited: once(worker, 'exit') });
  process.on('worker', onWorker);
  try {
    return { result: await run(), workers };
  } finally {
    process.off('worker', onWorker);
  }
}

/** Resolves once every worker has exited; fails the test if one is still running after 10 s. */
async function assertAllExit(workers: { worker: Worker; exited: Promise<unknown> }[]): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`workers still running: ${workers.filter((w) => w.worker.threadId !== -1).length}`)), 10_000);
  });
  try {
    await Promise.race([Promise.all(workers.map((w) => w.exited)), late]);
  } finally {
    clearTimeout(timer);
  }
  assert.ok(workers.every((w) => w.worker.threadId === -1), 'every worker thread has stopped');
}

interface Run {
  events: ReplayEvent[];
  params: Float32Array;
  version: number;
  stats: RunningStats;
  problems: CorpusProblem[];
  workers: { worker: Worker; exited: Promise<unknown> }[];
}

async function replay(threads: number, o: { train: CorpusEntry[]; heldOut: CorpusEntry[]; features: FeatureConfig; epochs: number }): Promise<Run> {
  const learner = new OnlineLearner({ inputSize: featureDims(o.features), phones, hiddenSize: 16, lr: 0.01, seed: 7 });
  const stats = new RunningStats(featureDims(o.features));
  const problems: CorpusProblem[] = [];
  try {
    const { result: events, workers } = await watchWorkers(() =>
      lastValueFrom(replayCorpus({ ...o, learner, threads, runningStats: stats, onProblem: (p) => problems.push(p) }).pipe(toArray())),
    );
    return { events, params: learner.params.slice(), version: learner.version, stats, problems, workers };
  } finally {
    learner.dispose();
  }
}

/** The events with what depends on the clock (frames/s) left out and the statistics as numbers. */
const comparable = (events: ReplayEvent[]) =>
  events.map((e) => {
    if (e.kind === 'metrics') {
      const { framesPerSecond: _, ...rest } = e;
      return rest;
    }
    if (e.kind === 'epoch') return { ...e, heldOut: e.heldOut?.topConfusions(1e9), heldOutAccuracy: e.heldOut?.accuracy(), heldOutAgreement: e.heldOutAgreement?.summary(), stats: e.stats.toJSON() };
    return e;
  });

const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** The last metrics of each pass: its accuracy over the pass. */
const passAccuracies = (events: ReplayEvent[]) => {
  const last = new Map<number, number | null>();
  for (const e of events) if (e.kind === 'metrics' && e.stream === 'replay') last.set((e as MetricsEvent).pass!, e.accuracy);
  return [...last.values()];
};

describe('replayCorpus with feature worker threads', () => {
  it('gives the single-threaded run\'s predictions, accuracies, statistics and weights exactly (2 epochs, held-out split)', async () => {
    const { train, heldOut } = splitByFile(entries, 0.2, 1);
    assert.ok(train.length >= 4 && heldOut.length >= 1);
    const o = { train, heldOut, features: { ...DEFAULT_FEATURE_CONFIG }, epochs: 2 };
    const one = await replay(1, o);
    const two = await replay(2, o);
    assert.equal(one.workers.length, 0, 'threads 1 is the single-threaded path: no worker');
    assert.equal(two.workers.length, 1, 'threads 2: one feature worker beside this thread');

    const predictions = (r: Run) => r.events.flatMap((e) => (e.kind === 'predictions' ? e.frames.map((f) => [e.stream, f.index, f.label, f.p, f.truth]) : []));
    assert.ok(predictions(one).length > 2000, `${predictions(one).length} predictions`);
    // every training frame's label and probability, in order (held-out frames are scored into
    // confusion counts, compared below with the epoch events)
    assert.deepEqual(predictions(two), predictions(one));
    assert.deepEqual(passAccuracies(two.events), passAccuracies(one.events));
    assert.equal(passAccuracies(one.events).length, 2);
    const heldOutAccuracies = (r: Run) => r.events.filter((e): e is EpochEvent => e.kind === 'epoch').map((e) => e.heldOut!.accuracy());
    assert.deepEqual(heldOutAccuracies(two), heldOutAccuracies(one));
    assert.equal(heldOutAccuracies(one).length, 2);
    // and everything else: top-k, truths, losses, end markers, confusions
    assert.deepEqual(comparable(two.events), comparable(one.events));
    assert.deepEqual(two.stats.toJSON(), one.stats.toJSON());
    assert.equal(two.version, one.version);
    assert.ok(bytes(two.params).equals(bytes(one.params)), 'final weights bit for bit');
    await assertAllExit(two.workers);
  });

  it('is identical with 39-dim features (normalisation after both delta orders) and three threads', async () => {
    const { train, heldOut } = splitByFile(entries, 0.2, 1);
    const o = { train: train.slice(0, 3), heldOut, features: { ...DEFAULT_FEATURE_CONFIG, deltaOrder: 2 as const }, epochs: 1 };
    const one = await replay(1, o);
    const three = await replay(3, o);
    assert.equal(three.workers.length, 2);
    assert.deepEqual(comparable(three.events), comparable(one.events));
    assert.ok(bytes(three.params).equals(bytes(one.params)), 'final weights bit for bit');
    await assertAllExit(three.workers);
  });

  it('reports a corrupt file among the corpus and skips it, as the single-threaded run does', async () => {
    const corpus = join(dir, 'corpus');
    await cp('fixtures/corpus/ljspeech', join(corpus, 'ljspeech'), { recursive: true });
    // sorts between the real files, so it is met mid-epoch
    await writeFile(join(corpus, 'ljspeech/wav/LJ001-0050.wav'), Buffer.from('RIFF\x10\x00\x00\x00WAVEjunk-that-is-no-audio'));
    await copyFile(join(corpus, 'ljspeech/TextGrid/LJ001-0042.TextGrid'), join(corpus, 'ljspeech/TextGrid/LJ001-0050.TextGrid'));
    const listed = (await listCorpus(corpus)).entries;
    assert.ok(listed.some((e) => e.id.endsWith('LJ001-0050')));
    const o = { train: listed.slice(0, 5), heldOut: listed.slice(5), features: { ...DEFAULT_FEATURE_CONFIG }, epochs: 2 };
    assert.ok(o.train.some((e) => e.id.endsWith('LJ001-0050')), 'the corrupt file is a training file');
    const one = await replay(1, o);
    const two = await replay(2, o);
    assert.equal(two.problems.length, 2, 'reported once per epoch');
    assert.ok(two.problems.every((p) => p.file.endsWith('LJ001-0050.wav')), JSON.stringify(two.problems));
    assert.deepEqual(two.problems, one.problems, 'the same report, word for word');
    const trained = (r: Run) => r.events.filter((e) => e.kind === 'end' && e.stream === 'replay').map((e) => (e as { utterance?: string }).utterance);
    assert.equal(trained(two).length, 2 * 4, 'the other four training files, twice');
    assert.ok(!trained(two).some((id) => id?.endsWith('LJ001-0050')));
    assert.deepEqual(comparable(two.events), comparable(one.events));
    assert.ok(bytes(two.params).equals(bytes(one.params)));
    await assertAllExit(two.workers);
  });

  it('fails as the single-threaded run does when no file is usable, and stops its workers', async () => {
    const corpus = join(dir, 'all-bad');
    await cp('fixtures/corpus/ljspeech/TextGrid', join(corpus, 'TextGrid'), { recursive: true });
    await cp('fixtures/corpus/ljspeech/wav', join(corpus, 'wav'), { recursive: true });
    const listed = (await listCorpus(corpus)).entries;
    for (const e of listed) await writeFile(e.audioPath, 'not audio');
    const o = { train: listed, heldOut: [], features: { ...DEFAULT_FEATURE_CONFIG }, epochs: 1 };
    const errorOf = (p: Promise<unknown>) => p.then(() => assert.fail('the replay completed'), (err: unknown) => err);
    const e1 = await errorOf(replay(1, o));
    const workers: { worker: Worker; exited: Promise<unknown> }[] = [];
    const onWorker = (worker: Worker) => workers.push({ worker, exited: once(worker, 'exit') });
    process.on('worker', onWorker);
    let e2: unknown;
    try {
      e2 = await errorOf(replay(2, o));
    } finally {
      process.off('worker', onWorker);
    }
    assert.ok(e2 instanceof InputError, String(e2));
    assert.equal(e2.message, (e1 as Error).message);
    assert.match(e2.message, /no usable utterances \(6 paired audio\/label files, 6 problems\)/);
    assert.equal(workers.length, 1);
    await assertAllExit(workers);
  });

  it('leaves no worker running once unsubscribed mid-replay', async () => {
    const learner = new OnlineLearner({ inputSize: featureDims(DEFAULT_FEATURE_CONFIG), phones, hiddenSize: 16, seed: 7 });
    try {
      const { result, workers } = await watchWorkers(() =>
        // the second prediction event arrives mid-utterance of an epoch of ten: the replay is cut short
        lastValueFrom(replayCorpus({ train: entries, learner, features: { ...DEFAULT_FEATURE_CONFIG }, epochs: 10, threads: 3 }).pipe(take(2), toArray())),
      );
      assert.equal(result.length, 2);
      assert.equal(workers.length, 2);
      await assertAllExit(workers);
    } finally {
      learner.dispose();
    }
  });
});
