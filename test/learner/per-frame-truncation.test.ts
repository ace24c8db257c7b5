import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { LearnerConfig } from '../../src/learner/learner-config.ts';
import { OnlineLearner } from '../../src/learner/online-learner.ts';
import { selectBackend } from '../../src/learner/select-backend.ts';
import { phoneNames, randomFrames } from './engine-helpers.ts';
import { perFrame, truncatedBpttReference, windowed, type Truncation } from './truncated-bptt-reference.ts';

before(async () => {
  await selectBackend();
});

const phones = phoneNames(6);

/** ‖a − b‖ / ‖b‖ over every parameter. */
function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    d += (a[i] - b[i]) ** 2;
    s += b[i] ** 2;
  }
  return Math.sqrt(d / s);
}

/**
 * The gradients one utterance's stream hands the optimiser. The learning rate is so small that no
 * weight moves (checked): every chunk's window, recomputed or not, is then the fixed-weight forward
 * the reference differentiates.
 */
function streamGradients(config: LearnerConfig, xs: Float32Array[], labels: (string | undefined)[]): { grads: Float32Array[]; params: Float32Array } {
  const learner = new OnlineLearner({ ...config, optimizer: 'sgd', lr: 1e-30 });
  const params = learner.params.slice();
  const grads: Float32Array[] = [];
  const apply = learner.applyGradient.bind(learner);
  learner.applyGradient = (grad) => {
    grads.push(grad.slice());
    return apply(grad);
  };
  const stream = learner.openStream('s', { train: true });
  for (let t = 0; t < xs.length; t++) stream.push(xs[t], labels[t]);
  stream.end();
  assert.ok(relativeError(learner.params, params) < 1e-12, 'the weights stayed put');
  learner.dispose();
  return { grads, params };
}

/** Step targets as the stream trains them: label t − delay, the delay's padding steps appended. */
function stepTargets(labels: (string | undefined)[], delay: number): Int32Array {
  const out = new Int32Array(labels.length + delay).fill(-1);
  for (let t = 0; t < labels.length; t++) out[t + delay] = labels[t] === undefined ? -1 : phones.indexOf(labels[t]!);
  return out;
}

/** The reference's gradients for the stream's utterance (the delay's padding repeats the last frame). */
function referenceGradients(
  params: Float32Array, config: LearnerConfig & { k1: number }, xs: Float32Array[], labels: (string | undefined)[], truncation: Truncation,
): Float64Array[] {
  const delay = config.delay ?? 0;
  const padded = [...xs, ...Array.from({ length: delay }, () => xs[xs.length - 1])];
  const shape = { inputSize: config.inputSize, hiddenSize: config.hiddenSize!, layers: config.layers!, outputSize: phones.length };
  return truncatedBpttReference(params, shape, padded, stepTargets(labels, delay), config.k1, truncation);
}

const T = 47;

describe('the per-frame truncation', () => {
  for (const delay of [0, 2]) {
    for (const layers of [1, 2]) {
      it(`every labelled frame's loss flows back k2 steps from it: TBPTT(k1, k2 < k1) against a float64 reference, delay ${delay}, ${layers} layer(s)`, () => {
        for (const [k1, k2] of [[6, 1], [7, 3], [10, 4], [12, 11]] as const) {
          const { xs, labels } = randomFrames(T, 5, phones, 10 * k1 + k2 + layers);
          const config = { inputSize: 5, phones, hiddenSize: 4, layers, delay, seed: 3 + k1, k1, k2 };
          const { grads, params } = streamGradients({ ...config, truncation: 'per-frame' }, xs, labels);
          const ref = referenceGradients(params, config, xs, labels, perFrame(k2));
          assert.equal(grads.length, ref.length, `TBPTT(${k1}, ${k2}): one gradient per labelled chunk`);
          for (let i = 0; i < ref.length; i++) {
            const err = relativeError(grads[i], ref[i]);
            assert.ok(err < 1e-5, `TBPTT(${k1}, ${k2}) chunk ${i}: relative error ${err}`);
          }
        }
      });
    }
  }

  it('the reference reproduces the window convention too, and the two differ for k2 < k1', () => {
    const [k1, k2] = [10, 4];
    const { xs, labels } = randomFrames(T, 5, phones, 5);
    const config = { inputSize: 5, phones, hiddenSize: 4, layers: 2, delay: 2, seed: 3, k1, k2 };
    const { grads, params } = streamGradients(config, xs, labels);
    const ref = referenceGradients(params, config, xs, labels, windowed(k2));
    const other = referenceGradients(params, config, xs, labels, perFrame(k2));
    assert.equal(grads.length, ref.length);
    for (let i = 0; i < ref.length; i++) {
      assert.ok(relativeError(grads[i], ref[i]) < 1e-5, `chunk ${i}: ${relativeError(grads[i], ref[i])}`);
      assert.ok(relativeError(other[i], ref[i]) > 1e-3, `chunk ${i}: the conventions should differ`);
    }
  });
});
