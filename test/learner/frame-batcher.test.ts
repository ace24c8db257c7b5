import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FrameBatcher } from '../../src/learner/frame-batcher.ts';
import type { LearnerConfig } from '../../src/learner/learner-config.ts';
import type { FramePrediction } from '../../src/learner/learner-event.ts';
import { OnlineLearner } from '../../src/learner/online-learner.ts';
import { selectBackend } from '../../src/learner/select-backend.ts';
import { phoneNames, prng, randomFrames } from './engine-helpers.ts';

const phones = phoneNames(6);
const config: LearnerConfig = { inputSize: 7, phones, hiddenSize: 12, delay: 2, k1: 4, k2: 4 };

before(async () => {
  await selectBackend();
});

/** Two learners with the same weights: one steps its streams batched, the other alone. */
function twins(): [OnlineLearner, OnlineLearner] {
  const a = new OnlineLearner(config);
  return [a, new OnlineLearner(config, a.params)];
}

describe('FrameBatcher', () => {
  it('gives every stream, frames interleaved at random with utterance ends, the predictions of its own push, in its order', () => {
    const [batchedLearner, aloneLearner] = twins();
    const n = 5;
    const data = Array.from({ length: n }, (_, i) => randomFrames(6 + 3 * i, config.inputSize, phones, 40 + i));
    const batched = Array.from({ length: n }, (_, i) => batchedLearner.openStream(`s${i}`, { train: false }));
    const alone = Array.from({ length: n }, (_, i) => aloneLearner.openStream(`s${i}`, { train: false }));
    // Stream 1 ends its utterance after frame 4 (its delayed predictions), then goes on from a zero state.
    const expected: (FramePrediction | null)[][] = data.map((d, i) =>
      d.xs.flatMap((x, t) => {
        const p = [alone[i].push(x, d.labels[t]).prediction];
        if (i === 1 && t === 4) p.push(...alone[i].end().predictions);
        return p;
      }),
    );
    const batcher = new FrameBatcher((run) => queue.push(run));
    const queue: (() => void)[] = [];
    const got: (FramePrediction | null)[][] = data.map(() => []);
    // Submit in a random interleaving, keeping each stream's own order.
    const rand = prng(9);
    const next = data.map(() => 0);
    let left = data.reduce((sum, d) => sum + d.xs.length, 0);
    while (left > 0) {
      const i = Math.floor(rand() * n);
      if (next[i] >= data[i].xs.length) continue;
      const t = next[i]++;
      left--;
      batcher.submit(batched[i], {
        kind: 'frame', features: data[i].xs[t], label: data[i].labels[t],
        done: (r) => {
          assert.ok(!(r instanceof Error), String(r));
          got[i].push(r.prediction);
        },
      });
      if (i === 1 && t === 4) batcher.submit(batched[1], { kind: 'run', run: () => got[1].push(...batched[1].end().predictions) });
    }
    assert.equal(queue.length, 1, 'one scheduled run for the whole turn');
    queue[0]();
    assert.deepEqual(got, expected);
    // It batched: fewer forward calls than frames, up to one frame of every stream at once.
    assert.equal(batcher.stats.frames, data.reduce((sum, d) => sum + d.xs.length, 0));
    assert.ok(batcher.stats.batches < batcher.stats.frames, JSON.stringify(batcher.stats));
    assert.equal(batcher.stats.largest, n);
  });

  it('refuses a bad frame to its own stream only, before it changes that stream', () => {
    const [batchedLearner, aloneLearner] = twins();
    const { xs } = randomFrames(6, config.inputSize, phones, 3);
    const a = batchedLearner.openStream('a', { train: false });
    const b = batchedLearner.openStream('b', { train: false });
    const ref = aloneLearner.openStream('ref', { train: false });
    const expected = xs.map((x) => ref.push(x).prediction);
    const batcher = new FrameBatcher((run) => queue.push(run));
    const queue: (() => void)[] = [];
    const gotA: (FramePrediction | null | string)[] = [];
    const gotB: (FramePrediction | null | string)[] = [];
    xs.forEach((x, t) => {
      batcher.submit(a, { kind: 'frame', features: x, done: (r) => gotA.push(r instanceof Error ? r.message : r.prediction) });
      if (t === 2) batcher.submit(b, { kind: 'frame', features: new Float32Array([1, Number.NaN, 0, 0, 0, 0, 0]), done: (r) => gotB.push(r instanceof Error ? r.message : r.prediction) });
      batcher.submit(b, { kind: 'frame', features: x, done: (r) => gotB.push(r instanceof Error ? r.message : r.prediction) });
    });
    queue[0]();
    assert.deepEqual(gotA, expected);
    // The bad frame went in before b's third: b refuses it (its frame 2) and predicts exactly as if it had never come.
    assert.deepEqual(gotB, [...expected.slice(0, 2), 'stream b: frame 2: feature 1 is NaN', ...expected.slice(2)]);
  });

  it('drops a cancelled stream\'s queued jobs and refuses training streams', () => {
    const learner = new OnlineLearner(config);
    const a = learner.openStream('a', { train: false });
    const batcher = new FrameBatcher((run) => queue.push(run));
    const queue: (() => void)[] = [];
    let ran = 0;
    batcher.submit(a, { kind: 'frame', features: new Float32Array(config.inputSize), done: () => ran++ });
    batcher.submit(a, { kind: 'run', run: () => ran++ });
    batcher.cancel(a);
    queue[0]();
    assert.equal(ran, 0);
    const trains = learner.openStream('t', { train: true });
    assert.throws(() => batcher.submit(trains, { kind: 'run', run: () => {} }), /trains; training streams step alone/);
  });
});
