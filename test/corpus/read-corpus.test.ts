import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';
import type { CorpusProblem } from '../../src/corpus/corpus-entry.ts';
import { listCorpus } from '../../src/corpus/list-corpus.ts';
import { readCorpus } from '../../src/corpus/read-corpus.ts';
import { InputError } from '../../src/errors.ts';
import type { LabelWarning } from '../../src/labels/fit-segments-to-duration.ts';
import { PHONE_SETS } from '../../src/labels/phone-sets.ts';

const TIMIT = 'fixtures/synthetic/timit';
const LJ_IDS = ['LJ001-0002', 'LJ001-0008', 'LJ001-0042', 'LJ001-0078', 'LJ001-0104', 'LJ001-0174'];

describe('listCorpus', () => {
  it('pairs MFA-style wav/ and TextGrid/ sibling directories, ids relative to the root, sorted', async () => {
    const { entries, problems } = await listCorpus('fixtures/corpus');
    assert.deepEqual(problems, []);
    assert.deepEqual(
      entries,
      LJ_IDS.map((id) => ({
        id: `ljspeech/wav/${id}`,
        audioPath: join('fixtures/corpus/ljspeech/wav', `${id}.wav`),
        labelPath: join('fixtures/corpus/ljspeech/TextGrid', `${id}.TextGrid`),
      })),
    );
  });

  it('pairs TIMIT SPHERE .WAV with .PHN in the same directory, one entry for SA1.WAV + SA1.WAV.wav, reports unlabelled audio', async () => {
    const { entries, problems } = await listCorpus(TIMIT);
    assert.deepEqual(
      entries.map((e) => [e.id, e.audioPath.slice(TIMIT.length + 1), e.labelPath.slice(TIMIT.length + 1)]),
      [
        ['TEST/DR2/FAKE1/SI4', 'TEST/DR2/FAKE1/SI4.WAV', 'TEST/DR2/FAKE1/SI4.PHN'],
        ['TRAIN/DR1/FAKE0/SA1', 'TRAIN/DR1/FAKE0/SA1.WAV', 'TRAIN/DR1/FAKE0/SA1.PHN'],
        ['TRAIN/DR1/FAKE0/SA2', 'TRAIN/DR1/FAKE0/SA2.WAV', 'TRAIN/DR1/FAKE0/SA2.PHN'],
      ],
    );
    assert.equal(problems.length, 1);
    assert.equal(problems[0].file, join(TIMIT, 'TRAIN/DR1/FAKE0/SX3.WAV'));
    assert.match(problems[0].message, /no label file \(SX3\.PHN, \.TextGrid or \.lab\)/);
  });

  it('prefers an aligned TextGrid in a sibling directory over an MFA input transcript .lab beside the audio', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'phonestream-mfa-'));
    try {
      mkdirSync(join(dir, 'spk1'));
      mkdirSync(join(dir, 'aligned'));
      copyFileSync('fixtures/synthetic/wav/pcm16.wav', join(dir, 'spk1', 'u1.wav'));
      writeFileSync(join(dir, 'spk1', 'u1.lab'), 'ha\n');
      copyFileSync('fixtures/synthetic/labels/short-format.TextGrid', join(dir, 'aligned', 'u1.TextGrid'));
      const { entries } = await listCorpus(dir);
      assert.deepEqual(entries, [{ id: 'spk1/u1', audioPath: join(dir, 'spk1', 'u1.wav'), labelPath: join(dir, 'aligned', 'u1.TextGrid') }]);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('refuses a missing root', async () => {
    await assert.rejects(listCorpus('fixtures/no-such-dir'), (err: unknown) => err instanceof InputError && /no-such-dir: cannot read corpus directory \(ENOENT\)/.test(err.message));
  });
});

describe('readCorpus', () => {
  it('streams the fixture corpus: 16 kHz audio, normalised ARPAbet segments, the overrun clipped with a warning', async () => {
    const problems: CorpusProblem[] = [];
    const warnings: LabelWarning[] = [];
    const utts = await lastValueFrom(
      readCorpus('fixtures/corpus', { phoneSet: 'arpabet', onProblem: (p) => problems.push(p), onWarning: (w) => warnings.push(w) }).pipe(toArray()),
    );
    assert.deepEqual(utts.map((u) => u.id), LJ_IDS.map((id) => `ljspeech/wav/${id}`));
    assert.deepEqual(problems, []);
    assert.deepEqual(warnings.map((w) => w.file), [join('fixtures/corpus/ljspeech/TextGrid', 'LJ001-0042.TextGrid')]);
    for (const u of utts) {
      assert.equal(u.audio.sampleRate, 16000);
      const duration = u.audio.samples.length / 16000;
      assert.ok(duration > 1.5 && duration < 7, `${u.id}: ${duration} s`);
      assert.ok(u.segments.at(-1)!.end <= duration);
      assert.ok(u.segments.every((s) => PHONE_SETS.arpabet.includes(s.phone)));
    }
  });

  it('skips and reports bad files (no label, overlapping times), keeps the rest', async () => {
    const problems: CorpusProblem[] = [];
    const utts = await lastValueFrom(readCorpus(TIMIT, { phoneSet: 'timit61', onProblem: (p) => problems.push(p) }).pipe(toArray()));
    assert.deepEqual(utts.map((u) => u.id), ['TRAIN/DR1/FAKE0/SA1', 'TRAIN/DR1/FAKE0/SA2']);
    assert.deepEqual(utts[1].segments.map((s) => s.phone), ['h#', 'q', 'ix', 'h#']);
    assert.deepEqual(problems.map((p) => p.file), [join(TIMIT, 'TRAIN/DR1/FAKE0/SX3.WAV'), `${join(TIMIT, 'TEST/DR2/FAKE1/SI4.PHN')}:3`]);
    assert.match(problems[1].message, /^overlapping times/);
  });

  it('reports an unknown phone against the given set, and errors when nothing is usable', async () => {
    const problems: CorpusProblem[] = [];
    await assert.rejects(
      lastValueFrom(readCorpus(TIMIT, { phoneSet: 'arpabet', onProblem: (p) => problems.push(p) })),
      (err: unknown) => err instanceof InputError && err.source === TIMIT && /no usable utterances \(3 paired audio\/label files, 4 problems\)/.test(err.message),
    );
    assert.ok(problems.some((p) => /unknown phone "h#" at 0\.000 s; not in the arpabet phone set/.test(p.message)));
  });

  it('errors on a directory with no audio at all', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'phonestream-empty-'));
    try {
      await assert.rejects(lastValueFrom(readCorpus(dir)), /no usable utterances \(0 paired audio\/label files, 0 problems\)/);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('reads only the given entries, and stops loading when unsubscribed', async () => {
    const { entries } = await listCorpus(TIMIT);
    const problems: CorpusProblem[] = [];
    // SA1 first, then SI4 (bad labels): taking one utterance must not load, or report, SI4.
    const picked = [entries[1], entries[0]];
    const first = await firstValueFrom(readCorpus(TIMIT, { entries: picked, onProblem: (p) => problems.push(p) }).pipe(take(1)));
    assert.equal(first.id, 'TRAIN/DR1/FAKE0/SA1');
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(problems, []);
  });
});
