import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ConfigError, InputError } from '../../src/errors.ts';
import { forwardStep } from '../../src/learner/forward-step.ts';
import type { FramePrediction } from '../../src/learner/learner-event.ts';
import type { ChunkResult } from '../../src/learner/learner-stream.ts';
import { zeroState, type LstmState } from '../../src/learner/lstm-state.ts';
import { OnlineLearner } from '../../src/learner/online-learner.ts';
import { selectBackend } from '../../src/learner/select-backend.ts';
import { createStepCache, probsOf, stateAfter } from '../../src/learner/step-cache.ts';
import { maxAbsDiff, oracleUtterance, phoneNames, randomFrames } from './engine-helpers.ts';

const phones = phoneNames(5);
const small = { inputSize: 4, phones, hiddenSize: 6, optimizer: 'sgd' as const, momentum: 0, lr: 0.1, clip: null, seed: 3 };

before(async () => {
  await selectBackend();
});

/** Pushes an utterance and ends it; returns every prediction and chunk. */
function runUtterance(learner: OnlineLearner, id: string, xs: Float32Array[], labels: (string | undefined)[]) {
  const stream = learner.openStream(id, { topK: phones.length });
  const predictions: FramePrediction[] = [];
  const chunks: ChunkResult[] = [];
  xs.forEach((x, i) => {
    const r = stream.push(x, labels[i]);
    if (r.prediction) predictions.push(r.prediction);
    if (r.chunk) chunks.push(r.chunk);
  });
  const end = stream.end();
  predictions.push(...end.predictions);
  chunks.push(...end.chunks);
  stream.close();
  return { predictions, chunks, stream };
}

/** Full probability vector of a prediction made with topK = all phones. */
function probsFrom(p: FramePrediction): Float32Array {
  const out = new Float32Array(phones.length);
  for (const [label, prob] of p.top) out[phones.indexOf(label)] = prob;
  return out;
}

describe('LearnerStream: TBPTT(k1, k2) with delay equals the plain-way oracle', () => {
  const cases: [number, number, number][] = [[1, 1, 0], [4, 4, 0], [3, 7, 0], [7, 3, 0], [5, 5, 2], [3, 7, 3], [4, 2, 1], [6, 1, 0]];
  for (const [k1, k2, delay] of cases) {
    it(`k1=${k1} k2=${k2} delay=${delay}: same predictions, chunk losses and weights over two utterances`, () => {
      const learner = new OnlineLearner({ ...small, k1, k2, delay });
      const expected = learner.params.slice();
      for (const [n, seed] of [[23, 1], [9, 2]] as const) {
        const { xs, labels } = randomFrames(n, 4, phones, seed);
        const oracle = oracleUtterance(expected, learner.shape, phones, xs, labels, k1, k2, delay, 0.1);
        const got = runUtterance(learner, `u${seed}`, xs, labels);
        assert.equal(got.predictions.length, n, 'every frame is predicted once');
        got.predictions.forEach((p, i) => {
          assert.equal(p.index, i);
          assert.equal(p.truth, labels[i]);
          assert.ok(maxAbsDiff(probsFrom(p), oracle.probs[i]) < 1e-6, `frame ${i}: prediction differs from the oracle`);
        });
        const trained = got.chunks.filter((c) => c.trained);
        assert.deepEqual(trained.map((c) => c.steps), oracle.updates.map((u) => u.end - u.start));
        trained.forEach((c, i) => assert.ok(Math.abs(c.loss! - oracle.updates[i].loss) < 1e-5, `chunk ${i} loss ${c.loss} vs ${oracle.updates[i].loss}`));
        assert.ok(maxAbsDiff(learner.params, expected) < 1e-5, 'weights after the utterance differ from the oracle');
      }
      learner.dispose();
    });
  }
});

