import { InputError } from '../../errors.ts';
import { allocFloats, freeFloats } from '../kernels/alloc-floats.ts';
import { kernelsFor } from '../kernels/kernels-for.ts';
import { stageInArena } from '../kernels/stage-in-arena.ts';
import type { LstmShape } from '../lstm-shape.ts';
import { paramOffsets } from '../math-param-offsets.ts';
import { mulberry32 } from '../math-mulberry32.ts';
import type { StepCache } from '../step-cache.ts';
import type { ForwardGradient } from './forward-gradient.ts';
import { fillRandomSigns } from './random-signs.ts';
import { addParamCotangent, stepGateCotangents } from './step-param-vjp.ts';
import { stepTangent } from './step-tangent.ts';

/**
 * The small constant of Tallec & Ollivier's Algorithm 1 in ρ0, ρ1: keeps the scalings finite when
 * a norm is 0 (the first step of an utterance, where s̃ = θ̃ = 0), without changing them otherwise.
 */
export const UORO_EPSILON = 1e-7;

/** The views of a UORO state's single arena block. */
interface UoroBuffers {
  block: Float32Array;
  /** θ̃ = κ·T: T is P floats (the LSTM parameters, paramLayout order); κ is kept beside. */
  scaledTheta: Float32Array;
  /** s̃, J·s̃ and ν: S = 2·H·layers floats each (per layer h then c). */
  sTilde: Float32Array;
  jS: Float32Array;
  nu: Float32Array;
  /** Scratch: the gate cotangents (4H per layer), the gradient into the layer below (H), 1 float. */
  dz: Float32Array;
  carry: Float32Array;
  factor: Float32Array;
}

// Every part rounded up to 4 floats: 16-byte aligned operands for the SIMD kernels.
const r4 = (n: number): number => (n + 3) & ~3;
// κ is folded back into T when it leaves [2⁻³⁰, 2³⁰], far from float32's limits for T.
const KAPPA_MIN = 2 ** -30;
const KAPPA_MAX = 2 ** 30;

