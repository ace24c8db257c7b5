import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cli } from './run-cli.ts';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { from, lastValueFrom, toArray } from 'rxjs';
import { readAudioFile } from '../../src/audio/read-audio-file.ts';
import { DEFAULT_FEATURE_CONFIG } from '../../src/features/feature-config.ts';
import { frameCount } from '../../src/features/frame-count.ts';
import { loadFeatureStats } from '../../src/features/load-feature-stats.ts';
import { toFeatureFrames } from '../../src/features/to-feature-frames.ts';

const WAV = 'fixtures/corpus/ljspeech/wav/LJ001-0008.wav';

describe('phonestream features', () => {
  it('should print one jsonl line of 26 features per 10 ms frame, equal to the library output', async () => {
    const [res, audio] = await Promise.all([cli('features', WAV, '--format', 'jsonl'), readAudioFile(WAV)]);
    assert.equal(res.code, 0, res.stderr);
    const lines = res.stdout.trimEnd().split('\n');
    assert.equal(lines.length, Math.floor((audio.samples.length - 400) / 160) + 1);
    const raw = { ...DEFAULT_FEATURE_CONFIG, normalization: { kind: 'none' as const } };
    const expected = await lastValueFrom(from([audio.samples]).pipe(toFeatureFrames(raw), toArray()));
    lines.forEach((line, i) => {
      const { t, features } = JSON.parse(line) as { t: number; features: number[] };
      assert.equal(t, i / 100);
      assert.equal(features.length, 26);
      // 9 significant digits read back to the very same float32
      assert.deepEqual(Float32Array.from(features), expected[i].features, `frame ${i}`);
    });
  });

  it('should print csv with t and 39 features per line, and a header on request', async () => {
    const res = await cli('features', WAV, '--format', 'csv', '--dims', '39', '--window', 'hann', '--header');
    assert.equal(res.code, 0, res.stderr);
    const [header, ...rows] = res.stdout.trimEnd().split('\n');
    assert.equal(header.split(',').length, 40);
    assert.match(header, /^t,c1,.*,logE,d_c1,.*,dd_logE$/);
    const audio = await readAudioFile(WAV);
    assert.equal(rows.length, frameCount(audio.samples.length, 400, 160));
    rows.forEach((row, i) => {
      const cells = row.split(',').map(Number);
      assert.equal(cells.length, 40);
      assert.equal(cells[0], i / 100);
      assert.ok(cells.every(Number.isFinite));
    });
  });

  it('should fail with one line naming the file, and a non-zero status', async () => {
    const [missing, badOption] = await Promise.all([cli('features', 'fixtures/no-such-file.wav'), cli('features', WAV, '--dims', '13')]);
    assert.notEqual(missing.code, 0);
    assert.equal(missing.stderr, 'phonestream: fixtures/no-such-file.wav: cannot read file (ENOENT)\n');
    assert.notEqual(badOption.code, 0);
    assert.equal(badOption.stderr, 'phonestream: --dims must be one of 26, 39, got "13"\n');
  });

  it('should describe itself with --help', async () => {
    const res = await cli('features', '--help');
    assert.equal(res.code, 0);
    assert.match(res.stdout, /^Usage: phonestream features FILE/);
    assert.match(res.stdout, /--format jsonl\|csv/);
  });
});

describe('phonestream stats', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'phonestream-cli-stats-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('should write the mean and variance over a corpus, which features --stats then applies', async () => {
    const out = join(dir, 'stats.json');
    const res = await cli('stats', 'fixtures/corpus', '--out', out);
    assert.equal(res.code, 0, res.stderr);
    const stats = await loadFeatureStats(out);
    assert.equal(stats.dims, 26);
    // every fixture utterance is counted: the sum of their frame counts
    const wavDir = 'fixtures/corpus/ljspeech/wav';
    const wavs = (await readdir(wavDir)).filter((f) => f.endsWith('.wav'));
    let frames = 0;
    for (const w of wavs) frames += frameCount((await readAudioFile(join(wavDir, w))).samples.length, 400, 160);
    assert.equal(stats.frames, frames);
    assert.ok(stats.variance.every((v) => v > 0));

    const normalized = await cli('features', WAV, '--stats', out);
    assert.equal(normalized.code, 0, normalized.stderr);
    const first = JSON.parse(normalized.stdout.split('\n')[0]) as { features: number[] };
    const rawCfg = { ...DEFAULT_FEATURE_CONFIG, normalization: { kind: 'none' as const } };
    const [raw] = await lastValueFrom(from([(await readAudioFile(WAV)).samples]).pipe(toFeatureFrames(rawCfg), toArray()));
    raw.features.forEach((x, d) => {
      const z = (x - stats.mean[d]) / Math.sqrt(stats.variance[d] + 1e-8);
      assert.ok(Math.abs(first.features[d] - z) < 1e-4 * (1 + Math.abs(z)), `dim ${d}`);
    });
  });

  it('should require --out and describe itself with --help', async () => {
    const [res, help] = await Promise.all([cli('stats', 'fixtures/corpus'), cli('stats', '--help')]);
    assert.notEqual(res.code, 0);
    assert.match(res.stderr, /^phonestream: stats: --out FILE is required/);
    assert.match(help.stdout, /^Usage: phonestream stats CORPUS\.\.\. --out stats\.json/);
  });
});
