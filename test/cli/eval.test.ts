import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cli } from './run-cli.ts';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom } from 'rxjs';
import { readAudioFile } from '../../src/audio/read-audio-file.ts';
import { loadCheckpoint } from '../../src/checkpoint/load-checkpoint.ts';
import { listCorpus } from '../../src/corpus/list-corpus.ts';
import { selectBackend } from '../../src/learner/select-backend.ts';
import { evaluateCorpus, scoreCorpus } from '../../pipelines/evaluate-corpus.ts';

const CORPUS = 'fixtures/corpus';

let dir = '';
let ckpt = '';

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'phonestream-eval-cli-'));
  ckpt = join(dir, 'ckpt');
  const trained = await cli('replay', CORPUS, '--hidden', '16', '--save', ckpt, '--quiet');
  assert.equal(trained.code, 0, trained.stderr);
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('phonestream eval', () => {
  it('should score every frame of the corpus with the checkpoint, as the library does', async () => {
    const summaryPath = join(dir, 'e.json');
    const res = await cli('eval', CORPUS, '--load', ckpt, '--summary', summaryPath);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stderr, '');
    const e = JSON.parse(await readFile(summaryPath, 'utf8'));

    const { entries } = await listCorpus(CORPUS);
    const samples = await Promise.all(entries.map(async (x) => (await readAudioFile(x.audioPath)).samples.length));
    assert.equal(e.files, 6);
    assert.equal(e.frames, samples.reduce((a, n) => a + Math.floor((n - 400) / 160) + 1, 0));
    assert.ok(e.accuracy >= 0 && e.accuracy <= 1, `accuracy ${e.accuracy}`);
    assert.ok(e.kappa >= -1 && e.kappa <= 1, `κ ${e.kappa}`);
    // 6 utterances, each starting with a no-change miss; phones last many frames
    assert.ok(e.noChangeAccuracy > 0.5 && e.noChangeAccuracy <= 1 - 6 / e.frames, `no-change ${e.noChangeAccuracy}`);
    const p = e.noChangeAccuracy;
    assert.ok(e.kappaTemporal <= 1 && e.kappaTemporal >= -p / (1 - p), `κ-temporal ${e.kappaTemporal}`);
    assert.ok(Math.abs(e.kappaTemporal - (e.accuracy - p) / (1 - p)) < 1e-12);
    assert.match(res.stdout, /framewise accuracy: [\d.]+% on the model's \d+ phones \(κ -?[\d.]+, κ-temporal -?[\d.]+ vs no-change [\d.]+%\)\n/);
    assert.equal(e.folded39, null, 'LJSpeech phones are not TIMIT 61');
    assert.ok(Array.isArray(e.topConfusions) && e.topConfusions.length > 0 && e.topConfusions.length <= 10);
    let previous = Infinity;
    for (const c of e.topConfusions) {
      assert.equal(c.length, 3);
      const [ref, pred, count] = c;
      assert.equal(typeof ref, 'string');
      assert.equal(typeof pred, 'string');
      assert.notEqual(ref, pred, 'a confusion pairs two different phones');
      assert.ok(Number.isInteger(count) && count > 0 && count <= previous, `count ${count} after ${previous}`);
      previous = count;
    }
    assert.match(res.stdout, new RegExp(`^eval: 6 files, ${e.frames} frames`));

    // the same checkpoint scored in-process, frozen and with its fixed statistics
    await selectBackend(e.backend);
    const { learner, features, stats } = await loadCheckpoint(ckpt, { trainable: false });
    try {
      const fixed = { ...features, normalization: { kind: 'fixed' as const, stats: stats.toJSON() } };
      const counts = await lastValueFrom(evaluateCorpus({ entries, learner, features: fixed }));
      assert.equal(counts.frames, e.frames);
      assert.equal(counts.accuracy(), e.accuracy);
      assert.deepEqual(counts.topConfusions(10), e.topConfusions);
      const { agreement } = await lastValueFrom(scoreCorpus({ entries, learner, features: fixed }));
      assert.equal(agreement.utterances, 6);
      assert.deepEqual(
        { kappa: agreement.kappa(), kappaTemporal: agreement.kappaTemporal(), noChangeAccuracy: agreement.noChangeAccuracy() },
        { kappa: e.kappa, kappaTemporal: e.kappaTemporal, noChangeAccuracy: e.noChangeAccuracy },
      );
    } finally {
      learner.dispose();
    }
  });

  it('should honour --top', async () => {
    const summaryPath = join(dir, 'top.json');
    const res = await cli('eval', CORPUS, '--load', ckpt, '--top', '3', '--summary', summaryPath);
    assert.equal(res.code, 0, res.stderr);
    const e = JSON.parse(await readFile(summaryPath, 'utf8'));
    assert.equal(e.topConfusions.length, 3);
  });
});