describe('LearnerStream: chunks, presets, predict-then-learn', () => {
  it('trains the partial chunk at the end of an utterance and resets the state', () => {
    const learner = new OnlineLearner({ ...small, k1: 10, k2: 10 });
    const { xs, labels } = randomFrames(25, 4, phones, 5);
    const { chunks } = runUtterance(learner, 'a', xs, labels);
    assert.deepEqual(chunks.map((c) => [c.steps, c.trained]), [[10, true], [10, true], [5, true]]);
    assert.equal(learner.version, 3);
    // After end() the state is zero: the first prediction equals a fresh forward from zero.
    const s = learner.openStream('b', { topK: phones.length });
    const p = s.push(xs[0], labels[0]).prediction!;
    const cache = createStepCache(learner.shape);
    forwardStep(learner.params, learner.shape, xs[0], zeroState(learner.shape), cache);
    assert.ok(maxAbsDiff(probsFrom(p), probsOf(cache)) < 1e-7);
    learner.dispose();
  });

  it('framewise preset updates after every labelled frame; utterance preset once per utterance', () => {
    const { xs, labels } = randomFrames(12, 4, phones, 6);
    const fw = new OnlineLearner({ ...small, preset: 'framewise', k2: 3 });
    const fwRun = runUtterance(fw, 'a', xs, labels);
    assert.equal(fwRun.chunks.length, 12);
    assert.equal(fw.version, labels.filter((l) => l !== undefined).length, 'unlabelled frames cause no update');
    fw.dispose();

    const utt = new OnlineLearner({ ...small, preset: 'utterance' });
    const start = utt.params.slice();
    const oracle = oracleUtterance(start.slice(), utt.shape, phones, xs, labels, 12, 12, 0, 0.1);
    const s = utt.openStream('u');
    xs.forEach((x, i) => assert.equal(s.push(x, labels[i]).chunk, null, 'no chunk boundary inside the utterance'));
    assert.equal(utt.version, 0);
    const end = s.end();
    assert.deepEqual(end.chunks.map((c) => c.steps), [12]);
    assert.ok(Math.abs(end.chunks[0].loss! - oracle.updates[0].loss) < 1e-6, 'loss averaged over the whole utterance');
    assert.equal(utt.version, 1);
    utt.dispose();
  });

  it('predicts a frame with the weights from before the update its label triggers', () => {
    const learner = new OnlineLearner({ ...small, k1: 4, k2: 4 });
    const twin = new OnlineLearner({ ...small, k1: 4, k2: 4, trainable: false });
    const { xs, labels } = randomFrames(6, 4, phones, 7);
    const a = learner.openStream('a', { topK: 5 });
    const b = twin.openStream('b', { topK: 5 });
    for (let i = 0; i < 6; i++) {
      const ra = a.push(xs[i], labels[i] ?? 'p0');
      const rb = b.push(xs[i], labels[i] ?? 'p0');
      const same = maxAbsDiff(probsFrom(ra.prediction!), probsFrom(rb.prediction!)) < 1e-7;
      // Frames 0–3 (including frame 3, which closes the chunk) are predicted before any update.
      assert.equal(same, i < 4, `frame ${i}`);
      assert.equal(ra.chunk?.trained ?? false, i === 3);
    }
    learner.dispose();
    twin.dispose();
  });

  it('with delay d, emits frame t − d at step t and every frame at the end, even when N < d', () => {
    const learner = new OnlineLearner({ ...small, k1: 3, k2: 3, delay: 4 });
    for (const n of [10, 2]) {
      const { xs, labels } = randomFrames(n, 4, phones, 8);
      const s = learner.openStream(`n${n}`);
      xs.forEach((x, t) => {
        const p = s.push(x, labels[t]).prediction;
        assert.equal(p?.index ?? null, t >= 4 ? t - 4 : null);
      });
      const end = s.end();
      assert.deepEqual(end.predictions.map((p) => p.index), Array.from({ length: Math.min(n, 4) }, (_, i) => n - Math.min(n, 4) + i));
      assert.deepEqual(end.predictions.map((p) => p.truth), labels.slice(n - Math.min(n, 4)));
      s.close();
    }
    learner.dispose();
  });

  it('unlabelled frames are only predicted', () => {
    const learner = new OnlineLearner({ ...small, k1: 2, k2: 2 });
    const { xs } = randomFrames(9, 4, phones, 9);
    const { chunks, stream } = runUtterance(learner, 'mic', xs, []);
    assert.ok(chunks.every((c) => !c.trained && c.labelledSteps === 0));
    assert.equal(learner.version, 0);
    assert.equal(stream.accuracy, null);
    assert.equal(stream.stats.frames, 9);
    learner.dispose();
  });

  it('clips the gradient to the configured global norm', () => {
    const learner = new OnlineLearner({ ...small, k1: 5, k2: 5, clip: 1e-3, lr: 1 });
    const before = learner.params.slice();
    const { xs, labels } = randomFrames(5, 4, phones, 10);
    const { chunks } = runUtterance(learner, 'a', xs, labels);
    assert.ok(chunks[0].gradNorm! > 1e-3);
    let sq = 0;
    for (let i = 0; i < before.length; i++) sq += (learner.params[i] - before[i]) ** 2;
    assert.ok(Math.abs(Math.sqrt(sq) - 1e-3) < 1e-6, `update norm ${Math.sqrt(sq)} should be lr × clip`);
    learner.dispose();
  });

  it('trains with Adam too (one optimiser step per chunk on the flat parameters)', () => {
    const learner = new OnlineLearner({ inputSize: 4, phones, hiddenSize: 6, k1: 5, k2: 5 });
    const before = learner.params.slice();
    const { xs, labels } = randomFrames(20, 4, phones, 11);
    runUtterance(learner, 'a', xs, labels);
    assert.equal(learner.version, 4);
    assert.ok(maxAbsDiff(learner.params, before) > 1e-4);
    assert.deepEqual(learner.params, learner.parameterVariable.dataSync(), 'the variable, once read, equals the parameters');
    learner.dispose();
  });

  it('updates run no tfjs op and upload nothing; the tf.variable is brought up to date when read', async () => {
    for (const optimizer of ['adam', 'sgd'] as const) {
      const learner = new OnlineLearner({ inputSize: 4, phones, hiddenSize: 6, k1: 5, k2: 5, optimizer });
      const variable = learner.parameterVariable;
      const initial = Float32Array.from(variable.dataSync());
      let uploads = 0;
      const assign = variable.assign.bind(variable);
      variable.assign = (t) => {
        uploads++;
        assign(t);
      };
      const { xs, labels } = randomFrames(20, 4, phones, 12);
      const profile = await tf.profile(() => {
        runUtterance(learner, 'a', xs, labels);
      });
      assert.equal(learner.version, 4, `${optimizer}: four updates were made`);
      assert.deepEqual(profile.kernelNames, [], `${optimizer}: no tfjs kernel ran during training`);
      assert.equal(uploads, 0, 'nor was the variable written');
      assert.deepEqual(variable.dataSync(), initial, 'so it still holds the first weights');
      assert.ok(maxAbsDiff(learner.params, initial) > 1e-4, 'while the weights moved');
      assert.deepEqual(learner.parameterVariable.dataSync(), learner.params, 'reading the variable uploads the new weights');
      learner.parameterVariable.dataSync();
      assert.equal(uploads, 1, 'once: an up-to-date variable is not uploaded again');
      learner.dispose();
    }
  });
});

