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

  it('with k2 ≥ k1 too, each frame gets its own k2 steps (against the float64 reference)', () => {
    for (const [k1, k2] of [[4, 4], [4, 6], [5, 12]] as const) {
      const { xs, labels } = randomFrames(T, 5, phones, k1 + k2);
      const config = { inputSize: 5, phones, hiddenSize: 4, layers: 2, delay: 1, seed: 4, k1, k2 };
      const { grads, params } = streamGradients({ ...config, truncation: 'per-frame' }, xs, labels);
      const ref = referenceGradients(params, config, xs, labels, perFrame(k2));
      assert.equal(grads.length, ref.length);
      for (let i = 0; i < ref.length; i++) {
        const err = relativeError(grads[i], ref[i]);
        assert.ok(err < 1e-5, `TBPTT(${k1}, ${k2}) chunk ${i}: relative error ${err}`);
      }
    }
  });

  it('equals the window convention bit for bit wherever every frame\'s k2 steps and the window agree: k1 = 1, k2 past the utterance start, the utterance preset', () => {
    const { xs, labels } = randomFrames(T, 5, phones, 9);
    const cases: [string, Partial<LearnerConfig>][] = [
      ['framewise, k2 = 1', { preset: 'framewise', k2: 1 }],
      ['framewise, k2 = 6', { preset: 'framewise', k2: 6 }],
      ['TBPTT(1, 9)', { k1: 1, k2: 9 }],
      ['TBPTT(8, 60): k2 reaches the utterance start from every frame', { k1: 8, k2: 60 }],
      ['utterance preset', { preset: 'utterance' }],
    ];
    for (const layers of [1, 2]) {
      for (const [what, schedule] of cases) {
        // Real updates (adam, default lr), two utterances: the whole trajectory must be the same bits.
        const run = (truncation: 'window' | 'per-frame') => {
          const learner = new OnlineLearner({ inputSize: 5, phones, hiddenSize: 6, layers, delay: 2, seed: 5, ...schedule, truncation });
          const grads: Float32Array[] = [];
          const apply = learner.applyGradient.bind(learner);
          learner.applyGradient = (grad) => {
            grads.push(grad.slice());
            return apply(grad);
          };
          const stream = learner.openStream('s', { train: true });
          for (let u = 0; u < 2; u++) {
            for (let t = 0; t < T; t++) stream.push(xs[t], labels[t]);
            stream.end();
          }
          const params = learner.params.slice();
          learner.dispose();
          return { grads, params };
        };
        const w = run('window');
        const p = run('per-frame');
        assert.equal(p.grads.length, w.grads.length, what);
        assert.ok(w.grads.length > 1, what);
        for (let i = 0; i < w.grads.length; i++) assert.deepEqual(p.grads[i], w.grads[i], `${what}, ${layers} layer(s): gradient ${i}`);
        assert.deepEqual(p.params, w.params, `${what}, ${layers} layer(s): final weights`);
      }
    }
  });

  it('but not for k2 ≥ k1 > 1 in general: the window gives the chunk\'s earlier frames fewer than k2 steps', () => {
    // Under window, frame f of a chunk ending at e reaches back to e − k2, i.e. k2 − (e − 1 − f) steps;
    // per-frame gives it k2. Same only for the chunks whose window starts at the utterance start.
    const { xs, labels } = randomFrames(T, 5, phones, 12);
    const config = { inputSize: 5, phones, hiddenSize: 4, layers: 1, seed: 3, k1: 4, k2: 6 };
    const { params } = streamGradients(config, xs, labels);
    const win = referenceGradients(params, config, xs, labels, windowed(6));
    const per = referenceGradients(params, config, xs, labels, perFrame(6));
    assert.ok(relativeError(per[0], win[0]) < 1e-12, 'the first chunk ends before step k2: both reach the utterance start');
    for (let i = 2; i < win.length; i++) assert.ok(relativeError(per[i], win[i]) > 1e-3, `chunk ${i}: ${relativeError(per[i], win[i])}`);
  });

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
