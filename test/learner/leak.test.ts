import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { OnlineLearner } from '../../src/learner/online-learner.ts';
import { selectBackend } from '../../src/learner/select-backend.ts';
import { phoneNames, prng } from './engine-helpers.ts';

before(async () => {
  await selectBackend();
});

describe('no tensor leak', () => {
  for (const optimizer of ['adam', 'sgd'] as const) {
    it(`${optimizer}: numTensors after 10,000 frames equals numTensors after 100 (train + predict streams)`, () => {
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
      for (let i = 100; i < 10_000; i++) push(i);
      assert.equal(tf.memory().numTensors, after100);
      assert.ok(learner.version > 500);
      learner.dispose();
      assert.equal(tf.memory().numTensors, baseline, 'dispose() frees the variable and the optimiser slots');
    });
  }
});
