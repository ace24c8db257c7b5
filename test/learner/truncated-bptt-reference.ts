/**
 * Test helper: an independent float64 reference for TBPTT's chunk gradients under either
 * truncation, written plainly (one BPTT per labelled frame, nothing shared with the kernels). Not a
 * test file itself.
 */
import type { LstmShape } from '../../src/learner/lstm-shape.ts';
import { paramOffsets } from '../../src/learner/math-param-offsets.ts';

/**
 * The earliest step frame f's loss flows back to through the recurrence (the state entering it is
 * a constant), for frame f of the chunk [start, end); a value above f means the loss reaches the
 * output layer only.
 */
export type Truncation = (f: number, start: number, end: number) => number;

/** `per-frame`: k2 steps ending at the frame, wherever it is in the chunk. */
export const perFrame = (k2: number): Truncation => (f) => Math.max(0, f - k2 + 1);

/** `window`: the last k2 steps of the chunk's window max(chunk, k2), for every frame of the chunk. */
export const windowed = (k2: number): Truncation => (_f, _start, end) => Math.max(0, end - k2);

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

interface Step {
  x: Float64Array;
  hPrev: Float64Array[];
  cPrev: Float64Array[];
  /** Activated gates i, f, g, o. */
  gates: Float64Array[];
  tanhC: Float64Array[];
  h: Float64Array[];
  probs: Float64Array;
}

/** Forward from a zero state, in float64. */
function forward(params: Float32Array, shape: LstmShape, xs: Float32Array[]): Step[] {
  const { inputSize: I, hiddenSize: H, layers: L, outputSize: O } = shape;
  const off = paramOffsets(shape);
  let h: Float64Array[] = Array.from({ length: L }, () => new Float64Array(H));
  let c: Float64Array[] = Array.from({ length: L }, () => new Float64Array(H));
  return xs.map((x32) => {
    const x = Float64Array.from(x32);
    const step: Step = { x, hPrev: h, cPrev: c, gates: [], tanhC: [], h: [], probs: new Float64Array(O) };
    const hNew: Float64Array[] = [];
    const cNew: Float64Array[] = [];
    let input = x;
    for (let l = 0; l < L; l++) {
      const o = off.layers[l];
      const K = l === 0 ? I : H;
      const gates = new Float64Array(4 * H);
      for (let r = 0; r < 4 * H; r++) {
        let z = params[o.bIh + r] + params[o.bHh + r];
        for (let k = 0; k < K; k++) z += params[o.wIh + r * K + k] * input[k];
        for (let k = 0; k < H; k++) z += params[o.wHh + r * H + k] * h[l][k];
        gates[r] = r >= 2 * H && r < 3 * H ? Math.tanh(z) : sigmoid(z);
      }
      const cl = new Float64Array(H);
      const tl = new Float64Array(H);
      const hl = new Float64Array(H);
      for (let j = 0; j < H; j++) {
        cl[j] = gates[H + j] * c[l][j] + gates[j] * gates[2 * H + j];
        tl[j] = Math.tanh(cl[j]);
        hl[j] = gates[3 * H + j] * tl[j];
      }
      step.gates.push(gates);
      step.tanhC.push(tl);
      step.h.push(hl);
      hNew.push(hl);
      cNew.push(cl);
      input = hl;
    }
    const logits = new Float64Array(O);
    for (let k = 0; k < O; k++) {
      logits[k] = params[off.outB + k];
      for (let j = 0; j < H; j++) logits[k] += params[off.outW + k * H + j] * input[j];
    }
    const max = Math.max(...logits);
    let sum = 0;
    for (let k = 0; k < O; k++) sum += Math.exp(logits[k] - max);
    for (let k = 0; k < O; k++) step.probs[k] = Math.exp(logits[k] - max) / sum;
    h = hNew;
    c = cNew;
    return step;
  });
}

