import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import type { LstmShape } from '../../src/learner/lstm-shape.ts';
import { initParams } from '../../src/learner/init-params.ts';
import { paramLayout } from '../../src/learner/param-layout.ts';
import { createStepCache } from '../../src/learner/step-cache.ts';
import { forwardStep } from '../../src/learner/forward-step.ts';
import { tbpttGradients } from '../../src/learner/tbptt-gradients.ts';
import { zeroState } from '../../src/learner/lstm-state.ts';
import { mulberry32 } from '../../src/learner/math-mulberry32.ts';
import { oursPerChunk, randomSequence, referencePerChunk, worstRelativeError } from './unrolled-reference.ts';

// Metric (see worstRelativeError): per parameter tensor, max |ours − ref| / max |ref|; the worst
// tensor must be ≤ 1e-5. Both sides are float32.
const TOL = 1e-5;
const N = 12;
const CONFIGS: [number, number | 'whole'][] = [[1, 1], [4, 4], [3, 7], [7, 3], [5, 'whole']];

describe('tbpttGradients equals tf.grads of an explicitly unrolled, truncated tfjs graph', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });
  for (const layers of [1, 2]) {
    const shape: LstmShape = { inputSize: 5, hiddenSize: 8, layers, outputSize: 6 };
    for (const [k1, k2raw] of CONFIGS) {
      it(`${layers} layer(s), TBPTT(${k1}, ${k2raw}) over ${N} frames, every chunk`, () => {
        const k2 = k2raw === 'whole' ? N : k2raw;
        const params = initParams(shape, 7 + layers);
        const { xs, targets } = randomSequence(shape, N, mulberry32(100 + k1 * 10 + layers));
        const before = tf.memory().numTensors;
        const ref = referencePerChunk(params, shape, xs, targets, k1, k2);
        assert.equal(tf.memory().numTensors, before, 'the reference leaks tensors');
        const ours = oursPerChunk(params, shape, xs, targets, k1, k2);
        assert.equal(ours.length, ref.length);
        for (let i = 0; i < ours.length; i++) {
          const { err, name } = worstRelativeError(shape, ours[i].grad, ref[i].grad);
          const where = `chunk [${ours[i].start}, ${ours[i].end})`;
          assert.ok(err <= TOL, `${where}: ${name} relative error ${err}`);
          assert.ok(Math.abs(ours[i].loss - ref[i].loss) <= TOL * Math.abs(ref[i].loss), `${where}: loss ${ours[i].loss} vs ${ref[i].loss}`);
        }
      });
    }
  }

  it('at the bench size (39 in, hidden 128, 61 out), TBPTT(4, 6)', () => {
    const shape: LstmShape = { inputSize: 39, hiddenSize: 128, layers: 1, outputSize: 61 };
    const params = initParams(shape, 3);
    const { xs, targets } = randomSequence(shape, 9, mulberry32(5));
    const ref = referencePerChunk(params, shape, xs, targets, 4, 6);
    const ours = oursPerChunk(params, shape, xs, targets, 4, 6);
    for (let i = 0; i < ours.length; i++) {
      const { err, name } = worstRelativeError(shape, ours[i].grad, ref[i].grad);
      assert.ok(err <= TOL, `chunk ${i}: ${name} relative error ${err}`);
    }
  });
});

describe('tbpttGradients edge cases', () => {
  const shape: LstmShape = { inputSize: 3, hiddenSize: 4, layers: 1, outputSize: 5 };
  const params = initParams(shape, 1);
  const total = paramLayout(shape).total;
  const caches = [createStepCache(shape), createStepCache(shape)];
  forwardStep(params, shape, new Float32Array([0.1, -0.2, 0.3]), zeroState(shape), caches[0]);

  it('returns 0 and a zero gradient when no step has a target', () => {
    const grad = new Float32Array(total).fill(9);
    assert.equal(tbpttGradients(params, shape, [caches[0]], new Int32Array([-1]), 1, grad), 0);
    assert.ok(grad.every((g) => g === 0));
  });

  it('rejects a target outside the classes, naming it', () => {
    const grad = new Float32Array(total);
    assert.throws(() => tbpttGradients(params, shape, [caches[0]], new Int32Array([5]), 1, grad), /target 0 is 5: expected −1 or a class in \[0, 5\)/);
  });

  it('rejects a gradient buffer of the wrong length', () => {
    assert.throws(() => tbpttGradients(params, shape, [caches[0]], new Int32Array([1]), 1, new Float32Array(3)), /grad: expected \d+ floats/);
  });
});
