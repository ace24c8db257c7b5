import { InputError } from '../../errors.ts';
import { allocFloats, freeFloats } from '../kernels/alloc-floats.ts';
import type { LstmShape } from '../lstm-shape.ts';
import { paramOffsets, type ParamOffsets } from '../math-param-offsets.ts';
import type { StepCache } from '../step-cache.ts';
import { cellSlopes, SLOPE, SLOPES } from './cell-slopes.ts';
import type { ForwardGradient } from './forward-gradient.ts';

/** One layer's SnAp-1 traces, indexed like that layer's slice of the parameter vector. */
interface LayerTraces {
  /** Where the layer's parameters start in the flat vector (its weight_ih). */
  start: number;
  /** ∂h_j/∂θ and ∂c_j/∂θ for each parameter θ of the layer, j = θ's own unit. */
  h: Float32Array;
  c: Float32Array;
}

/**
 * SnAp-1 (Menick et al., ICLR 2021, "Practical real time recurrent learning with a sparse
 * approximation") for the LSTM classifier, as a {@link ForwardGradient}. It keeps RTRL's influence
 * matrix only where one step can make it non-zero: a parameter of gate row r = q·H + j (weight_ih,
 * weight_hh or a bias of that row) moves unit j's h and c directly, so each parameter carries two
 * traces, ∂h_j/∂θ and ∂c_j/∂θ, and every other entry is taken as zero. They are propagated with the
 * one-step Jacobian restricted to that pattern, the 2×2 block of unit j on itself:
 *   ∂c_j/∂c_{j,t−1} = f_j,  ∂c_j/∂h_{j,t−1} = Σ_q ∂c/∂z_q·W_hh[qH+j, j]  (the diagonal of W_hh),
 *   ∂h_j/∂(·) = o_j(1−tanh²c_j)·∂c_j/∂(·) + tanh(c_j)·o_j(1−o_j)·W_hh[3H+j, j] for h_{j,t−1},
 * plus the immediate term ∂(h_j, c_j)/∂z_r·u (u the input element, h_{t−1} element or 1 the
 * parameter multiplies). That is O(parameters) time and memory per step, and exact when every
 * weight_hh is diagonal (units then never influence each other) with one layer.
 *
 * Two layers: each layer keeps its own SnAp-1 traces over its own parameters, the upper layer's
 * input (the lower layer's new h) taken as a constant in its traces. Within a step, dh of the top
 * layer is backpropagated exactly to the lower layer's h, through the top layer's gates and
 * weight_ih_l1 (dh_0 = W_ih1ᵀ dz_1 with dz_1 the top cell's backward at dc = 0), and each layer's
 * gradient is its dh times its own traces. Credit reaching the lower layer through the upper
 * layer's past is the part SnAp-1 drops.
 *
 * @param shape the network's sizes (1 or 2 layers).
 * @returns a fresh method with zero traces (the state of an utterance start).
 *
 * ## Example
 * ```ts
 * const snap = createSnap1({ inputSize: 26, hiddenSize: 128, layers: 1, outputSize: 61 });
 * forwardStep(params, shape, x, prev, cache);
 * snap.propagate(cache, params);
 * snap.accumulate(cache, params, dh, grad);
 * ```
 */
export function createSnap1(shape: LstmShape): ForwardGradient {
  return new Snap1(shape, paramOffsets(shape));
}

/** Parameters of layer l: from its weight_ih to the next layer's (or the output layer). */
const layerEnd = (off: ParamOffsets, l: number): number => (l + 1 < off.layers.length ? off.layers[l + 1].wIh : off.outW);

class Snap1 implements ForwardGradient {
  readonly name = 'snap1' as const;
  readonly floats: number;
  /** The one arena block every array below is a view of. */
  readonly buf: Float32Array;
  private readonly layers: LayerTraces[] = [];
  /** Per layer, the gradient of its h this frame (the top's is the caller's dh). */
  private readonly dhLayer: Float32Array[] = [];
  /** The top layer's pre-activation gradients within the step (4H), for a lower layer. */
  private readonly dz: Float32Array;
  private readonly slopes = new Float64Array(SLOPES);
  private disposed = false;

  constructor(readonly shape: LstmShape, private readonly off: ParamOffsets) {
    const { hiddenSize: H, layers: L } = shape;
    let n = 4 * H + L * H;
    for (let l = 0; l < L; l++) n += 2 * (layerEnd(off, l) - off.layers[l].wIh);
    this.floats = n;
    this.buf = allocFloats(n);
    let at = 0;
    const take = (k: number): Float32Array => this.buf.subarray(at, (at += k));
    for (let l = 0; l < L; l++) {
      const start = off.layers[l].wIh;
      const size = layerEnd(off, l) - start;
      this.layers.push({ start, h: take(size), c: take(size) });
    }
    this.dz = take(4 * H);
    for (let l = 0; l < L; l++) this.dhLayer.push(take(H));
  }

