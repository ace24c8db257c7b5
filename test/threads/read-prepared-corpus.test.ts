import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { lastValueFrom, take, tap, toArray } from 'rxjs';
import type { CorpusEntry, CorpusProblem } from '../../src/corpus/corpus-entry.ts';
import type { PreparedUtterance } from '../../src/corpus/prepared-utterance.ts';
import { InputError } from '../../src/errors.ts';
import { DEFAULT_FEATURE_CONFIG } from '../../src/features/feature-config.ts';
import type { PrepareOutcome } from '../../src/threads/feature-pool.ts';
import { readPreparedCorpus } from '../../src/threads/read-prepared-corpus.ts';

const entry = (id: string): CorpusEntry => ({ id, audioPath: `${id}.wav`, labelPath: `${id}.lab` });
const utterance = (e: CorpusEntry): PrepareOutcome => ({
  kind: 'utterance',
  utterance: { id: e.id, audioPath: e.audioPath, labelPath: e.labelPath, segments: [], frames: 0, features: new Float32Array(0) } satisfies PreparedUtterance,
});

/**
 * A pool whose jobs finish when the test says so, in any order; it records what is in flight.
 * Ids starting with `bad` are bad files.
 */
function fakePool(size: number) {
  const jobs: { entry: CorpusEntry; finished: boolean; finish(): void }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  return {
    size,
    jobs,
    get maxInFlight() {
      return maxInFlight;
    },
    prepare(e: CorpusEntry) {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      return new Promise<PrepareOutcome>((resolve) => {
        const job = {
          entry: e,
          finished: false,
          finish: () => {
            job.finished = true;
            inFlight--;
            resolve(e.id.startsWith('bad') ? { kind: 'problem', problem: { file: e.audioPath, message: 'not audio' } } : utterance(e));
          },
        };
        jobs.push(job);
      });
    },
  };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('readPreparedCorpus', () => {
  it('emits in corpus order however the workers finish, reporting bad files in their turn, with a bounded look-ahead', async () => {
    const entries = ['a', 'bad1', 'c', 'd', 'e', 'bad2', 'g'].map(entry);
    const pool = fakePool(1);
    const log: string[] = [];
    const done = lastValueFrom(
      readPreparedCorpus(pool, 'corpus', { entries, features: DEFAULT_FEATURE_CONFIG, lookAhead: 3, onProblem: (p) => log.push(`problem ${p.file}`) }).pipe(toArray()),
    ).then((us) => (log.push('complete'), us));
    await tick();
    assert.deepEqual(pool.jobs.map((j) => j.entry.id), ['a', 'bad1', 'c'], 'three entries ahead, no more');
    assert.deepEqual(log, []);
    // Finish whatever is in flight latest first, again and again: nothing may overtake an earlier entry.
    let finishedAll = false;
    void done.then(() => (finishedAll = true));
    while (!finishedAll) {
      for (const j of [...pool.jobs].reverse()) if (!j.finished) j.finish();
      await tick();
    }
    const us = await done;
    assert.deepEqual(us.map((u) => u.id), ['a', 'c', 'd', 'e', 'g']);
    assert.deepEqual(log, ['problem bad1.wav', 'problem bad2.wav', 'complete']);
    assert.ok(pool.maxInFlight <= 3, `at most 3 in flight, saw ${pool.maxInFlight}`);
  });

  it('errors with readCorpus\'s InputError when no utterance could be read', async () => {
    const pool = fakePool(2);
    const problems: CorpusProblem[] = [];
    const done = lastValueFrom(readPreparedCorpus(pool, 'corpus', { entries: [entry('bad1'), entry('bad2')], features: DEFAULT_FEATURE_CONFIG, onProblem: (p) => problems.push(p) }));
    await tick();
    for (const j of pool.jobs) j.finish();
    await assert.rejects(done, (err: unknown) => err instanceof InputError && err.message === 'corpus: no usable utterances (2 paired audio/label files, 2 problems); first problem: bad1.wav: not audio');
    assert.equal(problems.length, 2);
  });

  it('fails the stream with a job\'s error when its turn comes, after the utterances before it', async () => {
    const pool = {
      size: 1,
      prepare: (e: CorpusEntry) => (e.id === 'b' ? Promise.reject(new Error('worker crashed')) : Promise.resolve(utterance(e))),
    };
    const seen: string[] = [];
    await assert.rejects(
      lastValueFrom(readPreparedCorpus(pool, 'corpus', { entries: ['a', 'b', 'c'].map(entry), features: DEFAULT_FEATURE_CONFIG }).pipe(tap((u) => seen.push(u.id)))),
      /worker crashed/,
    );
    assert.deepEqual(seen, ['a']);
  });

  it('stops handing out jobs once unsubscribed', async () => {
    const pool = fakePool(1);
    const entries = ['a', 'b', 'c', 'd', 'e', 'f'].map(entry);
    const first = lastValueFrom(readPreparedCorpus(pool, 'corpus', { entries, features: DEFAULT_FEATURE_CONFIG, lookAhead: 2 }).pipe(take(1)));
    await tick();
    pool.jobs[0].finish();
    assert.equal((await first).id, 'a');
    const handedOut = pool.jobs.length;
    assert.ok(handedOut <= 3, `${handedOut} jobs handed out by the first emission (look-ahead 2)`);
    for (const j of pool.jobs.slice(1)) j.finish();
    await tick();
    await tick();
    assert.equal(pool.jobs.length, handedOut, 'no job handed out after unsubscribing');
  });
});
