import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import type { LstmShape } from '../../src/learner/lstm-shape.ts';
import { OnlineLearner } from '../../src/learner/online-learner.ts';
import { paramLayout } from '../../src/learner/param-layout.ts';
import { selectBackend } from '../../src/learner/select-backend.ts';
import { phoneNames, prng } from './engine-helpers.ts';
import { lstmStep, worstRelativeError, type P } from './unrolled-reference.ts';

before(async () => {
  await selectBackend();
});

interface Step { x: Float32Array; target: number; h: tf.Tensor2D[]; c: tf.Tensor2D[] }

/**
 * The whole online procedure written again in tfjs ops, sharing no code with the engine: per step
 * a forward with the weights of that moment (its softmax is the prediction of frame t − d); every
 * k1 steps (and for the partial chunk at an utterance's end, after d padding steps repeating the
 * last frame) the window of the last max(chunk, k2) steps is unrolled from the state the online
 * pass carried into it, with the CURRENT weights; the states entering the last k2 steps are
 * constants before them; tf.grads of the mean cross-entropy over the chunk's labelled steps; the
 * gradient clipped to global norm `clip`; SGD p ← p − lr·g. State resets at each utterance end.
 */
function reference(
  initial: Float32Array, shape: LstmShape, utterances: { xs: Float32Array[]; targets: number[] }[],
  k1: number, k2: number, delay: number, lr: number, clip: number,
): { probs: Float32Array[]; params: Float32Array[] } {
  const layout = paramLayout(shape);
  const { hiddenSize: H, layers: L } = shape;
  let params = initial.slice();
  const probsOut: Float32Array[] = [];
  const paramsOut: Float32Array[] = [];
  const asP = (flat: tf.Tensor[]): P => Object.fromEntries(layout.entries.map((e, i) => [e.name, flat[i]]));
  const tensorsOf = (p: Float32Array) => layout.entries.map((e) => tf.tensor(p.subarray(e.offset, e.offset + e.size), e.shape));
  const zeros = () => Array.from({ length: L }, () => tf.zeros([1, H]) as tf.Tensor2D);
  const logitsOf = (p: P, h: tf.Tensor2D) => tf.add(tf.matMul(h, p['out.weight'] as tf.Tensor2D, false, true), p['out.bias']);

  tf.tidy(() => {
    for (const u of utterances) {
      const steps: Step[] = [];
      let h = zeros();
      let c = zeros();
      let chunkStart = 0;
      const train = (e: number): void => {
        const b = chunkStart;
        chunkStart = e;
        const labelled: number[] = [];
        for (let t = b; t < e; t++) if (steps[t].target >= 0) labelled.push(t);
        if (labelled.length === 0) return;
        const n = Math.min(Math.max(e - b, k2), e);
        const w = e - n;
        const r = e - Math.min(k2, n); // the gradient flows through steps r..e−1 only
        // Steps w..r−1 with the current weights as constants (tensors f does not differentiate).
        const pConst = asP(tensorsOf(params));
        let h0 = steps[w].h;
        let c0 = steps[w].c;
        const constTop = new Map<number, tf.Tensor2D>();
        for (let t = w; t < r; t++) {
          [h0, c0] = lstmStep(pConst, shape, tf.tensor2d(steps[t].x, [1, shape.inputSize]), h0, c0);
          constTop.set(t, h0[L - 1]);
        }
        const f = (...ps: tf.Tensor[]): tf.Scalar => {
          const p = asP(ps);
          let hh = h0;
          let cc = c0;
          const top = new Map(constTop);
          for (let t = r; t < e; t++) {
            [hh, cc] = lstmStep(p, shape, tf.tensor2d(steps[t].x, [1, shape.inputSize]), hh, cc);
            top.set(t, hh[L - 1]);
          }
          const terms = labelled.map((t) => tf.neg(tf.slice(tf.logSoftmax(logitsOf(p, top.get(t)!)), [0, steps[t].target], [1, 1])));
          return tf.div(tf.addN(terms), labelled.length).reshape([]) as tf.Scalar;
        };
        const { grads } = tf.valueAndGrads(f)(tensorsOf(params));
        const g = new Float64Array(layout.total);
        layout.entries.forEach((en, i) => g.set(grads[i].dataSync(), en.offset));
        const norm = Math.sqrt(g.reduce((s, v) => s + v * v, 0));
        const scale = norm > clip ? clip / norm : 1;
        params = Float32Array.from(params, (v, i) => v - lr * Math.fround(g[i] * scale));
        paramsOut.push(params.slice());
      };
      const n = u.xs.length;
      for (let t = 0; t < n + delay; t++) {
        const x = u.xs[Math.min(t, n - 1)];
        const target = t >= delay ? u.targets[t - delay] : -1;
        steps.push({ x, target, h, c });
        const p = asP(tensorsOf(params));
        [h, c] = lstmStep(p, shape, tf.tensor2d(x, [1, shape.inputSize]), h, c);
        if (t >= delay) probsOut.push(tf.softmax(logitsOf(p, h[L - 1])).dataSync() as Float32Array);
        if (t + 1 - chunkStart === k1) train(t + 1);
      }
      if (chunkStart < steps.length) train(steps.length);
    }
  });
  return { probs: probsOut, params: paramsOut };
}