/** Adds frame f's cross-entropy gradient, its recurrence stopped below step `lowest`, to `grad`. */
function addFrameGradient(
  params: Float32Array, shape: LstmShape, steps: Step[], f: number, y: number, lowest: number, grad: Float64Array,
): void {
  const { inputSize: I, hiddenSize: H, layers: L, outputSize: O } = shape;
  const off = paramOffsets(shape);
  const top = steps[f].h[L - 1];
  const dlogits = Float64Array.from(steps[f].probs);
  dlogits[y] -= 1;
  const dhTop = new Float64Array(H);
  for (let k = 0; k < O; k++) {
    grad[off.outB + k] += dlogits[k];
    for (let j = 0; j < H; j++) {
      grad[off.outW + k * H + j] += dlogits[k] * top[j];
      dhTop[j] += params[off.outW + k * H + j] * dlogits[k];
    }
  }
  const dh = Array.from({ length: L }, () => new Float64Array(H));
  const dc = Array.from({ length: L }, () => new Float64Array(H));
  for (let t = f; t >= lowest; t--) {
    const s = steps[t];
    let dIn = t === f ? dhTop : new Float64Array(H);
    for (let l = L - 1; l >= 0; l--) {
      const o = off.layers[l];
      const K = l === 0 ? I : H;
      const input = l === 0 ? s.x : s.h[l - 1];
      const g = s.gates[l];
      const dz = new Float64Array(4 * H);
      for (let j = 0; j < H; j++) {
        const dhj = dIn[j] + dh[l][j];
        const [i, fg, gg, og, tc] = [g[j], g[H + j], g[2 * H + j], g[3 * H + j], s.tanhC[l][j]];
        const dcj = dc[l][j] + dhj * og * (1 - tc * tc);
        dz[j] = dcj * gg * i * (1 - i);
        dz[H + j] = dcj * s.cPrev[l][j] * fg * (1 - fg);
        dz[2 * H + j] = dcj * i * (1 - gg * gg);
        dz[3 * H + j] = dhj * tc * og * (1 - og);
        dc[l][j] = dcj * fg;
      }
      const dBelow = new Float64Array(K);
      dh[l] = new Float64Array(H);
      for (let r = 0; r < 4 * H; r++) {
        grad[o.bIh + r] += dz[r];
        grad[o.bHh + r] += dz[r];
        for (let k = 0; k < K; k++) {
          grad[o.wIh + r * K + k] += dz[r] * input[k];
          dBelow[k] += params[o.wIh + r * K + k] * dz[r];
        }
        for (let k = 0; k < H; k++) {
          grad[o.wHh + r * H + k] += dz[r] * s.hPrev[l][k];
          dh[l][k] += params[o.wHh + r * H + k] * dz[r];
        }
      }
      dIn = dBelow;
    }
  }
}

/**
 * Every labelled chunk's gradient (the mean over its labelled frames of each frame's own truncated
 * BPTT) for one utterance with fixed parameters, from a zero state: chunks of k1 steps and the
 * partial last one, as a stream closes them.
 *
 * @param targets class per step, −1 for none (delay already applied, padding steps included).
 *
 * ## Example
 * ```ts
 * const grads = truncatedBpttReference(params, shape, xs, targets, 20, perFrame(5));
 * ```
 */
export function truncatedBpttReference(
  params: Float32Array, shape: LstmShape, xs: Float32Array[], targets: Int32Array, k1: number, truncation: Truncation,
): Float64Array[] {
  const steps = forward(params, shape, xs);
  const out: Float64Array[] = [];
  for (let start = 0; start < xs.length; start += k1) {
    const end = Math.min(xs.length, start + k1);
    const grad = new Float64Array(params.length);
    let labelled = 0;
    for (let f = start; f < end; f++) {
      if (targets[f] < 0) continue;
      labelled++;
      addFrameGradient(params, shape, steps, f, targets[f], truncation(f, start, end), grad);
    }
    if (labelled === 0) continue;
    for (let i = 0; i < grad.length; i++) grad[i] /= labelled;
    out.push(grad);
  }
  return out;
}
