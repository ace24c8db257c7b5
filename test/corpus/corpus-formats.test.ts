import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { lastValueFrom, toArray } from 'rxjs';
import type { CorpusProblem } from '../../src/corpus/corpus-entry.ts';
import { listCorpus } from '../../src/corpus/list-corpus.ts';
import { readCorpus } from '../../src/corpus/read-corpus.ts';
import { DEFAULT_FEATURE_CONFIG } from '../../src/features/feature-config.ts';
import type { LabelWarning } from '../../src/labels/fit-segments-to-duration.ts';
import { FeaturePool } from '../../src/threads/feature-pool.ts';
import { readPreparedCorpus } from '../../src/threads/read-prepared-corpus.ts';

// One corpus of the formats read: FLAC, MP3, 8 kHz μ-law WAV (warned of), and a file shorter
// than one frame (skipped, reported), each with a copy of LJ001-0008's TextGrid.
const TEXTGRID = 'fixtures/corpus/ljspeech/TextGrid/LJ001-0008.TextGrid';
const AUDIO: Record<string, string> = {
  'a.flac': 'fixtures/audio/LJ001-0008.flac',
  'b.mp3': 'fixtures/audio/LJ001-0008.mp3',
  'c.wav': 'fixtures/audio/LJ001-0008-8k-mulaw.wav',
  'd.wav': 'fixtures/audio/short-300.wav',
};
let root = '';
before(() => {
  root = mkdtempSync(join(tmpdir(), 'phonestream-formats-'));
  mkdirSync(join(root, 'wav'));
  mkdirSync(join(root, 'TextGrid'));
  for (const [name, from] of Object.entries(AUDIO)) {
    copyFileSync(from, join(root, 'wav', name));
    copyFileSync(TEXTGRID, join(root, 'TextGrid', name.replace(/\.\w+$/, '.TextGrid')));
  }
});
after(() => rmSync(root, { recursive: true, force: true }));

const short = (p: CorpusProblem) => p.file.endsWith('d.wav') && p.message === 'shorter than one 25 ms frame: 300 samples at 16 kHz (400 needed)';

describe('a corpus of FLAC, MP3 and μ-law files', () => {
  it('lists .flac and .mp3 as audio', async () => {
    const { entries } = await listCorpus(root);
    assert.deepEqual(entries.map((e) => e.id), ['wav/a', 'wav/b', 'wav/c', 'wav/d']);
  });

  it('reads them, warns of the 8 kHz file once, and skips the too-short one with a problem naming it', async () => {
    const problems: CorpusProblem[] = [];
    const warnings: LabelWarning[] = [];
    const utterances = await lastValueFrom(
      readCorpus(root, { onProblem: (p) => problems.push(p), onWarning: (w) => warnings.push(w) }).pipe(toArray()),
    );
    assert.deepEqual(utterances.map((u) => u.id), ['wav/a', 'wav/b', 'wav/c']);
    assert.equal(problems.length, 1);
    assert.ok(short(problems[0]), JSON.stringify(problems));
    const low = warnings.filter((w) => /sampled at 8000 Hz, below 16 kHz/.test(w.message));
    assert.equal(low.length, 1);
    assert.ok(low[0].file.endsWith('c.wav'));
  });

  it('the worker threads tell the same problems and warnings', async () => {
    const pool = new FeaturePool(1);
    try {
      const { entries } = await listCorpus(root);
      const problems: CorpusProblem[] = [];
      const warnings: LabelWarning[] = [];
      const prepared = await lastValueFrom(
        readPreparedCorpus(pool, root, {
          entries,
          features: DEFAULT_FEATURE_CONFIG,
          onProblem: (p) => problems.push(p),
          onWarning: (w) => warnings.push(w),
        }).pipe(toArray()),
      );
      assert.deepEqual(prepared.map((u) => u.id), ['wav/a', 'wav/b', 'wav/c']);
      assert.equal(problems.length, 1);
      assert.ok(short(problems[0]));
      assert.equal(warnings.filter((w) => /sampled at 8000 Hz/.test(w.message) && w.file.endsWith('c.wav')).length, 1);
    } finally {
      await pool.close();
    }
  });
});
