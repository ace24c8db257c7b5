import type { Kernels } from '../kernels/kernels.ts';
import type { LstmShape } from '../lstm-shape.ts';
import { paramOffsets } from '../math-param-offsets.ts';
import type { StepCache } from '../step-cache.ts';

/*
 * Reverse mode through one cached LSTM step with respect to the parameters only: νᵀ·∂F/∂θ, where
 * F maps (s_{t−1}, x_t, θ) to the state s_t of every layer and ν is a cotangent of s_t (state
 * layout as in stepTangent: per layer h then c). The previous state is held fixed, so nothing
 * flows back in time. It is split in two, because UORO needs the product's norm before it knows
 * the scale to add it with: the gate cotangents dz (and the norm, from them alone), then the
 * scaled outer products. Every parameter row of layer l is dz_l[r] times the row's inputs
 * (in_l for W_ih, h_{l−1} for W_hh, 1 for each bias), which is what makes both cheap.
 */

/**
 * The gate cotangents of every layer for the state cotangent ν, top layer first: layer l's gate
 * gradients flow into h_{l−1,t} (through W_ih of layer l) and add to ν's own component there.
 * Per layer: dh = ν_h (+ what comes from above), dc = ν_c + dh·o(1 − tanh²c), then as in the
 * backward pass: i: dc·g·i(1−i), f: dc·c_{t−1}·f(1−f), g: dc·i(1−g²), o: dh·tanh c·o(1−o).
 *
 * @param K kernels able to touch params, cache, dz and carry.
 * @param params the flat parameters the step was computed with.
 * @param shape the network's sizes.
 * @param cache the step (filled by forwardStep).
 * @param nu the cotangent of the state after the step, 2·H·layers floats (not modified).
 * @param dz receives the gate cotangents, layer l at [4Hl, 4H(l + 1)).
 * @param carry scratch of H floats.
 * @returns ‖νᵀ∂F/∂θ‖², from dz and the inputs' norms (the product itself is never formed).
 *
 * ## Example
 * ```ts
 * const normSq = stepGateCotangents(K, params, shape, cache, nu, dz, carry);
 * addParamCotangent(K, thetaTilde, 1 / rho1, shape, cache, dz);
 * ```
 */
export function stepGateCotangents(
  K: Kernels, params: Float32Array, shape: LstmShape, cache: StepCache, nu: Float32Array, dz: Float32Array,
  carry: Float32Array,
): number {
  const { hiddenSize: H, layers: L } = shape;
  const off = paramOffsets(shape);
  carry.fill(0);
  let normSq = 0;
  for (let l = L - 1; l >= 0; l--) {
    const base = 2 * H * l;
    const z = 4 * H * l;
    const gates = cache.gates[l];
    const cPrev = cache.cPrev[l];
    const tanhC = cache.tanhC[l];
    let dzSq = 0;
    for (let j = 0; j < H; j++) {
      const i = gates[j];
      const f = gates[H + j];
      const g = gates[2 * H + j];
      const og = gates[3 * H + j];
      const t = tanhC[j];
      const dh = nu[base + j] + carry[j];
      const dc = nu[base + H + j] + dh * og * (1 - t * t);
      const zi = dc * g * i * (1 - i);
      const zf = dc * cPrev[j] * f * (1 - f);
      const zg = dc * i * (1 - g * g);
      const zo = dh * t * og * (1 - og);
      dz[z + j] = zi;
      dz[z + H + j] = zf;
      dz[z + 2 * H + j] = zg;
      dz[z + 3 * H + j] = zo;
      dzSq += zi * zi + zf * zf + zg * zg + zo * zo;
    }
    // Row r of layer l is dz[r]·(in, h_{t−1}, 1, 1): its squared norm is dz[r]²(‖in‖² + ‖h_{t−1}‖² + 2).
    normSq += dzSq * (squaredNorm(l === 0 ? cache.x : cache.h[l - 1]) + squaredNorm(cache.hPrev[l]) + 2);
    // carry = W_ih,lᵀ dz_l: what layer l's gates send down into h_{l−1,t}.
    if (l > 0) K.matvecT(params, off.layers[l].wIh, 4 * H, H, dz, z, carry, 0, false);
  }
  return normSq;
}

/**
 * out += scale · νᵀ∂F/∂θ over the LSTM parameters (paramLayout order), from the gate cotangents of
 * {@link stepGateCotangents}: W_ih += (scale·dz) ⊗ in, W_hh += (scale·dz) ⊗ h_{t−1}, both biases
 * += scale·dz. Scales `dz` in place (it is scratch). The outer products go through `K`.
 *
 * @param K kernels able to touch out, cache and dz.
 * @param out where the product is added (a parameter-sized vector).
 * @param scale the factor.
 * @param shape the network's sizes.
 * @param cache the step.
 * @param dz the gate cotangents (overwritten with scale·dz).
 */
export function addParamCotangent(
  K: Kernels, out: Float32Array, scale: number, shape: LstmShape, cache: StepCache, dz: Float32Array,
): void {
  const { inputSize: I, hiddenSize: H, layers: L } = shape;
  const off = paramOffsets(shape);
  for (let k = 0; k < 4 * H * L; k++) dz[k] *= scale;
  for (let l = 0; l < L; l++) {
    const o = off.layers[l];
    const z = 4 * H * l;
    const input = l === 0 ? cache.x : cache.h[l - 1];
    K.outerAdd(out, o.wIh, 4 * H, l === 0 ? I : H, dz, z, input, 0);
    K.outerAdd(out, o.wHh, 4 * H, H, dz, z, cache.hPrev[l], 0);
    K.addTo(out, o.bIh, dz, z, 4 * H);
    K.addTo(out, o.bHh, dz, z, 4 * H);
  }
}

/**
 * νᵀ∂F/∂θ itself, written over the LSTM part of `out` (the two functions above, scale 1): for
 * tests and for methods that want the plain product.
 *
 * @param dz scratch of 4H·layers floats; @param carry scratch of H floats.
 *
 * ## Example
 * ```ts
 * stepParamVjp(K, params, shape, cache, nu, out, dz, carry);
 * ```
 */
export function stepParamVjp(
  K: Kernels, params: Float32Array, shape: LstmShape, cache: StepCache, nu: Float32Array, out: Float32Array,
  dz: Float32Array, carry: Float32Array,
): void {
  out.fill(0, 0, paramOffsets(shape).outW);
  stepGateCotangents(K, params, shape, cache, nu, dz, carry);
  addParamCotangent(K, out, 1, shape, cache, dz);
}

function squaredNorm(v: Float32Array): number {
  let s = 0;
  for (let k = 0; k < v.length; k++) s += v[k] * v[k];
  return s;
}
