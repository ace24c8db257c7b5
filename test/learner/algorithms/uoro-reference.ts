import { stepParamVjp } from '../../../src/learner/algorithms/step-param-vjp.ts';
import { stepTangent } from '../../../src/learner/algorithms/step-tangent.ts';
import { forwardStep } from '../../../src/learner/forward-step.ts';
import { tsKernels } from '../../../src/learner/kernels/ts-kernels.ts';
import type { LstmShape } from '../../../src/learner/lstm-shape.ts';
import { zeroState } from '../../../src/learner/lstm-state.ts';
import { paramOffsets } from '../../../src/learner/math-param-offsets.ts';
import { mulberry32 } from '../../../src/learner/math-mulberry32.ts';
import { createStepCache, stateAfter } from '../../../src/learner/step-cache.ts';
import { readoutDh } from './forward-gradient-helpers.ts';

const EPS = 1e-7;
const norm = (v: ArrayLike<number>): number => Math.sqrt(Array.from(v).reduce((a, b) => a + b * b, 0));

/**
 * Tallec & Ollivier's Algorithm 1 written plainly: θ̃ an explicit float64 vector updated
 * θ̃ ← θ̃/ρ0 + νᵀ∂F/∂θ/ρ1 every step, s̃ ← ρ0 J s̃ + ρ1 ν, the frame's estimate (dh·s̃_h,top) θ̃,
 * summed over one utterance. The one-step products are the module's (checked on their own by
 * central differences), so this checks the bookkeeping around them: the scalings and createUoro's
 * κ·T representation with its rescaling. Signs: the documented draw, 32 per mulberry32 output,
 * bit b of ⌊u·2³²⌋ for entry k + b.
 */
export function uoroReference(
  params: Float32Array, shape: LstmShape, xs: Float32Array[], targets: Int32Array, seed: number,
): Float64Array {
  const { hiddenSize: H, layers: L } = shape;
  const off = paramOffsets(shape);
  const P = off.outW;
  const S = 2 * H * L;
  const rand = mulberry32(seed);
  const cache = createStepCache(shape);
  let sTilde = new Float64Array(S);
  const thetaTilde = new Float64Array(P);
  const grad = new Float64Array(off.total);
  const nu = new Float32Array(S);
  const jS = new Float32Array(S);
  const dTheta = new Float32Array(off.total);
  let prev = zeroState(shape);
  for (let t = 0; t < xs.length; t++) {
    forwardStep(params, shape, xs[t], prev, cache);
    prev = { h: stateAfter(cache).h.map((a) => a.slice()), c: stateAfter(cache).c.map((a) => a.slice()) };
    for (let k = 0; k < S; k += 32) {
      const bits = Math.floor(rand() * 2 ** 32);
      for (let b = 0; b < 32 && k + b < S; b++) nu[k + b] = Math.floor(bits / 2 ** b) % 2 === 1 ? 1 : -1;
    }
    stepTangent(tsKernels, params, shape, cache, Float32Array.from(sTilde), jS, new Float32Array(4 * H));
    stepParamVjp(tsKernels, params, shape, cache, nu, dTheta, new Float32Array(4 * H * L), new Float32Array(H));
    const rho0 = Math.sqrt(norm(thetaTilde) / (norm(jS) + EPS)) + EPS;
    const rho1 = Math.sqrt(norm(dTheta.subarray(0, P)) / (Math.sqrt(S) + EPS)) + EPS;
    sTilde = Float64Array.from(jS, (v, k) => rho0 * v + rho1 * nu[k]);
    for (let k = 0; k < P; k++) thetaTilde[k] = thetaTilde[k] / rho0 + dTheta[k] / rho1;
    if (targets[t] >= 0) {
      const dh = readoutDh(params, shape, cache, targets[t]);
      let c = 0;
      for (let j = 0; j < H; j++) c += dh[j] * sTilde[2 * H * (L - 1) + j];
      for (let k = 0; k < P; k++) grad[k] += c * thetaTilde[k];
    }
  }
  return grad;
}
