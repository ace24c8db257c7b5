/**
 * Test helpers for RTRL and SnAp-1 (beside forward-gradient-helpers.ts, whose driver and BPTT they
 * re-export): the worst per-tensor error, a diagonal-recurrence net, and an independent float64
 * SnAp-1 reference written straight from the definition (dense influence matrices, masked after
 * every step). Not a test file itself.
 */
import type { ForwardGradient } from '../../../src/learner/algorithms/forward-gradient.ts';
import { allocFloats } from '../../../src/learner/kernels/alloc-floats.ts';
import { forwardSequence } from '../../../src/learner/forward-sequence.ts';
import { forwardStep } from '../../../src/learner/forward-step.ts';
import type { LstmShape } from '../../../src/learner/lstm-shape.ts';
import { zeroState, type LstmState } from '../../../src/learner/lstm-state.ts';
import { paramOffsets } from '../../../src/learner/math-param-offsets.ts';
import { paramLayout } from '../../../src/learner/param-layout.ts';
import { createStepCache, stateAfter, type StepCache } from '../../../src/learner/step-cache.ts';
import { tbpttGradients } from '../../../src/learner/tbptt-gradients.ts';

export { bpttSum as bpttSummed, readoutDh, runUtterance } from './forward-gradient-helpers.ts';

/**
 * The worst LSTM tensor's max |a − b| / max |b| (the readout's tensors are the caller's, not the
 * method's, so they are skipped), with its name.
 */
