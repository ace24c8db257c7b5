import { ConfigError, InputError } from '../../errors.ts';
import { allocFloats, freeFloats } from '../kernels/alloc-floats.ts';
import { kernelsFor } from '../kernels/kernels-for.ts';
import { stageInArena } from '../kernels/stage-in-arena.ts';
import type { LstmShape } from '../lstm-shape.ts';
import { paramOffsets, type ParamOffsets } from '../math-param-offsets.ts';
import type { StepCache } from '../step-cache.ts';
import { cellSlopes, SLOPE, SLOPES } from './cell-slopes.ts';
import type { ForwardGradient } from './forward-gradient.ts';

/** A frame is 10 ms of audio: a method slower than this per frame cannot keep up with a live stream. */
export const REAL_TIME_MS_PER_STEP = 10;

/**
 * The largest hidden size for which one exact RTRL step (propagate + accumulate) stays under
 * {@link REAL_TIME_MS_PER_STEP}, measured on the development machine (2 cores shared with other
 * jobs, load 5–11; wasm SIMD kernels, 26 inputs, 61 outputs; `npm run bench:algorithms --`,
 * fastest of 4–6 runs). Wall-clock ms per step over two sessions, and the CPU ms of the later one:
 *   1 layer:  H 24: 2.0–3.2 (CPU 1.5), 28: 4.0–5.8 (2.9), 32: 4.4–11.1 (3.7), 36: 10.2–14.2 (6.5),
 *             40: 17.7–28 (10.8)
 *   2 layers: H 16: 2.3–3.7 (CPU 1.8), 20: 5.5–6.7 (3.2), 24: 7.0–12.9 (6.2), 28: 17.9–25.3 (12.7)
 * The limit is the largest size never seen above 10 ms wall-clock on this shared machine (on an
 * idle core, where wall ≈ CPU time, about 36 and 24 would fit). The cost grows as H⁴, and worse
 * once the influence matrices leave the cache, so the step from allowed to too slow is sharp.
 *
 * @param layers 1 or 2.
 * @returns the largest allowed hiddenSize.
 *
 * ## Example
 * ```ts
 * rtrlMaxHiddenSize(1); // 28
 * ```
 */
export function rtrlMaxHiddenSize(layers: number): number {
  return layers === 1 ? MAX_HIDDEN_1_LAYER : MAX_HIDDEN_2_LAYERS;
}
const MAX_HIDDEN_1_LAYER = 28;
const MAX_HIDDEN_2_LAYERS = 20;

/** One layer's influence matrices: rows are units, columns the parameters [0, cols). */
interface LayerTraces {
  /** Parameters that can influence this layer: its own and every layer's below (they come first). */
  cols: number;
  /** ∂h_t/∂θ and ∂c_t/∂θ, H × cols row-major, double-buffered: [current, next]. */
  h: [Float32Array, Float32Array];
  c: [Float32Array, Float32Array];
}

/**
 * Exact real-time recurrent learning (Williams & Zipser 1989) for the LSTM classifier, as a
 * {@link ForwardGradient}. It carries the full influence matrix M_t = ∂(h_t, c_t)/∂θ of every LSTM
 * parameter on every unit's state of every layer, forward through each step with the full
 * one-step Jacobian: M_t = J_t M_{t−1} + ∂(h_t, c_t)/∂θ|immediate. Then ∂loss_t/∂θ = dhᵀ·∂h_t/∂θ of
 * the top layer: no backward pass at all, and with frozen weights the sum over an utterance's
 * frames is exactly full BPTT's gradient of the summed loss.
 *
 * Per layer and unit j the step is: dz_q = W_hh[q,j]·∂h_{t−1}/∂θ (+ W_ih[q,j]·∂h^{below}_t/∂θ
 * for an upper layer, whose input is the new h of the layer below) + the row's own immediate term;
 * then ∂c_j = f·∂c_{j,t−1} + Σ_q ∂c/∂z_q·dz_q and ∂h_j = o(1−tanh²c)·∂c_j + ∂h/∂z_o·dz_o. The
 * products W_hh·M are the wasm SIMD `matvecT` kernel, one per gate row: 4H²·P multiply-adds per
 * layer with P ≈ 4H² parameters, O(H⁴) time and O(H³) memory. That is only real time for small
 * networks: the factory refuses a hidden size above {@link rtrlMaxHiddenSize}.
 *
 * @param shape the network's sizes (1 or 2 layers).
 * @returns a fresh method with zero traces (the state of an utterance start).
 *
 * ## Example
 * ```ts
 * const rtrl = createRtrl({ inputSize: 26, hiddenSize: 16, layers: 1, outputSize: 61 });
 * forwardStep(params, shape, x, prev, cache);
 * rtrl.propagate(cache, params);
 * rtrl.accumulate(cache, params, dh, grad);
 * ```
 */
