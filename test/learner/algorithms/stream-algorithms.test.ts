import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { from, lastValueFrom, toArray } from 'rxjs';
import { listCorpus } from '../../../src/corpus/list-corpus.ts';
import { loadUtterance } from '../../../src/corpus/load-utterance.ts';
import { ConfigError } from '../../../src/errors.ts';
import { DEFAULT_FEATURE_CONFIG } from '../../../src/features/feature-config.ts';
import type { FrameEvent } from '../../../src/features/frame-event.ts';
import { utteranceToFrameEvents } from '../../../src/features/utterance-to-frame-events.ts';
import { discoverPhoneSet } from '../../../src/labels/discover-phone-set.ts';
import type { LearnerAlgorithm, LearnerConfig } from '../../../src/learner/learner-config.ts';
import { arenaStats } from '../../../src/learner/kernels/wasm-arena.ts';
import { learnOnline } from '../../../src/learner/learn-online.ts';
import type { LearnerEvent } from '../../../src/learner/learner-event.ts';
import { loadLearner } from '../../../src/learner/load-learner.ts';
import { OnlineLearner } from '../../../src/learner/online-learner.ts';
import { saveLearner } from '../../../src/learner/save-learner.ts';
import { selectBackend } from '../../../src/learner/select-backend.ts';
import { streamMemory } from '../../../src/learner/stream-memory.ts';
import { accuracyPerUtterance, phoneNames, prng } from '../engine-helpers.ts';

before(async () => {
  await selectBackend();
});

const phones = phoneNames(6);

/** Random frames and labels (seeded). */
function data(n: number, inputs: number, seed: number): { xs: Float32Array[]; labels: string[] } {
  const rand = prng(seed);
  const xs = Array.from({ length: n }, () => Float32Array.from({ length: inputs }, () => 2 * rand() - 1));
  const labels = Array.from({ length: n }, () => phones[Math.floor(rand() * phones.length)]);
  return { xs, labels };
}

/** The gradients a learner's streams hand to the optimiser, copied as they pass. */
function recordGradients(learner: OnlineLearner): Float32Array[] {
  const seen: Float32Array[] = [];
  const apply = learner.applyGradient.bind(learner);
  learner.applyGradient = (grad) => {
    seen.push(grad.slice());
    return apply(grad);
  };
  return seen;
}

function relativeError(a: Float32Array, b: Float32Array): number {
  let d = 0;
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    d += (a[i] - b[i]) ** 2;
    s += b[i] ** 2;
  }
  return Math.sqrt(d / s);
}

