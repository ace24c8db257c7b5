import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InputError, MemoryLimitError } from '../../src/errors.ts';
import { arenaStats, configureArena } from '../../src/learner/kernels/wasm-arena.ts';
import { OnlineLearner } from '../../src/learner/online-learner.ts';
import { selectBackend } from '../../src/learner/select-backend.ts';
import { phoneNames } from './engine-helpers.ts';

// Node's test runner gives each file its own process: this one runs with the smallest arena.
configureArena(64);

before(async () => {
  await selectBackend();
});

const phones = phoneNames(40);

describe('a 64 MiB kernel arena', () => {
  it('has the configured size, and cannot be resized once it exists', () => {
    assert.equal(arenaStats()!.capacityBytes, 64 * 2 ** 20 - 65536);
    assert.throws(() => configureArena(128), /already exists with 64 MiB/);
  });

  it('refuses up front an utterance-preset stream whose longest utterance would not fit, naming the limit and what to do', () => {
    const learner = new OnlineLearner({ inputSize: 26, phones, preset: 'utterance' });
    assert.throws(
      () => learner.openStream('long'),
      (err: Error) => {
        assert.ok(err instanceof MemoryLimitError, String(err));
        assert.match(err.message, /stream "long" \(training over whole utterances of up to 60000 frames\) needs up to \d+\.\d MB of kernel memory/);
        assert.match(err.message, /PHONESTREAM_ARENA_MIB=64/);
        assert.match(err.message, /lower maxUtteranceFrames and send end-of-utterance markers, or train with the tbptt preset/);
        return true;
      },
    );
    // Nothing was reserved by the refused stream: a tbptt stream still opens.
    learner.openStream('ok', { train: false }).close();
    learner.dispose();
  });

  it('runs a stream that fits and refuses the frame past maxUtteranceFrames', () => {
    const learner = new OnlineLearner({ inputSize: 26, phones, preset: 'utterance', maxUtteranceFrames: 300 });
    const stream = learner.openStream('u');
    const x = new Float32Array(26).fill(0.1);
    for (let t = 0; t < 300; t++) stream.push(x, phones[t % 40]);
    assert.throws(() => stream.push(x, phones[0]), (err: Error) => err instanceof InputError && /longer than maxUtteranceFrames \(300 frames\)/.test(err.message));
    const { chunks } = stream.end();
    assert.equal(chunks[0].trained, true, 'the 300 frames that fit are trained on');
    learner.dispose();
  });

  it('refuses streams once the reservations fill it, and takes another after one closes', () => {
    const learner = new OnlineLearner({ inputSize: 26, phones, preset: 'utterance', maxUtteranceFrames: 1500 });
    const open = [];
    let refused: Error | undefined;
    for (let i = 0; i < 100 && refused === undefined; i++) {
      try {
        open.push(learner.openStream(`s${i}`));
      } catch (err) {
        refused = err as Error;
      }
    }
    assert.ok(refused instanceof MemoryLimitError, `expected a refusal, opened ${open.length}`);
    assert.ok(open.length >= 2, `only ${open.length} streams of 1500 frames fit in 64 MiB`);
    open.pop()!.close();
    const again = learner.openStream('again');
    const x = new Float32Array(26).fill(0.2);
    for (let t = 0; t < 1500; t++) again.push(x, phones[t % 40]);
    assert.equal(again.end().chunks[0].trained, true);
    learner.dispose();
    assert.equal(arenaStats()!.reservedBytes, 0, 'dispose() closed every stream and released every reservation');
  });
});