  propagate(cache: StepCache, params: Float32Array): void {
    this.check(params);
    const { inputSize: I, hiddenSize: H, layers: L } = this.shape;
    const s = this.slopes;
    for (let l = 0; l < L; l++) {
      const o = this.off.layers[l];
      const { start, h, c } = this.layers[l];
      const inK = l === 0 ? I : H;
      const input = l === 0 ? cache.x : cache.h[l - 1];
      const hPrev = cache.hPrev[l];
      for (let j = 0; j < H; j++) {
        cellSlopes(cache, l, j, s);
        const cc = s[SLOPE.cc], hc = s[SLOPE.hc], ho = s[SLOPE.ho];
        // The unit's own recurrent weights (the diagonal of each gate block of W_hh) carry
        // h_{j,t−1} into its gates: the only way its past reaches its present under SnAp-1.
        const wI = params[o.wHh + j * H + j];
        const wF = params[o.wHh + (H + j) * H + j];
        const wG = params[o.wHh + (2 * H + j) * H + j];
        const wO = params[o.wHh + (3 * H + j) * H + j];
        const ch = s[SLOPE.ci] * wI + s[SLOPE.cf] * wF + s[SLOPE.cg] * wG; // ∂c_j/∂h_{j,t−1}
        const hh = ho * wO; // ∂h_j/∂h_{j,t−1} besides the path through c_j
        for (let q = 0; q < 4; q++) {
          const r = q * H + j;
          // ∂c/∂z_r and the part of ∂h/∂z_r not through c (only the output gate has one).
          const cz = q === 0 ? s[SLOPE.ci] : q === 1 ? s[SLOPE.cf] : q === 2 ? s[SLOPE.cg] : 0;
          const hz = q === 3 ? ho : 0;
          const wi = o.wIh + r * inK - start;
          for (let k = 0; k < inK; k++) stepTrace(h, c, wi + k, input[k], cc, ch, hc, hh, cz, hz);
          const wh = o.wHh + r * H - start;
          for (let k = 0; k < H; k++) stepTrace(h, c, wh + k, hPrev[k], cc, ch, hc, hh, cz, hz);
          stepTrace(h, c, o.bIh + r - start, 1, cc, ch, hc, hh, cz, hz);
          stepTrace(h, c, o.bHh + r - start, 1, cc, ch, hc, hh, cz, hz);
        }
      }
    }
  }

  accumulate(cache: StepCache, params: Float32Array, dh: Float32Array, grad: Float32Array): void {
    this.check(params);
    const { hiddenSize: H, layers: L } = this.shape;
    if (dh.length !== H) throw new InputError('snap1 dh', `expected ${H} floats, got ${dh.length}`);
    if (grad.length !== this.off.total) throw new InputError('snap1 grad', `expected ${this.off.total} floats, got ${grad.length}`);
    this.dhLayer[L - 1].set(dh);
    // Down the layers within the step (exact): dh of layer l−1 = W_ih,lᵀ dz_l, dz_l = layer l's
    // cell backward with no gradient from the future (dc = 0).
    for (let l = L - 1; l > 0; l--) {
      this.cellBackwardAtStep(cache, l, this.dhLayer[l]);
      const below = this.dhLayer[l - 1];
      below.fill(0);
      const wIh = this.off.layers[l].wIh;
      for (let r = 0; r < 4 * H; r++) {
        const d = this.dz[r];
        const row = wIh + r * H;
        for (let k = 0; k < H; k++) below[k] += params[row + k] * d;
      }
    }
    for (let l = 0; l < L; l++) this.addLayerGradient(l, this.dhLayer[l], grad);
  }

  reset(): void {
    this.buf.fill(0);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    freeFloats(this.buf);
  }

  /** this.dz = ∂loss/∂z of layer l's gates at this step, from dh alone. */
  private cellBackwardAtStep(cache: StepCache, l: number, dh: Float32Array): void {
    const H = this.shape.hiddenSize;
    const s = this.slopes;
    for (let j = 0; j < H; j++) {
      cellSlopes(cache, l, j, s);
      const dc = dh[j] * s[SLOPE.hc];
      this.dz[j] = dc * s[SLOPE.ci];
      this.dz[H + j] = dc * s[SLOPE.cf];
      this.dz[2 * H + j] = dc * s[SLOPE.cg];
      this.dz[3 * H + j] = dh[j] * s[SLOPE.ho];
    }
  }

  /** grad[θ] += dh_j·∂h_j/∂θ for every parameter θ of layer l, j its unit. */
  private addLayerGradient(l: number, dh: Float32Array, grad: Float32Array): void {
    const { inputSize: I, hiddenSize: H } = this.shape;
    const o = this.off.layers[l];
    const { start, h } = this.layers[l];
    const inK = l === 0 ? I : H;
    for (let r = 0; r < 4 * H; r++) {
      const d = dh[r % H];
      const wi = o.wIh + r * inK;
      for (let k = 0; k < inK; k++) grad[wi + k] += d * h[wi + k - start];
      const wh = o.wHh + r * H;
      for (let k = 0; k < H; k++) grad[wh + k] += d * h[wh + k - start];
      grad[o.bIh + r] += d * h[o.bIh + r - start];
      grad[o.bHh + r] += d * h[o.bHh + r - start];
    }
  }

  private check(params: Float32Array): void {
    if (this.disposed) throw new InputError('snap1', 'used after dispose()');
    if (params.length !== this.off.total) {
      throw new InputError('snap1 params', `expected ${this.off.total} floats for this shape, got ${params.length}`);
    }
  }
}

/**
 * One parameter's traces through one step, in place:
 *   c' = cc·c + ch·h + cz·u,   h' = hc·c' + hh·h + hz·u
 * with u the value the parameter multiplies (so cz·u, hz·u are the immediate influence).
 */
function stepTrace(
  h: Float32Array, c: Float32Array, i: number, u: number,
  cc: number, ch: number, hc: number, hh: number, cz: number, hz: number,
): void {
  const hOld = h[i];
  const cNew = cc * c[i] + ch * hOld + cz * u;
  c[i] = cNew;
  h[i] = hc * cNew + hh * hOld + hz * u;
}
