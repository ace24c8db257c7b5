import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { LstmShape } from '../../src/learner/lstm-shape.ts';
import { initParams } from '../../src/learner/init-params.ts';
import { paramLayout } from '../../src/learner/param-layout.ts';
import { mulberry32 } from '../../src/learner/math-mulberry32.ts';
import { oursPerChunk, randomSequence } from './unrolled-reference.ts';

/**
 * A float64 forward pass written independently here (plain arrays, no shared code), giving the
 * truncated chunk loss as a function of the parameters: the state entering step w is computed with
 * the BASE parameters and held constant, steps before w use base-parameter hidden states.
 */
function truncatedLoss(
  p: Float64Array, base: Float64Array, shape: LstmShape, xs: Float32Array[], targets: Int32Array,
  b: number, e: number, w: number,
): number {
  const { inputSize: I, hiddenSize: H, layers: L, outputSize: O } = shape;
  const at = Object.fromEntries(paramLayout(shape).entries.map((en) => [en.name, en.offset]));
  const sig = (z: number) => 1 / (1 + Math.exp(-z));
  const step = (q: Float64Array, x: ArrayLike<number>, h: number[][], c: number[][]): [number[][], number[][]] => {
    const nh: number[][] = [];
    const nc: number[][] = [];
    let input: ArrayLike<number> = x;
    for (let l = 0; l < L; l++) {
      const inK = l === 0 ? I : H;
      const z = new Array<number>(4 * H);
      for (let r = 0; r < 4 * H; r++) {
        let s = q[at[`bias_ih_l${l}`] + r] + q[at[`bias_hh_l${l}`] + r];
        for (let k = 0; k < inK; k++) s += q[at[`weight_ih_l${l}`] + r * inK + k] * input[k];
        for (let k = 0; k < H; k++) s += q[at[`weight_hh_l${l}`] + r * H + k] * h[l][k];
        z[r] = s;
      }
      const cl: number[] = [];
      const hl: number[] = [];
      for (let j = 0; j < H; j++) {
        cl.push(sig(z[H + j]) * c[l][j] + sig(z[j]) * Math.tanh(z[2 * H + j]));
        hl.push(sig(z[3 * H + j]) * Math.tanh(cl[j]));
      }
      nh.push(hl);
      nc.push(cl);
      input = hl;
    }
    return [nh, nc];
  };
  const ce = (q: Float64Array, h: number[], y: number): number => {
    const z = Array.from({ length: O }, (_, k) => {
      let s = q[at['out.bias'] + k];
      for (let j = 0; j < H; j++) s += q[at['out.weight'] + k * H + j] * h[j];
      return s;
    });
    const m = Math.max(...z);
    return Math.log(z.reduce((a, v) => a + Math.exp(v - m), 0)) - (z[y] - m);
  };
  const zero = () => Array.from({ length: L }, () => new Array<number>(H).fill(0));
  let h = zero();
  let c = zero();
  const baseTop: number[][] = [];
  for (let t = 0; t < e; t++) {
    if (t === w) break;
    [h, c] = step(base, xs[t], h, c);
    baseTop.push(h[L - 1]);
  }
  let sum = 0;
  let n = 0;
  for (let t = b; t < w; t++) {
    if (targets[t] >= 0) {
      sum += ce(p, baseTop[t], targets[t]);
      n++;
    }
  }
  for (let t = w; t < e; t++) {
    [h, c] = step(p, xs[t], h, c);
    if (t >= b && targets[t] >= 0) {
      sum += ce(p, h[L - 1], targets[t]);
      n++;
    }
  }
  return sum / n;
}

describe('tbpttGradients agrees with central finite differences (float64 forward)', () => {
  // The five configurations the README names: framewise, equal, k2 > k1, k2 < k1, whole utterance.
  const configs: [number, number | 'whole'][] = [[1, 1], [4, 4], [3, 7], [7, 3], [5, 'whole']];
  for (const layers of [1, 2]) {
    const shape: LstmShape = { inputSize: 3, hiddenSize: 4, layers, outputSize: 5 };
    for (const [k1, k2raw] of configs) {
      it(`${layers} layer(s), TBPTT(${k1}, ${k2raw}), 5 parameters of every tensor, every chunk, to 1e-5 relative`, () => {
        const N = 11;
        const k2 = k2raw === 'whole' ? N : k2raw;
        const params = initParams(shape, 11);
        const base = Float64Array.from(params);
        const { xs, targets } = randomSequence(shape, N, mulberry32(42));
        const ours = oursPerChunk(params, shape, xs, targets, k1, k2);
        const rand = mulberry32(9);
        const eps = 1e-5;
        for (const chunk of ours) {
          const w = Math.max(0, chunk.end - k2);
          if (!targets.slice(chunk.start, chunk.end).some((y) => y >= 0)) {
            // An unlabelled chunk has no loss: nothing to differentiate, and the gradient is zero.
            assert.equal(chunk.loss, 0);
            assert.ok(chunk.grad.every((g) => g === 0));
            continue;
          }
          for (const en of paramLayout(shape).entries) {
            let scale = 0;
            for (let i = en.offset; i < en.offset + en.size; i++) scale = Math.max(scale, Math.abs(chunk.grad[i]));
            for (let n = 0; n < 5; n++) {
              const i = en.offset + Math.floor(rand() * en.size);
              const p = Float64Array.from(base);
              p[i] = base[i] + eps;
              const up = truncatedLoss(p, base, shape, xs, targets, chunk.start, chunk.end, w);
              p[i] = base[i] - eps;
              const down = truncatedLoss(p, base, shape, xs, targets, chunk.start, chunk.end, w);
              const fd = (up - down) / (2 * eps);
              // Ours is float32 throughout: 1e-5 of the tensor's largest gradient, plus 1e-7.
              assert.ok(
                Math.abs(chunk.grad[i] - fd) <= 1e-5 * scale + 1e-7,
                `chunk [${chunk.start}, ${chunk.end}) ${en.name}[${i - en.offset}]: ours ${chunk.grad[i]}, finite difference ${fd}`,
              );
            }
          }
          const lossAtBase = truncatedLoss(base, base, shape, xs, targets, chunk.start, chunk.end, w);
          assert.ok(Math.abs(chunk.loss - lossAtBase) <= 1e-5 * lossAtBase, `loss ${chunk.loss} vs ${lossAtBase}`);
        }
      });
    }
  }
});
