import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cli } from './run-cli.ts';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readAudioFile } from '../../src/audio/read-audio-file.ts';
import { listCorpus } from '../../src/corpus/list-corpus.ts';
import { splitByFile } from '../../src/corpus/split-by-file.ts';

const CORPUS = 'fixtures/corpus';

const readJson = async (path: string) => JSON.parse(await readFile(path, 'utf8'));
/** The learner metadata saveLearner writes into model.json. */
const learnerMeta = async (dir: string) => (await readJson(join(dir, 'model.json'))).userDefinedMetadata.phonestream;
/** The feature options and statistics saved with the learner: the file model.json names. */
const savedFeatures = async (dir: string) => readJson(join(dir, (await learnerMeta(dir)).featuresFile));

/** 25 ms windows every 10 ms: floor((N − 400)/160) + 1 frames for N samples at 16 kHz. */
const framesOf = (samples: number) => Math.floor((samples - 400) / 160) + 1;

/** Frames and TBPTT(20, 20) chunks of each training file, under the CLI's default split (0.1, seed 1). */
let trainFrames: number[] = [];
let dir = '';

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'phonestream-replay-cli-'));
  const { entries } = await listCorpus(CORPUS);
  const { train } = splitByFile(entries, 0.1, 1);
  trainFrames = await Promise.all(train.map(async (e) => framesOf((await readAudioFile(e.audioPath)).samples.length)));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('phonestream replay', () => {
  it('should train two epochs, write the summary and a checkpoint, and continue from it with --load', async () => {
    const summaryPath = join(dir, 's.json');
    const ckpt = join(dir, 'ckpt');
    const res = await cli('replay', CORPUS, '--epochs', '2', '--hidden', '16', '--summary', summaryPath, '--save', ckpt, '--quiet');
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stderr, '', 'nothing on stderr with --quiet and a clean corpus');
    assert.match(res.stdout, /^replay: 10 utterances, \d+ frames/);
    assert.match(res.stdout, new RegExp(`saved checkpoint to ${ckpt}\\n$`));

    const s = await readJson(summaryPath);
    assert.equal(trainFrames.length, 5, 'the default split holds out one of the 6 files');
    assert.equal(s.frames, 2 * sum(trainFrames));
    assert.equal(s.utterances, 2 * trainFrames.length);
    assert.equal(s.trainFiles, 5);
    assert.equal(s.heldOutFiles, 1);
    for (const key of ['pass1PrequentialAccuracy', 'lastPassTrainingAccuracy', 'heldOutAccuracy']) {
      assert.ok(s[key] >= 0 && s[key] <= 1, `${key} ${s[key]}`);
    }
    assert.equal(s.prequentialAccuracy, undefined, 'no figure mixes first-sight and already-learned frames');
    // Pass 1 is prequential; pass 2 scores frames already learned from, and says so.
    assert.equal(s.epochs[0].prequentialAccuracy, s.pass1PrequentialAccuracy);
    assert.equal(s.epochs[0].trainingAccuracy, null);
    assert.equal(s.epochs[1].prequentialAccuracy, null);
    assert.equal(s.epochs[1].trainingAccuracy, s.lastPassTrainingAccuracy);
    assert.deepEqual(s.epochs.map((e: { utterances: number }) => e.utterances), [5, 5], 'utterances per pass, not summed');
    assert.equal(s.skippedUpdates, 0);
    assert.match(res.stdout, /epoch 1: prequential accuracy [\d.]+% \(each frame predicted before learning from it, first sight\)/);
    assert.match(res.stdout, /epoch 2: training accuracy [\d.]+% \(on frames already learned from in earlier passes\)/);
    assert.ok(Number.isFinite(s.loss) && s.loss > 0, `loss ${s.loss}`);
    assert.ok(s.framesPerSecond > 0 && Number.isFinite(s.framesPerSecond));
    assert.ok(Math.abs(s.realTimeFactor - s.framesPerSecond / 100) < 1e-9);
    assert.ok(['tensorflow', 'wasm', 'cpu'].includes(s.backend), s.backend);
    assert.equal(s.epochs.length, 2);
    assert.deepEqual(s.epochs.map((e: { epoch: number }) => e.epoch), [1, 2]);
    assert.equal(s.config.k1, 20);
    assert.equal(s.config.k2, 20);
    assert.equal(s.config.hiddenSize, 16);
    assert.ok(s.config.phones.includes('sil') && s.config.phones.length > 20, s.config.phones.join(' '));

    const files = await readdir(ckpt);
    const meta = await learnerMeta(ckpt);
    assert.ok(files.includes('model.json'), files.join(', '));
    assert.ok(files.includes(meta.featuresFile), files.join(', '));
    assert.ok(files.some((f) => /^weights-.*\.bin$/.test(f)), files.join(', '));
    // one update per 20 frames, the partial chunk at each utterance end included, over 2 epochs
    const chunksPerEpoch = sum(trainFrames.map((n) => Math.ceil(n / 20)));
    assert.equal(meta.updates, 2 * chunksPerEpoch);
    assert.equal((await savedFeatures(ckpt)).stats.frames, 2 * sum(trainFrames));

    // --load continues: same phones and size (--hidden is ignored), updates and statistics carry on
    const next = join(dir, 'ckpt2');
    const more = await cli('replay', CORPUS, '--load', ckpt, '--hidden', '64', '--summary', join(dir, 's2.json'), '--save', next, '--quiet');
    assert.equal(more.code, 0, more.stderr);
    const s2 = await readJson(join(dir, 's2.json'));
    assert.deepEqual(s2.config.phones, s.config.phones);
    assert.equal(s2.config.hiddenSize, 16);
    assert.equal(s2.frames, sum(trainFrames));
    assert.equal((await learnerMeta(next)).updates, 3 * chunksPerEpoch);
    assert.equal((await savedFeatures(next)).stats.frames, 3 * sum(trainFrames));

    // a --dims that contradicts the checkpoint is refused rather than silently ignored
    const mismatch = await cli('replay', CORPUS, '--load', ckpt, '--dims', '39', '--quiet');
    assert.equal(mismatch.code, 1, mismatch.stderr);
    assert.ok(mismatch.stderr.includes(`replay: --dims 39, but the checkpoint ${ckpt} takes 26-dim features; leave --dims out with --load`), mismatch.stderr);
  });

  it('should write held-out kappa, Kappa-Temporal and the no-change accuracy per epoch and in the summary, and print them', async () => {
    const summaryPath = join(dir, 'agreement.json');
    const res = await cli('replay', CORPUS, '--hidden', '16', '--summary', summaryPath, '--quiet');
    assert.equal(res.code, 0, res.stderr);
    const s = await readJson(summaryPath);
    assert.equal(s.epochs.length, 1);
    const [e] = s.epochs;
    for (const key of ['heldOutAccuracy', 'heldOutKappa', 'heldOutKappaTemporal', 'heldOutNoChangeAccuracy']) {
      assert.equal(typeof s[key], 'number', `${key} ${s[key]}`);
      assert.equal(s[key], e[key], `the summary's ${key} is the last epoch's`);
    }
    assert.ok(s.heldOutKappa >= -1 && s.heldOutKappa <= 1, `κ ${s.heldOutKappa}`);
    // phones last many 10 ms frames, so repeating the previous label is right most of the time;
    // each utterance's first frame is a miss, so it is below 1
    assert.ok(s.heldOutNoChangeAccuracy > 0.5 && s.heldOutNoChangeAccuracy < 1, `no-change ${s.heldOutNoChangeAccuracy}`);
    const p = s.heldOutNoChangeAccuracy;
    assert.ok(s.heldOutKappaTemporal <= 1 && s.heldOutKappaTemporal >= -p / (1 - p), `κ-temporal ${s.heldOutKappaTemporal}`);
    assert.ok(Math.abs(s.heldOutKappaTemporal - (s.heldOutAccuracy - p) / (1 - p)) < 1e-12, 'κ_per = (p_o − p_per)/(1 − p_per)');
    assert.match(res.stdout, /held-out accuracy [\d.]+% \(κ -?[\d.]+, κ-temporal -?[\d.]+ vs no-change [\d.]+%\) \(\d+ frames, 1 files\)/);

    // nothing held out: the fields are there, null
    const noneHeld = join(dir, 'none-held.json');
    const none = await cli('replay', CORPUS, '--hidden', '16', '--held-out', '0', '--summary', noneHeld, '--quiet');
    assert.equal(none.code, 0, none.stderr);
    const n = await readJson(noneHeld);
    for (const key of ['heldOutAccuracy', 'heldOutKappa', 'heldOutKappaTemporal', 'heldOutNoChangeAccuracy']) {
      assert.equal(n[key], null, key);
      assert.equal(n.epochs[0][key], null, key);
    }
    assert.match(none.stdout, /held-out accuracy n\/a \(0 frames, 0 files\)/);
  });

  it('should give the same summary and the same checkpoint, byte for byte, with --threads 1 and --threads 2', async () => {
    const runs = await Promise.all(
      ['1', '2'].map(async (threads) => {
        const ckpt = join(dir, `threads-${threads}`);
        const summary = join(dir, `threads-${threads}.json`);
        const res = await cli('replay', CORPUS, '--epochs', '2', '--hidden', '16', '--threads', threads, '--summary', summary, '--save', ckpt, '--quiet');
        assert.equal(res.code, 0, res.stderr);
        assert.match(res.stdout, new RegExp(`on \\w+, ${threads} threads?\\n`));
        const files = (await readdir(ckpt)).sort();
        return { s: await readJson(summary), files, bytes: await Promise.all(files.map((f) => readFile(join(ckpt, f)))) };
      }),
    );
    const [one, two] = runs;
    assert.deepEqual([one.s.threads, two.s.threads], [1, 2]);
    for (const key of ['frames', 'utterances', 'pass1PrequentialAccuracy', 'lastPassTrainingAccuracy', 'heldOutAccuracy', 'heldOutKappa', 'heldOutKappaTemporal', 'heldOutNoChangeAccuracy', 'loss', 'epochs', 'heldOutTopConfusions']) {
      assert.deepEqual(two.s[key], one.s[key], key);
    }
    assert.ok(one.s.heldOutAccuracy > 0, 'held-out files were scored');
    // model.json (with the update count), the weights and the feature options and statistics
    assert.deepEqual(two.files, one.files);
    assert.ok(one.files.some((f) => f.endsWith('.bin')));
    two.bytes.forEach((b, i) => assert.ok(b.equals(one.bytes[i]), `${one.files[i]} differs`));
  });

  it('should run the framewise and utterance presets, with plain progress lines when stderr is not a TTY', async () => {
    const [framewise, utterance] = await Promise.all([
      cli('replay', CORPUS, '--preset', 'framewise', '--k2', '5', '--hidden', '16', '--summary', join(dir, 'f.json')),
      cli('replay', CORPUS, '--preset', 'utterance', '--hidden', '16', '--summary', join(dir, 'u.json'), '--quiet'),
    ]);
    assert.equal(framewise.code, 0, framewise.stderr);
    assert.equal(utterance.code, 0, utterance.stderr);
    const f = await readJson(join(dir, 'f.json'));
    const u = await readJson(join(dir, 'u.json'));
    assert.deepEqual([f.config.preset, f.config.k1, f.config.k2], ['framewise', 1, 5]);
    assert.deepEqual([u.config.preset, u.config.k1, u.config.k2], ['utterance', null, null]);
    assert.match(framewise.stdout, /framewise k1=1 k2=5/);
    assert.match(utterance.stdout, /utterance k1=utterance k2=utterance/);
    for (const s of [f, u]) assert.equal(s.frames, sum(trainFrames));

    // not a TTY: plain lines, no bar, no cursor or colour escapes
    assert.doesNotMatch(framewise.stderr, /\x1b/);
    const all = framewise.stderr.trimEnd().split('\n');
    // progress lines, the epoch's held-out score when it is taken, and file warnings (labels clipped)
    const lines = all.filter((l) => l.startsWith('epoch '));
    assert.ok(lines.length >= 1);
    for (const line of lines) assert.match(line, /^epoch 1\/1 utterances \d+\/5 frames \d+ [\d.]+x real time, prequential acc \S+, loss \S+, ETA \S+$/);
    assert.match(lines.at(-1)!, new RegExp(`^epoch 1/1 utterances 5/5 frames ${sum(trainFrames)} `));
    const heldOut = all.filter((l) => l.startsWith('held-out '));
    assert.equal(heldOut.length, 1, framewise.stderr);
    assert.match(heldOut[0], /^held-out after epoch 1: accuracy [\d.]+% \(κ .*\), \d+ frames of 1 file, after \d+ training frames$/);
    for (const line of all) assert.match(line, /^(epoch |held-out |warning: )/);
  });

  it('should train TBPTT(20, 5) with --truncation per-frame, say so in the summary and on stdout, and refuse a bad value', async () => {
    const [run, help, bad] = await Promise.all([
      cli('replay', CORPUS, '--k1', '20', '--k2', '5', '--truncation', 'per-frame', '--hidden', '16', '--summary', join(dir, 'pf.json'), '--quiet'),
      cli('replay', '--help'),
      cli('replay', CORPUS, '--truncation', 'frame'),
    ]);
    assert.equal(run.code, 0, run.stderr);
    const s = await readJson(join(dir, 'pf.json'));
    assert.deepEqual([s.config.algorithm, s.config.k1, s.config.k2, s.config.truncation], ['tbptt', 20, 5, 'per-frame']);
    assert.equal(s.frames, sum(trainFrames));
    assert.ok(Number.isFinite(s.loss) && s.loss > 0, `loss ${s.loss}`);
    assert.match(run.stdout, /tbptt k1=20 k2=5 per-frame delay=0/);
    assert.match(help.stdout, /--truncation window\|per-frame/);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /truncation/);
  });

  it('should train with --algorithm snap1, save, go on with --load --algorithm eprop, and eval the checkpoint', async () => {
    const ckpt = join(dir, 'snap1');
    const trained = await cli('replay', CORPUS, '--algorithm', 'snap1', '--hidden', '16', '--save', ckpt, '--summary', join(dir, 's.json'), '--quiet');
    assert.equal(trained.code, 0, trained.stderr);
    assert.match(trained.stdout, /snap1 k1=1 /);
    const s = await readJson(join(dir, 's.json'));
    assert.deepEqual([s.config.algorithm, s.config.k1], ['snap1', 1]);
    // one update per labelled frame of the pass (k1 = 1)
    assert.ok(s.updates >= 0.9 * sum(trainFrames), `${s.updates} updates for ${sum(trainFrames)} frames`);
    assert.equal((await learnerMeta(ckpt)).config.algorithm, 'snap1');

    const next = await cli('replay', CORPUS, '--load', ckpt, '--algorithm', 'eprop', '--k1', '5', '--summary', join(dir, 'e.json'), '--quiet');
    assert.equal(next.code, 0, next.stderr);
    const e = await readJson(join(dir, 'e.json'));
    assert.deepEqual([e.config.algorithm, e.config.k1], ['eprop', 5]);

    const scored = await cli('eval', CORPUS, '--load', ckpt, '--summary', join(dir, 'eval.json'));
    assert.equal(scored.code, 0, scored.stderr);
    const ev = await readJson(join(dir, 'eval.json'));
    assert.equal(ev.files, 6);
    assert.ok(ev.accuracy > 0 && ev.accuracy <= 1);

    const refused = await cli('replay', CORPUS, '--algorithm', 'eprop', '--layers', '2', '--hidden', '8', '--quiet');
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /e-prop: expected layers = 1/);
  });
});