export function createRtrl(shape: LstmShape): ForwardGradient {
  const off = paramOffsets(shape);
  const { hiddenSize: H, layers: L } = shape;
  const limit = rtrlMaxHiddenSize(L);
  if (H > limit) {
    throw new ConfigError(
      `rtrl: hiddenSize ${H} is above ${limit}, the largest for which one exact RTRL step stays under ` +
      `${REAL_TIME_MS_PER_STEP} ms (a frame) with ${L} layer(s): its cost grows as hiddenSize⁴. ` +
      `Use a hidden size ≤ ${limit}, or snap1 or TBPTT for this size.`,
    );
  }
  return new Rtrl(shape, off);
}

/**
 * {@link createRtrl} without the real-time limit: for measuring the cost at any size (the
 * benchmark that sets the limit) and for offline use where time does not matter.
 *
 * @param shape the network's sizes (1 or 2 layers).
 *
 * ## Example
 * ```ts
 * const slow = createRtrlAnySize({ inputSize: 26, hiddenSize: 64, layers: 1, outputSize: 61 });
 * ```
 */
export function createRtrlAnySize(shape: LstmShape): ForwardGradient {
  return new Rtrl(shape, paramOffsets(shape));
}

/** Parameters of layers [0, l]: the columns of layer l's influence matrices. */
const colsUpTo = (off: ParamOffsets, l: number): number => (l + 1 < off.layers.length ? off.layers[l + 1].wIh : off.outW);

/** Floats one RTRL stream holds in the kernel arena: the influence matrices and their scratch. */
export function rtrlFloats(shape: LstmShape): number {
  const off = paramOffsets(shape);
  const { hiddenSize: H, layers: L } = shape;
  let n = 4 * colsUpTo(off, L - 1) + H;
  for (let l = 0; l < L; l++) n += 4 * H * colsUpTo(off, l);
  return n;
}

class Rtrl implements ForwardGradient {
  readonly name = 'rtrl' as const;
  readonly floats: number;
  /** The one arena block every array below is a view of. */
  readonly buf: Float32Array;
  private readonly layers: LayerTraces[] = [];
  /** dz of one unit's four gate rows, each over the top layer's columns. */
  private readonly dz: Float32Array;
  /** The caller's dh, copied in so the kernels read it in the arena. */
  private readonly dh: Float32Array;
  private readonly slopes = new Float64Array(SLOPES);
  private cur = 0;
  private disposed = false;

  constructor(readonly shape: LstmShape, private readonly off: ParamOffsets) {
    const { hiddenSize: H, layers: L } = shape;
    const n = rtrlFloats(shape);
    this.floats = n;
    this.buf = allocFloats(n);
    let at = 0;
    const take = (k: number): Float32Array => this.buf.subarray(at, (at += k));
    for (let l = 0; l < L; l++) {
      const cols = colsUpTo(off, l);
      this.layers.push({ cols, h: [take(H * cols), take(H * cols)], c: [take(H * cols), take(H * cols)] });
    }
    this.dz = take(4 * colsUpTo(off, L - 1));
    this.dh = take(H);
  }