export function worstLstmError(shape: LstmShape, a: ArrayLike<number>, b: ArrayLike<number>): { err: number; name: string } {
  let worst = { err: 0, name: '' };
  for (const e of paramLayout(shape).entries) {
    if (e.name.startsWith('out.')) continue;
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

/** Zeroes every off-diagonal entry of each gate block of every weight_hh, in place. */
export function diagonalRecurrence(params: Float32Array, shape: LstmShape): Float32Array {
  const H = shape.hiddenSize;
  for (const o of paramOffsets(shape).layers) {
    for (let r = 0; r < 4 * H; r++) {
      for (let k = 0; k < H; k++) if (k !== r % H) params[o.wHh + r * H + k] = 0;
    }
  }
  return params;
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** One layer's float64 forward step; returns the activated gates, c and h. */
function layerStep(
  params: Float32Array, wIh: number, wHh: number, bIh: number, bHh: number,
  input: Float64Array, inK: number, hPrev: Float64Array, cPrev: Float64Array, H: number,
): { a: Float64Array; c: Float64Array; h: Float64Array } {
  const a = new Float64Array(4 * H);
  for (let r = 0; r < 4 * H; r++) {
    let z = params[bIh + r] + params[bHh + r];
    for (let k = 0; k < inK; k++) z += params[wIh + r * inK + k] * input[k];
    for (let k = 0; k < H; k++) z += params[wHh + r * H + k] * hPrev[k];
    a[r] = r >= 2 * H && r < 3 * H ? Math.tanh(z) : sigmoid(z);
  }
  const c = new Float64Array(H);
  const h = new Float64Array(H);
  for (let j = 0; j < H; j++) {
    c[j] = a[H + j] * cPrev[j] + a[j] * a[2 * H + j];
    h[j] = a[3 * H + j] * Math.tanh(c[j]);
  }
  return { a, c, h };
}

/**
 * SnAp-1 from its definition, in float64: per layer, the dense influence matrices ∂h/∂θ, ∂c/∂θ
 * (H × the layer's parameters) go through the exact one-step recursion M_t = J_t M_{t−1} + I_t (the
 * layer's input taken as constant), and then every entry outside the SnAp-1 pattern (unit j, a
 * parameter of a row other than q·H + j) is set to zero. With `mask` false and one layer, that is
 * exact RTRL. The gradient of a labelled frame: dh_top = W_outᵀ(p − y); for two layers dh_0 =
 * W_ih1ᵀ dz_1, dz_1 the top cell's backward with dc = 0; grad_l += Σ_j dh_l[j]·∂h_j/∂θ.
 */
export function snap1Reference(
  params: Float32Array, shape: LstmShape, xs: Float32Array[], targets: Int32Array, mask = true,
): Float64Array {
  const { inputSize: I, hiddenSize: H, layers: L, outputSize: O } = shape;
  const off = paramOffsets(shape);
  const grad = new Float64Array(off.total);
  const starts = off.layers.map((o) => o.wIh);
  const ends = off.layers.map((_, l) => (l + 1 < L ? off.layers[l + 1].wIh : off.outW));
  const sizes = starts.map((s, l) => ends[l] - s);
  let Mh: Float64Array[][] = sizes.map((n) => Array.from({ length: H }, () => new Float64Array(n)));
  let Mc: Float64Array[][] = sizes.map((n) => Array.from({ length: H }, () => new Float64Array(n)));
  let h: Float64Array[] = Array.from({ length: L }, () => new Float64Array(H));
  let c: Float64Array[] = Array.from({ length: L }, () => new Float64Array(H));
  for (let t = 0; t < xs.length; t++) {
    const nh: Float64Array[] = [];
    const nc: Float64Array[] = [];
    const acts: Float64Array[] = [];
    const nMh: Float64Array[][] = [];
    const nMc: Float64Array[][] = [];
    for (let l = 0; l < L; l++) {
      const o = off.layers[l];
      const inK = l === 0 ? I : H;
      const input = l === 0 ? Float64Array.from(xs[t]) : nh[l - 1];
      const { a, c: cl, h: hl } = layerStep(params, o.wIh, o.wHh, o.bIh, o.bHh, input, inK, h[l], c[l], H);
      nh.push(hl);
      nc.push(cl);
      acts.push(a);
      const n = sizes[l];
      const s0 = starts[l];
      // dZ = W_hh · Mh_{t−1} + I (row r's own parameters: input, h_{t−1}, 1, 1).
      const dZ = Array.from({ length: 4 * H }, (_, r) => {
        const d = new Float64Array(n);
        for (let k = 0; k < H; k++) {
          const w = params[o.wHh + r * H + k];
          for (let m = 0; m < n; m++) d[m] += w * Mh[l][k][m];
        }
        for (let k = 0; k < inK; k++) d[o.wIh + r * inK + k - s0] += input[k];
        for (let k = 0; k < H; k++) d[o.wHh + r * H + k - s0] += h[l][k];
        d[o.bIh + r - s0] += 1;
        d[o.bHh + r - s0] += 1;
        return d;
      });
      const rowOf = (m: number): number => {
        const p = m + s0;
        if (p < o.wHh) return Math.floor((p - o.wIh) / inK);
        if (p < o.bIh) return Math.floor((p - o.wHh) / H);
        if (p < o.bHh) return p - o.bIh;
        return p - o.bHh;
      };
      const mh: Float64Array[] = [];
      const mc: Float64Array[] = [];
      for (let j = 0; j < H; j++) {
        const [ig, fg, gg, og] = [a[j], a[H + j], a[2 * H + j], a[3 * H + j]];
        const tc = Math.tanh(cl[j]);
        const rowC = new Float64Array(n);
        const rowH = new Float64Array(n);
        for (let m = 0; m < n; m++) {
          const dc = fg * Mc[l][j][m] + c[l][j] * fg * (1 - fg) * dZ[H + j][m] + gg * ig * (1 - ig) * dZ[j][m] + ig * (1 - gg * gg) * dZ[2 * H + j][m];
          rowC[m] = dc;
          rowH[m] = og * (1 - tc * tc) * dc + tc * og * (1 - og) * dZ[3 * H + j][m];
          if (mask && rowOf(m) % H !== j) {
            rowC[m] = 0;
            rowH[m] = 0;
          }
        }
        mh.push(rowH);
        mc.push(rowC);
      }
      nMh.push(mh);
      nMc.push(mc);
    }
    const cPrev = c;
    Mh = nMh;
    Mc = nMc;
    h = nh;
    c = nc;
    const y = targets[t];
    if (y < 0) continue;
    // Readout, in float64: p = softmax(W_out h_top + b_out), dh_top = W_outᵀ(p − onehot).
    const top = h[L - 1];
    const logits = Array.from({ length: O }, (_, m) => {
      let z = params[off.outB + m];
      for (let k = 0; k < H; k++) z += params[off.outW + m * H + k] * top[k];
      return z;
    });
    const max = Math.max(...logits);
    const e = logits.map((z) => Math.exp(z - max));
    const sum = e.reduce((x, v) => x + v, 0);
    const dhs: Float64Array[] = new Array(L);
    dhs[L - 1] = new Float64Array(H);
    for (let k = 0; k < H; k++) {
      for (let m = 0; m < O; m++) dhs[L - 1][k] += params[off.outW + m * H + k] * (e[m] / sum - (m === y ? 1 : 0));
    }
    for (let l = L - 1; l > 0; l--) {
      const a = acts[l];
      const dz = new Float64Array(4 * H);
      for (let j = 0; j < H; j++) {
        const tc = Math.tanh(c[l][j]);
        const dc = dhs[l][j] * a[3 * H + j] * (1 - tc * tc);
        dz[j] = dc * a[2 * H + j] * a[j] * (1 - a[j]);
        dz[H + j] = dc * cPrev[l][j] * a[H + j] * (1 - a[H + j]);
        dz[2 * H + j] = dc * a[j] * (1 - a[2 * H + j] ** 2);
        dz[3 * H + j] = dhs[l][j] * tc * a[3 * H + j] * (1 - a[3 * H + j]);
      }
      dhs[l - 1] = new Float64Array(H);
      for (let r = 0; r < 4 * H; r++) {
        for (let k = 0; k < H; k++) dhs[l - 1][k] += params[off.layers[l].wIh + r * H + k] * dz[r];
      }
    }
    for (let l = 0; l < L; l++) {
      for (let j = 0; j < H; j++) {
        for (let m = 0; m < sizes[l]; m++) grad[starts[l] + m] += dhs[l][j] * Mh[l][j][m];
      }
    }
  }
  return grad;
}
