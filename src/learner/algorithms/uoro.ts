import { InputError } from '../../errors.ts';
import { allocFloats, freeFloats } from '../kernels/alloc-floats.ts';
import type { LstmShape } from '../lstm-shape.ts';
import { paramOffsets } from '../math-param-offsets.ts';
import { mulberry32 } from '../math-mulberry32.ts';
import type { StepCache } from '../step-cache.ts';
import type { ForwardGradient } from './forward-gradient.ts';
import { fillRandomSigns } from './random-signs.ts';
import { stepParamVjp } from './step-param-vjp.ts';
import { stepTangent } from './step-tangent.ts';

/**
 * The small constant of Tallec & Ollivier's Algorithm 1 in ρ0, ρ1: keeps the scalings finite when
 * a norm is 0 (the first step of an utterance, where s̃ = θ̃ = 0), without changing them otherwise.
 */
export const UORO_EPSILON = 1e-7;

/** The views of a UORO state's single arena block. */
interface UoroBuffers {
  block: Float32Array;
  /** θ̃ and the step's νᵀ∂F/∂θ: P floats each (the LSTM parameters, paramLayout order). */
  thetaTilde: Float32Array;
  deltaTheta: Float32Array;
  /** s̃, J·s̃ and ν: S = 2·H·layers floats each (per layer h then c). */
  sTilde: Float32Array;
  jS: Float32Array;
  nu: Float32Array;
  /** Scratch for the step's gate derivatives (4H) and the gradient into the layer below (H). */
  gatesScratch: Float32Array;
  carry: Float32Array;
}

// Every part rounded up to 4 floats: 16-byte aligned operands for SIMD kernels later.
const r4 = (n: number): number => (n + 3) & ~3;

/**
 * UORO, Unbiased Online Recurrent Optimization (Tallec & Ollivier, ICLR 2018): carries a rank-one
 * estimate s̃ ⊗ θ̃ of the influence matrix ∂s_t/∂θ (s = h and c of every layer, θ every LSTM
 * parameter) whose expectation over the random signs is the exact influence matrix, i.e. RTRL's.
 * Per step, with a fresh ν ∈ {±1}^S (seeded: `seed` makes a run reproducible):
 *   s̃ ← ρ0 · J s̃ + ρ1 · ν,   θ̃ ← θ̃ / ρ0 + (νᵀ ∂F/∂θ) / ρ1,
 * J s̃ by forward mode ({@link stepTangent}), νᵀ∂F/∂θ exactly by reverse mode within the step
 * ({@link stepParamVjp}), and the variance-minimising scalings
 *   ρ0 = √(‖θ̃‖ / (‖J s̃‖ + ε)) + ε,   ρ1 = √(‖νᵀ∂F/∂θ‖ / (‖ν‖ + ε)) + ε.
 * Unbiased because E[ννᵀ] = I and the cross terms are odd in ν (ρ1 depends on ν only through a
 * norm, the same for ν and −ν). The frame's gradient estimate is (∂loss/∂s · s̃) θ̃, where
 * ∂loss/∂s is `dh` in the top layer's h and 0 elsewhere (the loss reads h_top only; the lower
 * layers' part of the same step is inside F and so inside s̃ ⊗ θ̃).
 *
 * Memory: 2P + 3S + 5H floats (P LSTM parameters, S = 2·H·layers) in the kernel arena.
 *
 * @param shape the network's sizes (1 or 2 layers).
 * @param seed seeds the signs (mulberry32). `reset()` does not reseed: later utterances get fresh
 *   signs, so their errors do not repeat.
 * @returns the method's state for one stream; `dispose()` gives its arena block back.
 *
 * ## Example
 * ```ts
 * const u = createUoro(shape, 1);
 * forwardStep(params, shape, x, prev, cache);
 * u.propagate(cache, params);
 * u.accumulate(cache, params, dh, grad);   // dh = W_outᵀ(p − onehot(y))
 * ```
 */
export function createUoro(shape: LstmShape, seed: number): ForwardGradient {
  const off = paramOffsets(shape);
  const { hiddenSize: H, layers: L } = shape;
  const P = off.outW;
  const S = 2 * H * L;
  const rand = mulberry32(seed);
  let bufs: UoroBuffers | undefined = createBuffers(P, S, H);
  const live = (): UoroBuffers => {
    if (bufs === undefined) throw new InputError('UORO', 'used after dispose()');
    return bufs;
  };
  return {
    name: 'uoro',
    shape,
    floats: bufs.block.length,
    propagate(cache, params) {
      if (params.length !== off.total) throw new InputError('UORO params', `expected ${off.total} floats for this shape, got ${params.length}`);
      const b = live();
      fillRandomSigns(rand, b.nu);
      stepTangent(params, shape, cache, b.sTilde, b.jS, b.gatesScratch);
      stepParamVjp(params, shape, cache, b.nu, b.deltaTheta, b.gatesScratch, b.carry);
      const rho0 = Math.sqrt(norm(b.thetaTilde) / (norm(b.jS) + UORO_EPSILON)) + UORO_EPSILON;
      const rho1 = Math.sqrt(norm(b.deltaTheta) / (Math.sqrt(S) + UORO_EPSILON)) + UORO_EPSILON;
      combine(b.sTilde, rho0, b.jS, rho1, b.nu);
      combine(b.thetaTilde, 1 / rho0, b.thetaTilde, 1 / rho1, b.deltaTheta);
    },
    accumulate(_cache, _params, dh, grad) {
      if (dh.length !== H) throw new InputError('UORO dh', `expected ${H} floats (∂loss/∂h), got ${dh.length}`);
      if (grad.length !== off.total) throw new InputError('UORO grad', `expected ${off.total} floats for this shape, got ${grad.length}`);
      const b = live();
      // ∂loss/∂s · s̃: only the top layer's h slot of the state is read by the loss.
      const top = 2 * H * (L - 1);
      let c = 0;
      for (let j = 0; j < H; j++) c += dh[j] * b.sTilde[top + j];
      const tt = b.thetaTilde;
      for (let k = 0; k < P; k++) grad[k] += c * tt[k];
    },
    reset() {
      // A new utterance starts from the zero state, which no parameter influences: s̃ = θ̃ = 0.
      const b = live();
      b.thetaTilde.fill(0);
      b.sTilde.fill(0);
    },
    dispose() {
      if (bufs !== undefined) freeFloats(bufs.block);
      bufs = undefined;
    },
  };
}

function createBuffers(P: number, S: number, H: number): UoroBuffers {
  const block = allocFloats(2 * r4(P) + 3 * r4(S) + 4 * H + r4(H));
  let at = 0;
  const take = (n: number): Float32Array => {
    const v = block.subarray(at, at + n);
    at += r4(n);
    return v;
  };
  return {
    block,
    thetaTilde: take(P),
    deltaTheta: take(P),
    sTilde: take(S),
    jS: take(S),
    nu: take(S),
    gatesScratch: take(4 * H),
    carry: take(H),
  };
}

/** Euclidean norm, summed in float64. */
function norm(v: Float32Array): number {
  let s = 0;
  for (let k = 0; k < v.length; k++) s += v[k] * v[k];
  return Math.sqrt(s);
}

/** out = a·u + b·v, elementwise (out may alias u or v). */
function combine(out: Float32Array, a: number, u: Float32Array, b: number, v: Float32Array): void {
  for (let k = 0; k < out.length; k++) out[k] = a * u[k] + b * v[k];
}