  propagate(cache: StepCache, params: Float32Array): void {
    this.check(params);
    const { inputSize: I, hiddenSize: H, layers: L } = this.shape;
    const p = stageInArena(params, 0);
    const K = kernelsFor(p, this.buf);
    const cur = this.cur;
    const nxt = 1 - cur;
    const dz = this.dz;
    const s = this.slopes;
    for (let l = 0; l < L; l++) {
      const o = this.off.layers[l];
      const { cols, h, c } = this.layers[l];
      const inK = l === 0 ? I : H;
      const input = l === 0 ? cache.x : cache.h[l - 1];
      const hPrev = cache.hPrev[l];
      for (let j = 0; j < H; j++) {
        for (let q = 0; q < 4; q++) {
          const r = q * H + j;
          const dq = q * cols;
          // Through the recurrence: row r of W_hh times the old ∂h/∂θ (every parameter so far).
          K.matvecT(h[cur], 0, H, cols, p, o.wHh + r * H, dz, dq, false);
          // An upper layer's input is the new h of the layer below, which its parameters moved.
          if (l > 0) K.matvecT(this.layers[l - 1].h[nxt], 0, H, this.layers[l - 1].cols, p, o.wIh + r * inK, dz, dq, true);
          // The row's own parameters move z_r directly: by the input, h_{t−1}, and 1 for the biases.
          const wi = dq + o.wIh + r * inK;
          for (let k = 0; k < inK; k++) dz[wi + k] += input[k];
          const wh = dq + o.wHh + r * H;
          for (let k = 0; k < H; k++) dz[wh + k] += hPrev[k];
          dz[dq + o.bIh + r] += 1;
          dz[dq + o.bHh + r] += 1;
        }
        // The unit's cell and output through its gates: the chain rule of c_t = f c + i g, h = o tanh c.
        cellSlopes(cache, l, j, s);
        const cc = s[SLOPE.cc], ci = s[SLOPE.ci], cf = s[SLOPE.cf], cg = s[SLOPE.cg];
        const hc = s[SLOPE.hc], ho = s[SLOPE.ho];
        const cOld = c[cur], cNew = c[nxt], hNew = h[nxt];
        const row = j * cols;
        for (let k = 0; k < cols; k++) {
          const dc = cc * cOld[row + k] + ci * dz[k] + cf * dz[cols + k] + cg * dz[2 * cols + k];
          cNew[row + k] = dc;
          hNew[row + k] = hc * dc + ho * dz[3 * cols + k];
        }
      }
    }
    this.cur = nxt;
  }

  accumulate(cache: StepCache, params: Float32Array, dh: Float32Array, grad: Float32Array): void {
    this.check(params);
    const { hiddenSize: H, layers: L } = this.shape;
    if (dh.length !== H) throw new InputError('rtrl dh', `expected ${H} floats, got ${dh.length}`);
    if (grad.length !== this.off.total) throw new InputError('rtrl grad', `expected ${this.off.total} floats, got ${grad.length}`);
    this.dh.set(dh);
    // The top layer's ∂h/∂θ already holds every layer's parameters: nothing to backpropagate.
    const top = this.layers[L - 1];
    const g = stageInArena(grad, 2);
    const K = kernelsFor(g, this.buf);
    K.matvecT(top.h[this.cur], 0, H, top.cols, this.dh, 0, g, 0, true);
    if (g !== grad) grad.set(g);
  }

  reset(): void {
    this.buf.fill(0);
    this.cur = 0;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    freeFloats(this.buf);
  }

  private check(params: Float32Array): void {
    if (this.disposed) throw new InputError('rtrl', 'used after dispose()');
    if (params.length !== this.off.total) {
      throw new InputError('rtrl params', `expected ${this.off.total} floats for this shape, got ${params.length}`);
    }
  }
}
