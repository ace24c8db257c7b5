/**
 * Test helpers: an independent TBPTT reference written with tfjs ops (an explicitly unrolled,
 * explicitly truncated graph differentiated by tf.grads), the same chunking driven through the
 * typed-array math, and the comparison metric. Not a test file itself.
 */
import * as tf from '@tensorflow/tfjs';
import type { LstmShape } from '../../src/learner/lstm-shape.ts';
import { paramLayout } from '../../src/learner/param-layout.ts';
import { createStepCache } from '../../src/learner/step-cache.ts';
import { forwardSequence } from '../../src/learner/forward-sequence.ts';
import { tbpttGradients } from '../../src/learner/tbptt-gradients.ts';
import { zeroState } from '../../src/learner/lstm-state.ts';

/** One chunk's result: mean CE and its gradient (flat, paramLayout order). */
export interface ChunkGradient {
  start: number;
  end: number;
  loss: number;
  grad: Float32Array;
}

/** Chunk boundaries of TBPTT(k1, ·) over n frames: every k1 frames, plus the partial last chunk. */
export function chunkBounds(n: number, k1: number): [number, number][] {
  const out: [number, number][] = [];
  for (let b = 0; b < n; b += k1) out.push([b, Math.min(n, b + k1)]);
  return out;
}

/**
 * The gradient of every chunk with FIXED parameters, through forwardSequence + tbpttGradients,
 * passing the window the way the engine does: the last max(chunk, k2) steps, targets −1 before
 * the chunk, recurrentSteps = k2.
 */
export function oursPerChunk(
  params: Float32Array, shape: LstmShape, xs: Float32Array[], targets: Int32Array, k1: number, k2: number,
): ChunkGradient[] {
  const caches = xs.map(() => createStepCache(shape));
  forwardSequence(params, shape, xs, zeroState(shape), caches);
  const total = paramLayout(shape).total;
  return chunkBounds(xs.length, k1).map(([b, e]) => {
    const ws = Math.max(0, e - Math.max(e - b, k2));
    const tg = new Int32Array(e - ws).fill(-1);
    for (let t = b; t < e; t++) tg[t - ws] = targets[t];
    const grad = new Float32Array(total);
    const loss = tbpttGradients(params, shape, caches.slice(ws, e), tg, Math.min(k2, e - ws), grad);
    return { start: b, end: e, loss, grad };
  });
}

export type P = Record<string, tf.Tensor>;

export function lstmStep(p: P, shape: LstmShape, x: tf.Tensor2D, h: tf.Tensor2D[], c: tf.Tensor2D[]): [tf.Tensor2D[], tf.Tensor2D[]] {
  const nh: tf.Tensor2D[] = [];
  const nc: tf.Tensor2D[] = [];
  let input = x;
  for (let l = 0; l < shape.layers; l++) {
    const z = tf.add(
      tf.add(tf.matMul(input, p[`weight_ih_l${l}`] as tf.Tensor2D, false, true), p[`bias_ih_l${l}`]),
      tf.add(tf.matMul(h[l], p[`weight_hh_l${l}`] as tf.Tensor2D, false, true), p[`bias_hh_l${l}`]),
    ) as tf.Tensor2D;
    const [zi, zf, zg, zo] = tf.split(z, 4, 1);
    const cl = tf.add(tf.mul(tf.sigmoid(zf), c[l]), tf.mul(tf.sigmoid(zi), tf.tanh(zg))) as tf.Tensor2D;
    const hl = tf.mul(tf.sigmoid(zo), tf.tanh(cl)) as tf.Tensor2D;
    nh.push(hl);
    nc.push(cl);
    input = hl;
  }
  return [nh, nc];
}

/**
 * The reference: for each chunk [b, e), the state at w = max(0, e − k2) comes from a plain forward
 * pass and enters the graph as a constant; steps w..e−1 are unrolled with tfjs ops on the
 * parameters; the outputs of chunk steps before w use constant hidden states; loss = mean CE over
 * the chunk's labelled steps; tf.grads differentiates it. Runs on whatever backend is active.
 */
export function referencePerChunk(
  params: Float32Array, shape: LstmShape, xs: Float32Array[], targets: Int32Array, k1: number, k2: number,
): ChunkGradient[] {
  let out: ChunkGradient[] = [];
  // Everything, intermediates included, is freed by this tidy; results leave as typed arrays.
  tf.tidy(() => {
    out = referenceInTidy(params, shape, xs, targets, k1, k2);
  });
  return out;
}

