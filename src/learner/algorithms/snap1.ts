import { InputError } from '../../errors.ts';
import { allocFloats, freeFloats } from '../kernels/alloc-floats.ts';
import { kernelsFor } from '../kernels/kernels-for.ts';
import { stageInArena } from '../kernels/stage-in-arena.ts';
import type { LstmShape } from '../lstm-shape.ts';
import { paramOffsets, type ParamOffsets } from '../math-param-offsets.ts';
import type { StepCache } from '../step-cache.ts';
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
 * weight_hh is diagonal (units then never influence each other) with one layer. The per-step loops
 * are the kernels `snap1Propagate` and `snap1Accumulate` (wasm SIMD; TypeScript when the arrays
 * are not in the arena): about 0.08 ms per frame at hidden 128, 26 inputs (bench/algorithms.ts).
 *
 * Two layers: each layer keeps its own SnAp-1 traces over its own parameters, the upper layer's
 * input (the lower layer's new h) taken as a constant in its traces. Within a step, dh of the top
 * layer is backpropagated exactly to the lower layer's h, through the top layer's gates and
 * weight_ih_l1 (dh_0 = W_ih1ᵀ dz_1 with dz_1 the top cell's backward at dc = 0), and each layer's
 * gradient is its dh times its own traces. What this drops beyond the one-layer approximation:
 * the lower parameters' influence on the upper layer's state carried across steps (the upper
 * layer's traces hold only its own parameters).
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

/** Floats one SnAp-1 stream holds in the kernel arena: two traces per LSTM parameter, and scratch. */
export function snap1Floats(shape: LstmShape): number {
  const off = paramOffsets(shape);
  const { hiddenSize: H, layers: L } = shape;
  let n = 4 * H + H + L * H;
  for (let l = 0; l < L; l++) n += 2 * (layerEnd(off, l) - off.layers[l].wIh);
  return n;
}

class Snap1 implements ForwardGradient {
  readonly name = 'snap1' as const;
  readonly floats: number;
  /** The one arena block every array below is a view of. */
  readonly buf: Float32Array;
  private readonly layers: LayerTraces[] = [];
  /** Per layer, the gradient of its h this frame (the top's is the caller's dh). */
  private readonly dhLayer: Float32Array[] = [];
  /** An upper layer's pre-activation gradients within the step (4H), for the layer below. */
  private readonly dz: Float32Array;
  /** The cell gradient from the future, which SnAp-1 has none of within a step: zeros. */
  private readonly dc: Float32Array;
  private disposed = false;

  constructor(readonly shape: LstmShape, private readonly off: ParamOffsets) {
    const { hiddenSize: H, layers: L } = shape;
    const n = snap1Floats(shape);
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
    this.dc = take(H);
    for (let l = 0; l < L; l++) this.dhLayer.push(take(H));
  }

  propagate(cache: StepCache, params: Float32Array): void {
    this.check(params);
    const { inputSize: I, hiddenSize: H, layers: L } = this.shape;
    const p = stageInArena(params, 0);
    const K = kernelsFor(p, this.buf, [cache]);
    for (let l = 0; l < L; l++) {
      const { h, c } = this.layers[l];
      const input = l === 0 ? cache.x : cache.h[l - 1];
      // Every trace of the layer through the unit's own 2×2 block (see the kernel for the formulas).
      K.snap1Propagate(h, 0, c, 0, input, 0, l === 0 ? I : H, cache.hPrev[l], 0, cache.gates[l], 0,
        cache.cPrev[l], 0, cache.tanhC[l], 0, p, this.off.layers[l].wHh, H);
    }
  }

  accumulate(cache: StepCache, params: Float32Array, dh: Float32Array, grad: Float32Array): void {
    this.check(params);
    const { inputSize: I, hiddenSize: H, layers: L } = this.shape;
    if (dh.length !== H) throw new InputError('snap1 dh', `expected ${H} floats, got ${dh.length}`);
    if (grad.length !== this.off.total) throw new InputError('snap1 grad', `expected ${this.off.total} floats, got ${grad.length}`);
    const p = stageInArena(params, 0);
    const g = stageInArena(grad, 2);
    const K = kernelsFor(p, g, [this, cache]);
    this.dhLayer[L - 1].set(dh);
    // Down the layers within the step (exact): dh of layer l−1 = W_ih,lᵀ dz_l, dz_l = layer l's
    // cell backward with no gradient from the future (dc = 0).
    for (let l = L - 1; l > 0; l--) {
      this.dc.fill(0);
      K.cellBackward(this.dhLayer[l], 0, this.dc, 0, cache.gates[l], 0, cache.cPrev[l], 0, cache.tanhC[l], 0, this.dz, 0, H);
      K.matvecT(p, this.off.layers[l].wIh, 4 * H, H, this.dz, 0, this.dhLayer[l - 1], 0, false);
    }
    // Each layer's parameters: its dh times its own traces.
    for (let l = 0; l < L; l++) {
      const { start, h } = this.layers[l];
      K.snap1Accumulate(g, start, h, 0, this.dhLayer[l], 0, l === 0 ? I : H, H);
    }
    if (g !== grad) grad.set(g);
  }

  reset(): void {
    this.buf.fill(0);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    freeFloats(this.buf);
  }

  private check(params: Float32Array): void {
    if (this.disposed) throw new InputError('snap1', 'used after dispose()');
    if (params.length !== this.off.total) {
      throw new InputError('snap1 params', `expected ${this.off.total} floats for this shape, got ${params.length}`);
    }
  }
}
