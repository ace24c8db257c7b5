import type { LstmShape } from '../../../src/learner/lstm-shape.ts';
import { paramLayout } from '../../../src/learner/param-layout.ts';

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/**
 * e-prop's summed gradient for a 1-layer LSTM, in float64, straight from the definition and
 * sharing no code with src/learner/algorithms/eprop.ts: its own forward pass, readout, and one
 * eligibility vector per parameter (a Map from the parameter's flat index), updated
 * ε ← f_j ε + ∂c_j/∂θ and read out as e = ∂h_j/∂c_j ε (i, f, g rows) or e = ∂h_j/∂θ (o rows).
 */
export function epropReference(params: Float32Array, shape: LstmShape, xs: Float32Array[], targets: Int32Array): Float64Array {
  const { inputSize: I, hiddenSize: H, outputSize: O } = shape;
  const layout = paramLayout(shape);
  const at = (name: string): number => layout.entries.find((e) => e.name === name)!.offset;
  const wIh = at('weight_ih_l0');
  const wHh = at('weight_hh_l0');
  const bIh = at('bias_ih_l0');
  const bHh = at('bias_hh_l0');
  const outW = at('out.weight');
  const outB = at('out.bias');
  const grad = new Float64Array(layout.total);
  // eps[r][k]: row r in [0, 3H), column k over (x: I, h_{t−1}: H, bias: 1).
  const eps = Array.from({ length: 3 * H }, () => new Float64Array(I + H + 1));
  let h = new Float64Array(H);
  let c = new Float64Array(H);
  for (let t = 0; t < xs.length; t++) {
    const input = [...Array.from(xs[t]), ...Array.from(h), 1];
    const act = new Float64Array(4 * H);
    for (let r = 0; r < 4 * H; r++) {
      let z = params[bIh + r] + params[bHh + r];
      for (let k = 0; k < I; k++) z += params[wIh + r * I + k] * xs[t][k];
      for (let k = 0; k < H; k++) z += params[wHh + r * H + k] * h[k];
      act[r] = r >= 2 * H && r < 3 * H ? Math.tanh(z) : sigmoid(z);
    }
    const cNew = new Float64Array(H);
    const hNew = new Float64Array(H);
    for (let j = 0; j < H; j++) {
      const [ig, fg, gg, og] = [act[j], act[H + j], act[2 * H + j], act[3 * H + j]];
      cNew[j] = fg * c[j] + ig * gg;
      hNew[j] = og * Math.tanh(cNew[j]);
      // ∂c_j/∂(pre-activation of row q of unit j), at fixed inputs.
      const dcdz = [gg * ig * (1 - ig), c[j] * fg * (1 - fg), ig * (1 - gg * gg)];
      for (let q = 0; q < 3; q++) {
        const e = eps[q * H + j];
        for (let k = 0; k < input.length; k++) e[k] = fg * e[k] + dcdz[q] * input[k];
      }
    }
    if (targets[t] >= 0) {
      // Learning signal L = W_outᵀ(p − onehot(y)).
      const logits = Array.from({ length: O }, (_, k) => {
        let s = params[outB + k];
        for (let j = 0; j < H; j++) s += params[outW + k * H + j] * hNew[j];
        return s;
      });
      const m = Math.max(...logits);
      const ex = logits.map((l) => Math.exp(l - m));
      const sum = ex.reduce((a, b) => a + b, 0);
      const L = new Float64Array(H);
      for (let k = 0; k < O; k++) {
        const d = ex[k] / sum - (k === targets[t] ? 1 : 0);
        for (let j = 0; j < H; j++) L[j] += params[outW + k * H + j] * d;
      }
      for (let j = 0; j < H; j++) {
        const tc = Math.tanh(cNew[j]);
        const og = act[3 * H + j];
        for (let q = 0; q < 4; q++) {
          const r = q * H + j;
          // The eligibility trace of each column k of row r.
          const e = (k: number): number => (q < 3 ? og * (1 - tc * tc) * eps[r][k] : tc * og * (1 - og) * input[k]);
          for (let k = 0; k < I; k++) grad[wIh + r * I + k] += L[j] * e(k);
          for (let k = 0; k < H; k++) grad[wHh + r * H + k] += L[j] * e(I + k);
          grad[bIh + r] += L[j] * e(I + H);
          grad[bHh + r] += L[j] * e(I + H);
        }
      }
    }
    h = hNew;
    c = cNew;
  }
  return grad;
}