describe('forward-mode algorithms in the stream', () => {
  for (const delay of [0, 2]) {
    it(`RTRL over one chunk the length of the utterance hands the optimiser full BPTT's gradient (utterance preset), delay ${delay}, 1 and 2 layers`, () => {
      for (const layers of [1, 2] as const) {
        const T = 23;
        const { xs, labels } = data(T, 5, 7 + layers);
        const common: LearnerConfig = { inputSize: 5, phones, hiddenSize: 4, layers, delay, seed: 3 };
        const grads = (config: LearnerConfig): Float32Array[] => {
          const learner = new OnlineLearner(config);
          const seen = recordGradients(learner);
          const stream = learner.openStream('s', { train: true });
          for (let t = 0; t < T; t++) stream.push(xs[t], labels[t]);
          stream.end();
          learner.dispose();
          return seen;
        };
        // k1 above the utterance's steps (T + delay): one update, at its end, with frozen weights until then
        const rtrl = grads({ ...common, algorithm: 'rtrl', k1: 100 });
        const bptt = grads({ ...common, preset: 'utterance' });
        assert.equal(rtrl.length, 1);
        assert.equal(bptt.length, 1);
        const err = relativeError(rtrl[0], bptt[0]);
        assert.ok(err < 1e-5, `layers ${layers}: relative error ${err}`);
      }
    });
  }

  it('updates after every labelled frame by default (k1 = 1), every k1 frames when given', () => {
    const { xs, labels } = data(30, 5, 1);
    for (const [k1, updates] of [[1, 30], [10, 3]] as const) {
      const learner = new OnlineLearner({ inputSize: 5, phones, hiddenSize: 8, algorithm: 'snap1', ...(k1 !== 1 && { k1 }) });
      const stream = learner.openStream('s', { train: true });
      for (let t = 0; t < 30; t++) stream.push(xs[t], labels[t]);
      stream.end();
      assert.equal(learner.version, updates, `k1 = ${k1}`);
      assert.equal(stream.stats.updates, updates);
      learner.dispose();
    }
  });

  for (const algorithm of ['snap1', 'eprop', 'uoro', 'rtrl'] as const) {
    it(`${algorithm}: the running accuracy on a fixture repeated 6 times rises from chance to well above it`, async () => {
      const { entries } = await listCorpus(new URL('../../../fixtures/corpus', import.meta.url).pathname);
      const utterance = await loadUtterance(entries.find((e) => e.id.endsWith('LJ001-0002'))!);
      const frameEvents: FrameEvent[] = await lastValueFrom(utteranceToFrameEvents(utterance, DEFAULT_FEATURE_CONFIG).pipe(toArray()));
      const fixturePhones = discoverPhoneSet([utterance.segments]);
      // RTRL is O(n⁴): a small network; the others at the accuracy test's size
      const hiddenSize = algorithm === 'rtrl' ? 16 : 32;
      const learner = new OnlineLearner({ inputSize: 26, phones: fixturePhones, hiddenSize, algorithm, lr: 3e-3 });
      const stream = learner.openStream('replay', { train: true });
      const events = (await lastValueFrom(from(Array.from({ length: 6 }, () => frameEvents).flat()).pipe(learnOnline(stream), toArray()))) as LearnerEvent[];
      const accuracy = accuracyPerUtterance(events);
      assert.equal(accuracy.length, 6);
      assert.ok(accuracy[0] < 0.3, `first pass ${accuracy[0]} should be near chance (1/${fixturePhones.length})`);
      // UORO's rank-one estimate is unbiased but noisy (Tallec & Ollivier show it learning slower
      // than truncated BPTT): it is held to less, still far above chance and the majority phone.
      const floor = algorithm === 'uoro' ? 0.4 : 0.6;
      assert.ok(accuracy[5] > floor, `${algorithm}: last pass ${accuracy.map((a) => a.toFixed(2)).join(' → ')} should be well above chance`);
      assert.equal(stream.stats.skippedUpdates, 0);
      learner.dispose();
    });
  }

  it('a checkpoint trained by one algorithm is trained on by another, and by tbptt with its own defaults', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'phonestream-algorithms-'));
    try {
      const { xs, labels } = data(40, 5, 2);
      const eprop = new OnlineLearner({ inputSize: 5, phones, hiddenSize: 8, algorithm: 'eprop', k1: 4 });
      const s = eprop.openStream('s', { train: true });
      for (let t = 0; t < 40; t++) s.push(xs[t], labels[t]);
      s.end();
      await saveLearner(eprop, dir);
      const again = await loadLearner(dir);
      assert.deepEqual([again.config.algorithm, again.config.k1], ['eprop', 4], 'the saved algorithm and k1 come back');
      assert.deepEqual(again.params, eprop.params);
      for (const [algorithm, k1] of [['snap1', 1], ['uoro', 1], ['tbptt', 20]] as [LearnerAlgorithm, number][]) {
        const next = await loadLearner(dir, { algorithm });
        assert.deepEqual([next.config.algorithm, next.config.k1], [algorithm, k1]);
        assert.deepEqual(next.params, eprop.params, 'the weights carry over');
        const version = next.version;
        const stream = next.openStream('s', { train: true });
        for (let t = 0; t < 40; t++) stream.push(xs[t], labels[t]);
        stream.end();
        assert.ok(next.version > version, `${algorithm} trained on the eprop checkpoint`);
        next.dispose();
        again.dispose();
      }
      eprop.dispose();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('several streams train one model, each with its own traces', () => {
    const learner = new OnlineLearner({ inputSize: 5, phones, hiddenSize: 8, algorithm: 'uoro' });
    const a = learner.openStream('a', { train: true });
    const b = learner.openStream('b', { train: true });
    const d = data(20, 5, 4);
    for (let t = 0; t < 20; t++) {
      a.push(d.xs[t], d.labels[t]);
      b.push(d.xs[19 - t], d.labels[19 - t]);
    }
    a.end();
    b.end();
    assert.equal(learner.version, 40);
    assert.equal(a.stats.updates + b.stats.updates, 40);
    learner.dispose();
  });

  for (const algorithm of ['snap1', 'eprop', 'uoro', 'rtrl'] as const) {
    it(`${algorithm}: a training stream holds what streamMemory states, and close() gives it back`, () => {
      const learner = new OnlineLearner({ inputSize: 26, phones, hiddenSize: algorithm === 'rtrl' ? 16 : 128, algorithm });
      const figure = streamMemory(learner.shape, learner.config, true);
      const start = arenaStats()!.usedBytes;
      const stream = learner.openStream('t', { train: true });
      const { xs, labels } = data(50, 26, 5);
      for (let t = 0; t < 50; t++) stream.push(xs[t], labels[t]);
      stream.end();
      const held = arenaStats()!.usedBytes - start;
      assert.ok(held <= figure.maxBytes, `holds ${held} bytes, more than its stated ${figure.maxBytes}`);
      assert.ok(held >= 0.95 * figure.maxBytes, `holds ${held} bytes, far below its stated ${figure.maxBytes}`);
      stream.close();
      assert.equal(arenaStats()!.usedBytes, start);
      learner.dispose();
    });
  }

  it('refuses what a method cannot do, naming it: e-prop on 2 layers, RTRL above its real-time size', () => {
    const learner2 = new OnlineLearner({ inputSize: 5, phones, hiddenSize: 8, layers: 2, algorithm: 'eprop' });
    assert.throws(() => learner2.openStream('s', { train: true }), (err: Error) => err instanceof ConfigError && /e-prop: expected layers = 1/.test(err.message));
    learner2.openStream('p', { train: false }).close(); // predicting needs no traces
    learner2.dispose();
    const big = new OnlineLearner({ inputSize: 5, phones, hiddenSize: 128, algorithm: 'rtrl' });
    assert.throws(() => big.openStream('s', { train: true }), (err: Error) => err instanceof ConfigError && /128/.test(err.message));
    big.dispose();
  });
});