describe('OnlineLearner: one shared model, many streams', () => {
  it('predicting streams keep their own state and see the trainer\'s updates at once', () => {
    const learner = new OnlineLearner({ ...small, k1: 3, k2: 3 });
    const trainer = learner.openStream('train', { train: true });
    const p1 = learner.openStream('p1', { train: false, topK: 5 });
    const p2 = learner.openStream('p2', { train: false, topK: 5 });
    const t = randomFrames(30, 4, phones, 12);
    const m = randomFrames(30, 4, phones, 13);
    let state: LstmState = zeroState(learner.shape);
    const cache = createStepCache(learner.shape);
    for (let i = 0; i < 30; i++) {
      trainer.push(t.xs[i], t.labels[i]);
      const version = learner.version;
      const a = p1.push(m.xs[i], m.labels[i]).prediction!;
      const b = p2.push(m.xs[i], m.labels[i]).prediction!;
      assert.equal(learner.version, version, 'a predicting stream never updates');
      assert.deepEqual(a, b);
      // Expected: a forward with the weights as they are now, from this stream's own state.
      forwardStep(learner.params, learner.shape, m.xs[i], state, cache);
      state = { h: stateAfter(cache).h.map((x) => x.slice()), c: stateAfter(cache).c.map((x) => x.slice()) };
      assert.ok(maxAbsDiff(probsFrom(a), probsOf(cache)) < 1e-7, `frame ${i}`);
    }
    assert.equal(learner.version, 10);
    assert.equal(p1.stats.labelledFrames, m.labels.filter((l) => l !== undefined).length);
    learner.dispose();
  });

  it('recomputes a window whose steps predate another stream\'s update, unless reuseActivations', () => {
    for (const reuse of [false, true]) {
      const learner = new OnlineLearner({ ...small, k1: 4, k2: 4, reuseActivations: reuse });
      const a = learner.openStream('a');
      const b = learner.openStream('b');
      const fa = randomFrames(8, 4, phones, 14);
      const fb = randomFrames(8, 4, phones, 15);
      const chunksA: ChunkResult[] = [];
      for (let i = 0; i < 8; i++) {
        // b pushes first: its update (at its 4th frame) lands inside each of a's chunks.
        const rb = b.push(fb.xs[i], fb.labels[i] ?? 'p1');
        const ra = a.push(fa.xs[i], fa.labels[i] ?? 'p1');
        void rb;
        if (ra.chunk) chunksA.push(ra.chunk);
      }
      assert.deepEqual(chunksA.map((c) => c.recomputed), reuse ? [false, false] : [true, true]);
      assert.equal(learner.version, 4);
      learner.dispose();
    }
  });

  it('k2 > k1 recomputes the window before the chunk; reuseActivations approximates it', () => {
    const { xs, labels } = randomFrames(24, 4, phones, 16);
    const exact = new OnlineLearner({ ...small, k1: 3, k2: 9 });
    const approx = new OnlineLearner({ ...small, k1: 3, k2: 9, reuseActivations: true });
    const e = runUtterance(exact, 'a', xs, labels);
    const r = runUtterance(approx, 'a', xs, labels);
    assert.ok(e.chunks.slice(1).every((c) => c.recomputed));
    assert.ok(r.chunks.every((c) => !c.recomputed));
    const d = maxAbsDiff(exact.params, approx.params);
    assert.ok(d > 0 && d < 1e-2, `approximate weights differ by ${d}`);
    exact.dispose();
    approx.dispose();
  });
});

