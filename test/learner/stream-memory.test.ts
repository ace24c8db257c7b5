import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { arenaStats } from '../../src/learner/kernels/wasm-arena.ts';
import { OnlineLearner } from '../../src/learner/online-learner.ts';
import { selectBackend } from '../../src/learner/select-backend.ts';
import { streamMemory } from '../../src/learner/stream-memory.ts';
import { phoneNames, prng } from './engine-helpers.ts';

before(async () => {
  await selectBackend();
});

const phones = phoneNames(40);
const used = (): number => arenaStats()!.usedBytes;

/** Pushes n labelled random frames, in utterances of `perUtterance` frames. */
function feed(stream: ReturnType<OnlineLearner['openStream']>, n: number, perUtterance: number, seed = 1): void {
  const rand = prng(seed);
  const x = new Float32Array(26);
  for (let t = 0; t < n; t++) {
    for (let j = 0; j < 26; j++) x[j] = 2 * rand() - 1;
    stream.push(x, phones[t % phones.length]);
    if (t % perUtterance === perUtterance - 1) stream.end();
  }
}

describe('kernel memory per stream (hidden 128, 26 inputs, 40 phones)', () => {
  it('the stated figure of a TBPTT(10, 40) training stream is what it holds, and close() gives it all back', () => {
    const learner = new OnlineLearner({ inputSize: 26, phones, k1: 10, k2: 40 });
    const figure = streamMemory(learner.shape, learner.config, true);
    // A first stream sizes the kernels' pointer tables (one per process, kept): measure the second.
    const first = learner.openStream('first');
    feed(first, 100, 100);
    first.close();
    const start = used();
    const stream = learner.openStream('t');
    // k2 > k1: every window is recomputed, so the history, its recompute copy and the backward
    // scratch all reach their full size within a few hundred frames.
    feed(stream, 600, 300);
    const held = used() - start;
    assert.ok(held <= figure.maxBytes, `holds ${held} bytes, more than its stated ${figure.maxBytes}`);
    assert.ok(held >= 0.95 * figure.maxBytes, `holds ${held} bytes, far below its stated ${figure.maxBytes}: the figure overstates`);
    assert.ok(figure.maxBytes < 1e6, `${figure.maxBytes} bytes: a TBPTT stream's memory is well under 1 MB`);
    stream.close();
    assert.equal(used(), start, 'close() gives every block back to the arena');
    learner.dispose();
  });

  it('a per-frame TBPTT(12, 5) stream keeps k1 + k2 − 1 steps of window, and its stated figure is what it holds', () => {
    const learner = new OnlineLearner({ inputSize: 26, phones, k1: 12, k2: 5, truncation: 'per-frame' });
    const figure = streamMemory(learner.shape, learner.config, true);
    assert.equal(figure.windowSteps, 16);
    const window = streamMemory(learner.shape, { ...learner.config, truncation: 'window' }, true);
    assert.equal(window.windowSteps, 12);
    assert.ok(figure.maxBytes > window.maxBytes);
    const first = learner.openStream('first');
    feed(first, 100, 100);
    first.close();
    const start = used();
    const stream = learner.openStream('t');
    // Every chunk after the first reaches 4 steps before the last update: its window is
    // recomputed, so the history, its copy, the backward scratch and the cotangent ring all fill up.
    feed(stream, 600, 300);
    const held = used() - start;
    assert.ok(held <= figure.maxBytes, `holds ${held} bytes, more than its stated ${figure.maxBytes}`);
    assert.ok(held >= 0.95 * figure.maxBytes, `holds ${held} bytes, far below its stated ${figure.maxBytes}: the figure overstates`);
    stream.close();
    assert.equal(used(), start, 'close() gives every block back to the arena');
    learner.dispose();
  });

  it('a predicting stream holds two step caches', () => {
    const learner = new OnlineLearner({ inputSize: 26, phones, trainable: false });
    const figure = streamMemory(learner.shape, learner.config, false);
    const start = used();
    const stream = learner.openStream('p');
    feed(stream, 50, 50);
    assert.equal(used() - start, figure.maxBytes);
    stream.close();
    assert.equal(used(), start);
    learner.dispose();
  });

  it('an utterance-preset stream holds about bytesPerStep per frame of its longest utterance', () => {
    const learner = new OnlineLearner({ inputSize: 26, phones, preset: 'utterance', maxUtteranceFrames: 5000 });
    const figure = streamMemory(learner.shape, learner.config, true);
    assert.equal(figure.windowSteps, 5000);
    const start = used();
    // A second training stream updates the shared weights mid-utterance, so the first one's whole
    // utterance is stale at its end and recomputed: every part of the worst case is allocated.
    const other = learner.openStream('other');
    const otherStart = used();
    const stream = learner.openStream('u');
    const rand = prng(2);
    const x = new Float32Array(26);
    for (let t = 0; t < 5000; t++) {
      for (let j = 0; j < 26; j++) x[j] = 2 * rand() - 1;
      stream.push(x, phones[t % phones.length]);
      if (t === 100) {
        other.push(x, phones[0]);
        other.end();
      }
    }
    const { chunks } = stream.end();
    assert.equal(chunks[0].recomputed, true);
    const held = used() - otherStart - (otherStart - start); // the other stream holds what this one would at 101 frames at most
    assert.ok(held <= figure.maxBytes, `holds ${held} bytes, more than its stated ${figure.maxBytes}`);
    assert.ok(held >= 0.9 * figure.maxBytes, `holds ${held} bytes, far below its stated ${figure.maxBytes}`);
    // About 12 KB a frame at hidden 128: two step caches (5 KB each) and the backward scratch.
    assert.ok(figure.bytesPerStep > 10_000 && figure.bytesPerStep < 14_000, `${figure.bytesPerStep} bytes per frame`);
    stream.close();
    other.close();
    // All back but the kernels' pointer tables, kept for the process: 16 bytes per step of the
    // longest window it has trained on.
    assert.ok(used() - start <= 16 * 5000, `${used() - start} bytes not given back`);
    learner.dispose();
  });
});