function referenceInTidy(
  params: Float32Array, shape: LstmShape, xs: Float32Array[], targets: Int32Array, k1: number, k2: number,
): ChunkGradient[] {
  const layout = paramLayout(shape);
  const H = shape.hiddenSize;
  const L = shape.layers;
  const names = layout.entries.map((e) => e.name);
  const tensors = layout.entries.map((e) => tf.tensor(params.subarray(e.offset, e.offset + e.size), e.shape));
  const asP = (ts: tf.Tensor[]): P => Object.fromEntries(names.map((n, i) => [n, ts[i]]));
  const pConst = asP(tensors);
  const xT = xs.map((x) => tf.tensor2d(x, [1, x.length]));
  // Constant forward states: hs[t] / cs[t] = state after step t; the initial state is zero.
  const zeros = () => Array.from({ length: L }, () => tf.zeros([1, H]) as tf.Tensor2D);
  const hs: tf.Tensor2D[][] = [];
  const cs: tf.Tensor2D[][] = [];
  let h = zeros();
  let c = zeros();
  const init: [tf.Tensor2D[], tf.Tensor2D[]] = [h, c];
  for (let t = 0; t < xs.length; t++) {
    [h, c] = lstmStep(pConst, shape, xT[t], h, c);
    hs.push(h);
    cs.push(c);
  }
  const out = chunkBounds(xs.length, k1).map(([b, e]) => {
    const w = Math.max(0, e - k2);
    const labelled: number[] = [];
    for (let t = b; t < e; t++) if (targets[t] >= 0) labelled.push(t);
    const f = (...ps: tf.Tensor[]): tf.Scalar => {
      const p = asP(ps);
      let hh = w === 0 ? init[0] : hs[w - 1];
      let cc = w === 0 ? init[1] : cs[w - 1];
      const top = new Map<number, tf.Tensor2D>();
      for (let t = w; t < e; t++) {
        [hh, cc] = lstmStep(p, shape, xT[t], hh, cc);
        top.set(t, hh[L - 1]);
      }
      const terms = labelled.map((t) => {
        const ht = top.get(t) ?? hs[t][L - 1];
        const logits = tf.add(tf.matMul(ht, p['out.weight'] as tf.Tensor2D, false, true), p['out.bias']);
        const logp = tf.logSoftmax(logits);
        return tf.neg(tf.slice(logp, [0, targets[t]], [1, 1]));
      });
      return tf.div(tf.addN(terms), labelled.length).reshape([]) as tf.Scalar;
    };
    if (labelled.length === 0) return { start: b, end: e, loss: 0, grad: new Float32Array(layout.total) };
    const { value, grads } = tf.valueAndGrads(f)(tensors);
    const grad = new Float32Array(layout.total);
    layout.entries.forEach((en, i) => grad.set(grads[i].dataSync(), en.offset));
    const loss = value.dataSync()[0];
    return { start: b, end: e, loss, grad };
  });
  return out;
}

/**
 * The comparison metric, per parameter tensor: max |a − b| / max(max |b|, 1e-30). Returns the
 * worst tensor's value and its name.
 */
export function worstRelativeError(shape: LstmShape, a: Float32Array, b: ArrayLike<number>): { err: number; name: string } {
  let worst = { err: 0, name: '' };
  for (const e of paramLayout(shape).entries) {
    let diff = 0;
    let scale = 0;
    for (let i = e.offset; i < e.offset + e.size; i++) {
      diff = Math.max(diff, Math.abs(a[i] - b[i]));
      scale = Math.max(scale, Math.abs(b[i]));
    }
    const err = diff / Math.max(scale, 1e-30);
    if (err > worst.err || worst.name === '') worst = { err, name: e.name };
  }
  return worst;
}

/** Deterministic random frames and targets (some −1) for the tests. */
export function randomSequence(shape: LstmShape, n: number, rand: () => number, unlabelledEvery = 5): { xs: Float32Array[]; targets: Int32Array } {
  const xs = Array.from({ length: n }, () => Float32Array.from({ length: shape.inputSize }, () => 2 * rand() - 1));
  const targets = Int32Array.from({ length: n }, (_, t) => (t % unlabelledEvery === 3 ? -1 : Math.floor(rand() * shape.outputSize)));
  return { xs, targets };
}

/** Softmax outputs of every step from a zero state, by tfjs ops (the forward reference). */
export function referenceProbs(params: Float32Array, shape: LstmShape, xs: Float32Array[]): Float32Array[] {
  const out: Float32Array[] = [];
  tf.tidy(() => {
    const layout = paramLayout(shape);
    const p: P = Object.fromEntries(layout.entries.map((e) => [e.name, tf.tensor(params.subarray(e.offset, e.offset + e.size), e.shape)]));
    let h = Array.from({ length: shape.layers }, () => tf.zeros([1, shape.hiddenSize]) as tf.Tensor2D);
    let c = h;
    for (const x of xs) {
      [h, c] = lstmStep(p, shape, tf.tensor2d(x, [1, x.length]), h, c);
      const logits = tf.add(tf.matMul(h[shape.layers - 1], p['out.weight'] as tf.Tensor2D, false, true), p['out.bias']);
      out.push(tf.softmax(logits).dataSync() as Float32Array);
    }
  });
  return out;
}