describe('OnlineLearner: frozen mode and bad input', () => {
  it('a frozen learner predicts, counts accuracy, and refuses to train', () => {
    const learner = new OnlineLearner({ ...small, trainable: false });
    const before = learner.params.slice();
    assert.throws(() => learner.openStream('t', { train: true }), ConfigError);
    const { xs, labels } = randomFrames(45, 4, phones, 17);
    const { stream } = runUtterance(learner, 'p', xs, labels);
    assert.deepEqual(learner.params, before);
    assert.equal(stream.stats.labelledFrames, labels.filter((l) => l !== undefined).length);
    assert.ok(stream.accuracy !== null);
    assert.throws(() => learner.applyGradient(new Float32Array(learner.layout.total)), /frozen/);
    learner.dispose();
  });

  it('names the stream, frame and problem for bad frames', () => {
    const tensorsBefore = tf.memory().numTensors;
    const learner = new OnlineLearner({ ...small });
    const s = learner.openStream('mic-7');
    assert.throws(() => s.push(new Float32Array(3)), (e: unknown) => e instanceof InputError && /^stream mic-7: frame 0: expected 4 features, got 3 floats$/.test(e.message));
    assert.throws(() => s.push(new Float32Array(4), 'zz'), (e: unknown) => e instanceof InputError && /label "zz" is not in the learner's phone set/.test(e.message));
    assert.throws(() => s.push(Float32Array.of(0, NaN, 0, 0)), /feature 1 is NaN/);
    assert.throws(() => learner.openStream('mic-7'), /already open/);
    learner.dispose();
    assert.throws(() => s.push(new Float32Array(4)), /after close/);
    assert.equal(tf.memory().numTensors, tensorsBefore, 'the refused frames left no tensor behind');
  });
});