describe('the engine over several real updates equals an independent tfjs simulation of the online procedure', () => {
  const phones = phoneNames(4);
  const shape: LstmShape = { inputSize: 3, hiddenSize: 5, layers: 1, outputSize: 4 };
  for (const [k1, k2, delay] of [[3, 7, 2], [4, 4, 0], [5, 2, 1], [2, 5, 3], [1, 4, 0]] as const) {
    it(`TBPTT(${k1}, ${k2}), delay ${delay}: the same predictions and the same weights after every update, over two utterances`, () => {
      const rand = prng(k1 * 100 + k2 * 10 + delay);
      const utterances = [13, 9].map((n) => ({
        xs: Array.from({ length: n }, () => Float32Array.from({ length: 3 }, () => 2 * rand() - 1)),
        targets: Array.from({ length: n }, (_, t) => (t % 6 === 4 ? -1 : Math.floor(rand() * 4))),
      }));
      const lr = 0.3;
      const learner = new OnlineLearner({ inputSize: 3, phones, hiddenSize: 5, k1, k2, delay, optimizer: 'sgd', momentum: 0, lr, clip: 1, seed: 4 });
      const ref = reference(learner.params.slice(), shape, utterances, k1, k2, delay, lr, 1);
      const stream = learner.openStream('s');
      const probs: number[][] = [];
      // The weights after update i (end() may make two updates: only the last one's are seen).
      const weights = new Map<number, Float32Array>();
      let updates = 0;
      for (const u of utterances) {
        u.xs.forEach((x, t) => {
          const r = stream.push(x, u.targets[t] < 0 ? undefined : phones[u.targets[t]]);
          if (r.prediction) probs.push(r.prediction.top.map(([, p]) => p));
          if (r.chunk?.trained) weights.set(updates++, learner.params.slice());
        });
        const end = stream.end();
        for (const p of end.predictions) probs.push(p.top.map(([, q]) => q));
        updates += end.chunks.filter((c) => c.trained).length;
        weights.set(updates - 1, learner.params.slice());
      }
      assert.ok(updates >= 5, `only ${updates} updates`);
      assert.equal(updates, ref.params.length, 'the same number of updates');
      for (const [i, w] of weights) {
        const { err, name } = worstRelativeError(shape, w, ref.params[i]);
        assert.ok(err <= 1e-5, `update ${i + 1}: ${name} relative error ${err}`);
      }
      assert.equal(probs.length, ref.probs.length, 'every frame predicted once');
      probs.forEach((top, i) => {
        const sorted = [...ref.probs[i]].sort((a, b) => b - a).slice(0, top.length);
        top.forEach((p, k) => assert.ok(Math.abs(p - sorted[k]) <= 1e-5, `frame ${i}: p ${p} vs ${sorted[k]}`));
      });
      learner.dispose();
    });
  }
});
