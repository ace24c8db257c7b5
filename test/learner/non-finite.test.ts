import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../src/errors.ts';
import { OnlineLearner } from '../../src/learner/online-learner.ts';
import { paramOffsets } from '../../src/learner/math-param-offsets.ts';
import { selectBackend } from '../../src/learner/select-backend.ts';
import { phoneNames, randomFrames } from './engine-helpers.ts';

before(async () => {
  await selectBackend();
});

const phones = phoneNames(4);

describe('non-finite values in the learner', () => {
  it('a chunk whose loss is not finite is skipped and counted; the weights are kept and the stream goes on', () => {
    const learner = new OnlineLearner({ inputSize: 3, phones, hiddenSize: 4, k1: 5, k2: 5 });
    // Gate biases of 10 make every h ≈ 0.76 > 0; output weights of 3e38 then make every logit
    // overflow float32 to +Infinity, so the softmax and the loss are NaN. The weights are finite.
    const huge = learner.params.slice();
    const off = paramOffsets(learner.shape);
    huge.fill(10, off.layers[0].bIh, off.layers[0].bIh + 4 * 4);
    huge.fill(3e38, off.outW, off.outW + 4 * 4);
    learner.setParams(huge);
    const version = learner.version;
    const stream = learner.openStream('s');
    const { xs, labels } = randomFrames(12, 3, phones, 1);
    const chunks = [];
    const predictions = [];
    for (let t = 0; t < 12; t++) {
      const r = stream.push(xs[t], labels[t] ?? phones[0]);
      if (r.chunk) chunks.push(r.chunk);
      if (r.prediction) predictions.push(r.prediction);
    }
    assert.equal(chunks.length, 2);
    for (const c of chunks) {
      assert.equal(c.skipped, true);
      assert.equal(c.trained, false);
    }
    assert.equal(stream.stats.skippedUpdates, 2);
    assert.equal(learner.skippedUpdates, 2);
    assert.equal(learner.version, version, 'no update was applied');
    assert.deepEqual(learner.params, huge, 'the weights are the last good ones');
    assert.equal(predictions.length, 12, 'every frame was still predicted');
    // Each prediction has a non-finite probability: none is scored correct, whatever its label.
    assert.ok(predictions.every((p) => !Number.isFinite(p.p)));
    assert.equal(stream.stats.labelledFrames, 12);
    assert.equal(stream.stats.correct, 0);
    learner.dispose();
  });

  it('an update that makes a weight non-finite is rolled back and counted', () => {
    // A learning rate of 1e300 is Infinity in float32: the step makes every weight non-finite.
    const learner = new OnlineLearner({ inputSize: 3, phones, hiddenSize: 4, k1: 4, k2: 4, optimizer: 'sgd', lr: 1e300 });
    const before = learner.params.slice();
    const stream = learner.openStream('s');
    const { xs, labels } = randomFrames(8, 3, phones, 2);
    let last;
    for (let t = 0; t < 4; t++) last = stream.push(xs[t], labels[t] ?? phones[1]).chunk;
    assert.equal(last?.skipped, true);
    assert.ok(Number.isFinite(last!.gradNorm!), 'the gradient itself was finite');
    assert.deepEqual(learner.params, before, 'the weights before the step are restored');
    assert.deepEqual(Float32Array.from(learner.parameterVariable.dataSync()), before, 'in the tfjs variable too');
    assert.equal(learner.skippedUpdates, 1);
    assert.equal(learner.version, 0);
    for (let t = 4; t < 8; t++) stream.push(xs[t], labels[t] ?? phones[1]);
    assert.equal(stream.stats.skippedUpdates, 2, 'and the stream goes on, skipping again');
    learner.dispose();
  });

  it('weights holding NaN or infinity are refused by the constructor and setParams, and the learner keeps its own', () => {
    const learner = new OnlineLearner({ inputSize: 3, phones, hiddenSize: 4 });
    const good = learner.params.slice();
    const bad = good.slice();
    bad[17] = Number.NaN;
    assert.throws(() => learner.setParams(bad), (e: Error) => e instanceof ConfigError && /setParams: parameter 17 is NaN/.test(e.message));
    assert.deepEqual(learner.params, good);
    bad[17] = -Infinity;
    assert.throws(() => new OnlineLearner({ inputSize: 3, phones, hiddenSize: 4 }, bad), /params: parameter 17 is -Infinity/);
    learner.dispose();
  });

  it('end() resets the state even when training the last chunk throws', () => {
    const learner = new OnlineLearner({ inputSize: 3, phones, hiddenSize: 4, k1: 50, k2: 50 });
    const stream = learner.openStream('s');
    const { xs, labels } = randomFrames(20, 3, phones, 3);
    for (let t = 0; t < 10; t++) stream.push(xs[t], labels[t]);
    const apply = learner.applyGradient;
    learner.applyGradient = () => {
      throw new Error('injected failure');
    };
    assert.throws(() => stream.end(), /injected failure/);
    learner.applyGradient = apply;
    // The next utterance must start from the zero state: the same as a fresh stream's.
    const fresh = learner.openStream('fresh', { train: false });
    for (let t = 10; t < 20; t++) {
      const a = stream.push(xs[t]).prediction!;
      const b = fresh.push(xs[t]).prediction!;
      assert.equal(a.index, t - 10, 'frame indices restart at 0');
      assert.deepEqual(a.top, b.top);
    }
    learner.dispose();
  });
});
