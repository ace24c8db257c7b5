import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listCorpus } from '../../src/corpus/list-corpus.ts';
import { loadUtterance } from '../../src/corpus/load-utterance.ts';
import type { CorpusEntry } from '../../src/corpus/corpus-entry.ts';
import { DEFAULT_FEATURE_CONFIG } from '../../src/features/feature-config.ts';
import { frameCount } from '../../src/features/frame-count.ts';
import { unnormalizedFeatures } from '../../src/features/unnormalized-features.ts';
import { FeaturePool } from '../../src/threads/feature-pool.ts';

let dir = '';
let entries: CorpusEntry[] = [];
let bad: CorpusEntry;
before(async () => {
  ({ entries } = await listCorpus('fixtures/corpus'));
  // a bad file: a .wav that is not a WAV file, with a valid label file
  dir = await mkdtemp(join(tmpdir(), 'phonestream-pool-'));
  await mkdir(join(dir, 'wav'));
  await mkdir(join(dir, 'TextGrid'));
  await writeFile(join(dir, 'wav', 'BAD.wav'), 'not a wav file at all');
  await copyFile(entries[0].labelPath, join(dir, 'TextGrid', 'BAD.TextGrid'));
  bad = { id: 'wav/BAD', audioPath: join(dir, 'wav', 'BAD.wav'), labelPath: join(dir, 'TextGrid', 'BAD.TextGrid') };
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('FeaturePool', () => {
  it('prepares entries on worker threads: the unnormalised features this thread computes, bit for bit', async () => {
    const pool = new FeaturePool(2);
    try {
      const outcomes = await Promise.all(entries.slice(0, 3).map((e) => pool.prepare(e, DEFAULT_FEATURE_CONFIG)));
      for (const [i, outcome] of outcomes.entries()) {
        assert.equal(outcome.kind, 'utterance');
        if (outcome.kind !== 'utterance') continue;
        // the worker hands back what loading warned of (here: labels clipped to the audio's end)
        const warnings: { file: string; message: string }[] = [];
        const u = await loadUtterance(entries[i], { onWarning: (w) => warnings.push(w) });
        const expected = unnormalizedFeatures(u.audio.samples, DEFAULT_FEATURE_CONFIG, u.audioPath);
        assert.deepEqual(
          { ...outcome.utterance, features: Buffer.from(outcome.utterance.features.buffer).toString('hex') },
          {
            id: u.id,
            audioPath: u.audioPath,
            labelPath: u.labelPath,
            segments: u.segments,
            frames: frameCount(u.audio.samples.length, 400, 160),
            features: Buffer.from(expected.buffer).toString('hex'),
            ...(warnings.length > 0 && { warnings }),
          },
        );
      }
    } finally {
      await pool.close();
    }
  });

  it('resolves a bad file as a problem worded as readCorpus words it, and carries on', async () => {
    const pool = new FeaturePool(1);
    try {
      const problem = await pool.prepare(bad, DEFAULT_FEATURE_CONFIG);
      assert.equal(problem.kind, 'problem');
      if (problem.kind === 'problem') {
        assert.equal(problem.problem.file, bad.audioPath);
        // the same message the single-threaded reader reports for it
        const direct = await loadUtterance(bad).then(
          () => assert.fail('the bad file loaded'),
          (err: Error) => err.message.slice(bad.audioPath.length + 2),
        );
        assert.equal(problem.problem.message, direct);
      }
      assert.equal((await pool.prepare(entries[0], DEFAULT_FEATURE_CONFIG)).kind, 'utterance', 'the worker survived it');
    } finally {
      await pool.close();
    }
  });

  it('close() terminates every worker and rejects jobs in flight and later ones', async () => {
    const pool = new FeaturePool(2);
    assert.ok(pool.threadIds.every((id) => id > 0));
    const inFlight = assert.rejects(pool.prepare(entries[0], DEFAULT_FEATURE_CONFIG), /FeaturePool: closed/);
    await pool.close();
    await inFlight;
    await assert.rejects(pool.prepare(entries[0], DEFAULT_FEATURE_CONFIG), /FeaturePool: closed/);
    assert.deepEqual(pool.threadIds, [-1, -1], 'no worker thread left running');
    await pool.close();
  });

  it('refuses a size that is not a positive integer', () => {
    assert.throws(() => new FeaturePool(0), /size must be an integer ≥ 1, got 0/);
    assert.throws(() => new FeaturePool(1.5), /size must be an integer ≥ 1, got 1.5/);
  });
});