/**
 * UORO, Unbiased Online Recurrent Optimization (Tallec & Ollivier, ICLR 2018): carries a rank-one
 * estimate s̃ ⊗ θ̃ of the influence matrix ∂s_t/∂θ (s = h and c of every layer, θ every LSTM
 * parameter) whose expectation over the random signs is the exact influence matrix, i.e. RTRL's.
 * Per step, with a fresh ν ∈ {±1}^S (seeded: `seed` makes a run reproducible):
 *   s̃ ← ρ0 · J s̃ + ρ1 · ν,   θ̃ ← θ̃ / ρ0 + (νᵀ ∂F/∂θ) / ρ1,
 * J s̃ by forward mode ({@link stepTangent}), νᵀ∂F/∂θ exactly by reverse mode within the step
 * ({@link stepGateCotangents}), and the variance-minimising scalings
 *   ρ0 = √(‖θ̃‖ / (‖J s̃‖ + ε)) + ε,   ρ1 = √(‖νᵀ∂F/∂θ‖ / (‖ν‖ + ε)) + ε.
 * Unbiased because E[ννᵀ] = I and the cross terms are odd in ν (ρ1 depends on ν only through a
 * norm, the same for ν and −ν). The frame's gradient estimate is (∂loss/∂s · s̃) θ̃, where
 * ∂loss/∂s is `dh` in the top layer's h and 0 elsewhere (the loss reads h_top only; the lower
 * layers' part of the same step is inside F and so inside s̃ ⊗ θ̃).
 *
 * θ̃ is stored as κ·T with a scalar κ, so the step's θ̃/ρ0 is κ ← κ/ρ0 (no pass over P floats)
 * and the update is one in-place outer-product add into T per tensor (the wasm kernels), never a
 * P-sized νᵀ∂F/∂θ buffer; its norm comes from the gate cotangents alone.
 *
 * Memory: P + 3S + 4H·layers + H floats (P LSTM parameters, S = 2·H·layers) in the kernel arena.
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
  let bufs: UoroBuffers | undefined = createBuffers(P, S, H, L);
  let kappa = 1;
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
      const p = stageInArena(params, 0);
      const K = kernelsFor(p, b.block, [cache]);
      fillRandomSigns(rand, b.nu);
      stepTangent(K, p, shape, cache, b.sTilde, b.jS, b.dz);
      const deltaNorm = Math.sqrt(stepGateCotangents(K, p, shape, cache, b.nu, b.dz, b.carry));
      const thetaNorm = kappa * Math.sqrt(K.sumSquares(b.scaledTheta, P));
      const rho0 = Math.sqrt(thetaNorm / (norm(b.jS) + UORO_EPSILON)) + UORO_EPSILON;
      const rho1 = Math.sqrt(deltaNorm / (Math.sqrt(S) + UORO_EPSILON)) + UORO_EPSILON;
      const sT = b.sTilde;
      for (let k = 0; k < S; k++) sT[k] = rho0 * b.jS[k] + rho1 * b.nu[k];
      // θ̃/ρ0 + δθ/ρ1 = κ'(T + δθ/(ρ1 κ')) with κ' = κ/ρ0.
      kappa /= rho0;
      addParamCotangent(K, b.scaledTheta, 1 / (rho1 * kappa), shape, cache, b.dz);
      if (kappa < KAPPA_MIN || kappa > KAPPA_MAX) {
        const t = b.scaledTheta;
        for (let k = 0; k < P; k++) t[k] *= kappa;
        kappa = 1;
      }
    },
    accumulate(_cache, _params, dh, grad) {
      if (dh.length !== H) throw new InputError('UORO dh', `expected ${H} floats (∂loss/∂h), got ${dh.length}`);
      if (grad.length !== off.total) throw new InputError('UORO grad', `expected ${off.total} floats for this shape, got ${grad.length}`);
      const b = live();
      // ∂loss/∂s · s̃: only the top layer's h slot of the state is read by the loss.
      const top = 2 * H * (L - 1);
      let c = 0;
      for (let j = 0; j < H; j++) c += dh[j] * b.sTilde[top + j];
      // grad += c·κ·T: an outer product of one row is a scaled add.
      b.factor[0] = c * kappa;
      const g = stageInArena(grad, 1);
      kernelsFor(g, b.block).outerAdd(g, 0, 1, P, b.factor, 0, b.scaledTheta, 0);
      if (g !== grad) grad.set(g);
    },
    reset() {
      // A new utterance starts from the zero state, which no parameter influences: s̃ = θ̃ = 0.
      const b = live();
      b.scaledTheta.fill(0);
      b.sTilde.fill(0);
      kappa = 1;
    },
    dispose() {
      if (bufs !== undefined) freeFloats(bufs.block);
      bufs = undefined;
    },
  };
}

/** Floats one UORO stream holds in the kernel arena (θ̃, s̃ and its scratch). */
export function uoroFloats(shape: LstmShape): number {
  const { hiddenSize: H, layers: L } = shape;
  return bufferFloats(paramOffsets(shape).outW, 2 * H * L, H, L);
}

function bufferFloats(P: number, S: number, H: number, L: number): number {
  return r4(P) + 3 * r4(S) + 4 * H * L + r4(H) + 4;
}

function createBuffers(P: number, S: number, H: number, L: number): UoroBuffers {
  const block = allocFloats(bufferFloats(P, S, H, L));
  let at = 0;
  const take = (n: number): Float32Array => {
    const v = block.subarray(at, at + n);
    at += r4(n);
    return v;
  };
  return {
    block,
    scaledTheta: take(P),
    sTilde: take(S),
    jS: take(S),
    nu: take(S),
    dz: take(4 * H * L),
    carry: take(H),
    factor: take(1),
  };
}

/** Euclidean norm, summed in float64. */
function norm(v: Float32Array): number {
  let s = 0;
  for (let k = 0; k < v.length; k++) s += v[k] * v[k];
  return Math.sqrt(s);
}
