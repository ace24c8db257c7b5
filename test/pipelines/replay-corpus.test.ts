import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { lastValueFrom, toArray } from 'rxjs';
import { evaluateCorpus } from '../../pipelines/evaluate-corpus.ts';
import { replayCorpus, scoreCuts, type EpochEvent, type ScoreEvent } from '../../pipelines/replay-corpus.ts';
import {
  DEFAULT_FEATURE_CONFIG,
  OnlineLearner,
  cohenKappa,
  kappaTemporal,
  discoverPhoneSet,
  featureDims,
  listCorpus,
  readLabelFile,
  selectBackend,
  type LearnerEvent,
} from '../../src/index.ts';

describe('replayCorpus pipeline', () => {
  it('should train over epochs, end each utterance, and score held-out files it never trains on', async () => {
    await selectBackend('cpu');
    const { entries } = await listCorpus('fixtures/corpus');
    const phones = discoverPhoneSet(await Promise.all(entries.map((e) => readLabelFile(e.labelPath))));
    const features = { ...DEFAULT_FEATURE_CONFIG };
    const learner = new OnlineLearner({ inputSize: featureDims(features), phones, hiddenSize: 32, lr: 0.01, seed: 3 });
    const train = entries.slice(0, 5);
    const heldOut = entries.slice(5);
    try {
      const events = await lastValueFrom(replayCorpus({ train, heldOut, learner, features, epochs: 4 }).pipe(toArray()));
      const ends = events.filter((e): e is LearnerEvent & { kind: 'end' } => e.kind === 'end' && e.stream === 'replay');
      assert.equal(ends.length, 4 * train.length);
      assert.deepEqual(ends.slice(0, train.length).map((e) => e.utterance), train.map((e) => e.id));
      assert.ok(!ends.some((e) => heldOut.some((h) => h.id === e.utterance)), 'a held-out file was trained on');
      const epochs = events.filter((e): e is EpochEvent => e.kind === 'epoch');
      assert.deepEqual(epochs.map((e) => e.epoch), [1, 2, 3, 4]);
      // The held-out file's frames, scored whole after every pass.
      const heldOutFrames = epochs[0].heldOut!.frames;
      assert.ok(heldOutFrames > 100, `${heldOutFrames} held-out frames`);
      for (const e of epochs) assert.equal(e.heldOut?.frames, heldOutFrames);
      // The agreement statistics count the same frames, with the held-out utterances' boundaries.
      for (const e of epochs) {
        const a = e.heldOutAgreement!;
        assert.equal(a.frames, heldOutFrames);
        assert.equal(a.utterances, heldOut.length);
        assert.equal(a.accuracy(), e.heldOut!.accuracy());
        assert.ok(Math.abs(a.kappa()! - cohenKappa(e.heldOut!.cells())!) < 1e-12, `κ ${a.kappa()}`);
        // labels last many 10 ms frames: repeating the previous one is right most of the time
        assert.ok(a.noChangeAccuracy()! > 0.8 && a.noChangeAccuracy()! < 1, `no-change ${a.noChangeAccuracy()}`);
        assert.equal(a.kappaTemporal(), kappaTemporal(a.accuracy(), a.noChangeAccuracy()));
      }
      // the no-change classifier depends on the reference labels only: the same every epoch
      assert.equal(new Set(epochs.map((e) => e.heldOutAgreement!.noChangeAccuracy())).size, 1);
      const framesPerEpoch = ends.slice(0, train.length).reduce((n, e) => n + e.frames, 0);
      const metrics = events.filter((e): e is LearnerEvent & { kind: 'metrics' } => e.kind === 'metrics' && e.stream === 'replay');
      assert.equal(metrics.at(-1)!.frames, framesPerEpoch, 'each pass is its own stream: the last metrics count pass 4');
      assert.deepEqual([...new Set(metrics.map((m) => m.pass))], [1, 2, 3, 4], 'metrics say which pass they belong to');
      const chance = 1 / phones.length;
      const finalHeldOut = epochs[3].heldOut!.accuracy()!;
      assert.ok(finalHeldOut > 4 * chance, `held-out accuracy ${finalHeldOut} should be well above chance ${chance}`);
    } finally {
      learner.dispose();
    }
  });

  it('should score held-out files with the statistics as they stand at the end of the epoch', async () => {
    await selectBackend('cpu');
    const { entries } = await listCorpus('fixtures/corpus');
    const phones = discoverPhoneSet(await Promise.all(entries.map((e) => readLabelFile(e.labelPath))));
    const features = { ...DEFAULT_FEATURE_CONFIG };
    const learner = new OnlineLearner({ inputSize: featureDims(features), phones, hiddenSize: 16, seed: 5 });
    try {
      const [epoch] = (await lastValueFrom(
        replayCorpus({ train: entries.slice(0, 4), heldOut: entries.slice(4), learner, features, epochs: 1 }).pipe(toArray()),
      )).filter((e): e is EpochEvent => e.kind === 'epoch');
      // The weights have not changed since that evaluation, so a separate one with the final
      // statistics must agree frame for frame.
      const again = await lastValueFrom(
        evaluateCorpus({ entries: entries.slice(4), learner, features: { ...features, normalization: { kind: 'fixed', stats: epoch.stats.toJSON() } } }),
      );
      assert.ok(again.frames > 0);
      assert.equal(epoch.heldOut!.frames, again.frames);
      assert.deepEqual(epoch.heldOut!.topConfusions(10000), again.topConfusions(10000));
    } finally {
      learner.dispose();
    }
  });

  it('should score part-way through a pass where asked, without changing what is trained', async () => {
    await selectBackend('cpu');
    const { entries } = await listCorpus('fixtures/corpus');
    const phones = discoverPhoneSet(await Promise.all(entries.map((e) => readLabelFile(e.labelPath))));
    const features = { ...DEFAULT_FEATURE_CONFIG };
    const train = entries.slice(0, 4);
    const heldOut = entries.slice(4);
    const run = async (scoreAt?: number[]) => {
      const learner = new OnlineLearner({ inputSize: featureDims(features), phones, hiddenSize: 16, lr: 0.01, seed: 5 });
      try {
        return await lastValueFrom(replayCorpus({ train, heldOut, learner, features, epochs: 2, scoreAt }).pipe(toArray()));
      } finally {
        learner.dispose();
      }
    };
    const plain = await run();
    const cut = await run([0.25, 0.5, 1.5]);
    const scores = cut.filter((e): e is ScoreEvent => e.kind === 'score');
    assert.deepEqual(scores.map((s) => [s.epoch, s.passes]), [[1, 0.25], [1, 0.5], [2, 1.5]]);
    // each score comes right after the utterance that completes its share of the files
    const endsBefore = (s: ScoreEvent) => cut.slice(0, cut.indexOf(s)).filter((e) => e.kind === 'end' && e.stream === 'replay').length;
    assert.deepEqual(scores.map(endsBefore), [1, 2, 6]);
    for (const s of scores) assert.equal(s.heldOut!.frames, s.heldOutAgreement!.frames);
    // The epochs' own scores, and the weights they reflect, are the same as without the cuts.
    const epochAcc = (evs: typeof plain) => evs.filter((e): e is EpochEvent => e.kind === 'epoch').map((e) => e.heldOut!.accuracy());
    assert.deepEqual(epochAcc(cut), epochAcc(plain));
    // a part-way score sees weights that are still changing: the first differs from pass 2's end
    assert.ok(scores.some((s) => s.heldOut!.accuracy() !== epochAcc(cut)[1]), 'part-way scores equal the final score');
  });

  it('should place the cuts by share of the files, inside the pass only', () => {
    assert.deepEqual(scoreCuts([0.25, 0.5, 1, 1.5, 3], 1, 10), [3, 5]);
    assert.deepEqual(scoreCuts([0.25, 0.5, 1, 1.5, 3], 2, 10), [5]);
    assert.deepEqual(scoreCuts([0.01, 0.99], 1, 10), [], 'a point that rounds to a pass boundary is the epoch score');
    assert.deepEqual(scoreCuts([0.5, 0.5], 1, 4), [2]);
  });

  it('should refuse a score point outside the run', () => {
    const learner = {} as OnlineLearner;
    assert.throws(() => replayCorpus({ train: [], learner, features: { ...DEFAULT_FEATURE_CONFIG }, epochs: 2, scoreAt: [2.5] }), /scoreAt points must be in \(0, epochs = 2\] passes, got 2.5/);
  });
});
