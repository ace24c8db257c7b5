import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import type { LstmShape } from '../../src/learner/lstm-shape.ts';
import { initParams } from '../../src/learner/init-params.ts';
import { createStepCache, probsOf, stateAfter } from '../../src/learner/step-cache.ts';
import { forwardStep } from '../../src/learner/forward-step.ts';
import { forwardSequence } from '../../src/learner/forward-sequence.ts';
import { cloneState, zeroState } from '../../src/learner/lstm-state.ts';
import { mulberry32 } from '../../src/learner/math-mulberry32.ts';
import { randomSequence, referenceProbs } from './unrolled-reference.ts';

describe('forwardStep', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });
  for (const layers of [1, 2]) {
    const shape: LstmShape = { inputSize: 5, hiddenSize: 8, layers, outputSize: 6 };
    it(`${layers} layer(s): probabilities equal a tfjs-ops forward pass, step after step`, () => {
      const params = initParams(shape, 3);
      const { xs } = randomSequence(shape, 10, mulberry32(1));
      const ref = referenceProbs(params, shape, xs);
      let prev = zeroState(shape);
      const cache = createStepCache(shape);
      for (let t = 0; t < xs.length; t++) {
        // Feeding the cache's own state back in (prev aliases the outputs) must work.
        forwardStep(params, shape, xs[t], prev, cache);
        prev = stateAfter(cache);
        const p = probsOf(cache);
        for (let k = 0; k < shape.outputSize; k++) {
          assert.ok(Math.abs(p[k] - ref[t][k]) <= 1e-6, `step ${t} class ${k}: ${p[k]} vs ${ref[t][k]}`);
        }
        assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-6);
      }
    });
  }

  const shape: LstmShape = { inputSize: 4, hiddenSize: 6, layers: 2, outputSize: 3 };
  const params = initParams(shape, 5);
  const x = Float32Array.of(0.5, -1, 0.25, 2);

  it('does not modify prev, and gives the same result whether prev aliases the cache or not', () => {
    const cache = createStepCache(shape);
    forwardStep(params, shape, x, zeroState(shape), cache);
    const prev = cloneState(stateAfter(cache));
    const snapshot = cloneState(prev);
    const other = createStepCache(shape);
    forwardStep(params, shape, x, prev, other);
    assert.deepEqual(prev, snapshot);
    forwardStep(params, shape, x, stateAfter(cache), cache);
    assert.deepEqual(probsOf(cache), probsOf(other));
    assert.deepEqual(stateAfter(cache), stateAfter(other));
  });

  it('forwardSequence equals stepping by hand', () => {
    const xs = [x, x.map((v) => -v), x.map((v) => v * 0.5)];
    const caches = xs.map(() => createStepCache(shape));
    forwardSequence(params, shape, xs, zeroState(shape), caches);
    let prev = zeroState(shape);
    const c = createStepCache(shape);
    for (let t = 0; t < xs.length; t++) {
      forwardStep(params, shape, xs[t], prev, c);
      prev = cloneState(stateAfter(c));
      assert.deepEqual(probsOf(caches[t]), probsOf(c));
    }
  });

  it('rejects a frame of the wrong size and a parameter vector of the wrong length', () => {
    const cache = createStepCache(shape);
    assert.throws(() => forwardStep(params, shape, new Float32Array(3), zeroState(shape), cache), /forwardStep x: expected 4 features, got 3/);
    assert.throws(() => forwardStep(params.subarray(1), shape, x, zeroState(shape), cache), /forwardStep params: expected \d+ floats/);
  });
});
