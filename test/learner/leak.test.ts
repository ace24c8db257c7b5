import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { arenaStats } from '../../src/learner/kernels/wasm-arena.ts';
import { OnlineLearner } from '../../src/learner/online-learner.ts';
import { selectBackend } from '../../src/learner/select-backend.ts';
import { phoneNames, prng } from './engine-helpers.ts';

before(async () => {
  await selectBackend();
});

describe('no tensor or kernel-memory leak', () => {
  for (const optimizer of ['adam', 'sgd'] as const) {
    it(`${optimizer}: numTensors and the kernel arena's bytes after 10,000 frames equal those after 100 (train + predict streams)`, () => {
      const arenaBefore = arenaStats()!;
      const phones = phoneNames(4);
      const baseline = tf.memory().numTensors;
      const learner = new OnlineLearner({ inputSize: 3, phones, hiddenSize: 4, k1: 16, k2: 24, delay: 2, optimizer });
      const trainer = learner.openStream('t');
      const listener = learner.openStream('p', { train: false });
      const rand = prng(1);
      const x = new Float32Array(3);
      const push = (i: number): void => {
        for (let j = 0; j < 3; j++) x[j] = rand();
        trainer.push(x, phones[i % 4]);
        listener.push(x);
        // Utterances of 97 frames: ends, padding and partial chunks happen too.
        if (i % 97 === 96) {
          trainer.end();
          listener.end();
        }
      };
      for (let i = 0; i < 100; i++) push(i);
      const after100 = tf.memory().numTensors;
      const arena100 = arenaStats()!;
      for (let i = 100; i < 10_000; i++) push(i);
      assert.equal(tf.memory().numTensors, after100);
      const arena10k = arenaStats()!;
      // Blocks are only taken when a stream opens or a window first grows: none in steady state.
      assert.equal(arena10k.usedBytes, arena100.usedBytes, 'kernel-arena bytes in use grew');
      assert.equal(arena10k.highWaterBytes, arena100.highWaterBytes, 'the kernel arena needed fresh memory');
      assert.ok(learner.version > 500);
      learner.dispose();
      assert.equal(tf.memory().numTensors, baseline, 'dispose() frees the variable and the optimiser slots');
      assert.equal(arenaStats()!.reservedBytes, arenaBefore.reservedBytes, 'dispose() releases the reservations');
      // The parameters stay until garbage collected (a caller may read them); streams gave back theirs.
      assert.ok(arenaStats()!.usedBytes - arenaBefore.usedBytes <= 4 * learner.layout.total + 1024, 'the streams gave their blocks back');
    });
  }
});
