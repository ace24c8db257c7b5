import type { LstmShape } from '../lstm-shape.ts';
import { paramOffsets } from '../math-param-offsets.ts';
import type { StepCache } from '../step-cache.ts';

/**
 * Reverse mode through one cached LSTM step with respect to the parameters only: out = νᵀ·∂F/∂θ,
 * where F maps (s_{t−1}, x_t, θ) to the state s_t of every layer and ν is a cotangent of s_t
 * (state layout as in {@link stepTangent}: per layer h then c). The previous state is held fixed,
 * so nothing flows back in time; within the step, layer l's gate gradients flow into h_{l−1,t}
 * (through W_ih of layer l) and add to ν's own component there, top layer first.
 *
 * Per layer: dc = ν_c + dh·o(1 − tanh²c), then the gate gradients dz as in the backward pass
 * (i: dc·g·i(1−i), f: dc·c_{t−1}·f(1−f), g: dc·i(1−g²), o: dh·tanh c·o(1−o)), and
 * ∂/∂W_ih = dz ⊗ in, ∂/∂W_hh = dz ⊗ h_{t−1}, ∂/∂b_ih = ∂/∂b_hh = dz.
 * Overwrites the LSTM part of `out` (everything before out.weight); allocates nothing.
 *
 * @param params the flat parameters the step was computed with.
 * @param shape the network's sizes.
 * @param cache the step (filled by forwardStep).
 * @param nu the cotangent of the state after the step, 2·H·layers floats (not modified).
 * @param out receives νᵀ∂F/∂θ in paramLayout order (at least the LSTM prefix).
 * @param dz scratch of 4H floats.
 * @param carry scratch of H floats (the gradient reaching h_{l−1,t} from layer l).
 *
 * ## Example
 * ```ts
 * stepParamVjp(params, shape, cache, nu, deltaTheta, dz, carry);
 * ```
 */
export function stepParamVjp(
  params: Float32Array, shape: LstmShape, cache: StepCache, nu: Float32Array, out: Float32Array,
  dz: Float32Array, carry: Float32Array,
): void {
  const { inputSize: I, hiddenSize: H, layers: L } = shape;
  const off = paramOffsets(shape);
  carry.fill(0);
  for (let l = L - 1; l >= 0; l--) {
    const o = off.layers[l];
    const base = 2 * H * l;
    const gates = cache.gates[l];
    const cPrev = cache.cPrev[l];
    const tanhC = cache.tanhC[l];
    for (let j = 0; j < H; j++) {
      const i = gates[j];
      const f = gates[H + j];
      const g = gates[2 * H + j];
      const og = gates[3 * H + j];
      const t = tanhC[j];
      const dh = nu[base + j] + carry[j];
      const dc = nu[base + H + j] + dh * og * (1 - t * t);
      dz[j] = dc * g * i * (1 - i);
      dz[H + j] = dc * cPrev[j] * f * (1 - f);
      dz[2 * H + j] = dc * i * (1 - g * g);
      dz[3 * H + j] = dh * t * og * (1 - og);
    }
    const input = l === 0 ? cache.x : cache.h[l - 1];
    const inK = l === 0 ? I : H;
    const hPrev = cache.hPrev[l];
    for (let r = 0; r < 4 * H; r++) {
      const d = dz[r];
      const ri = o.wIh + r * inK;
      for (let k = 0; k < inK; k++) out[ri + k] = d * input[k];
      const rh = o.wHh + r * H;
      for (let k = 0; k < H; k++) out[rh + k] = d * hPrev[k];
      out[o.bIh + r] = d;
      out[o.bHh + r] = d;
    }
    if (l > 0) {
      // carry = W_ih,lᵀ dz: what layer l's gates send down into h_{l−1,t}.
      carry.fill(0);
      for (let r = 0; r < 4 * H; r++) {
        const d = dz[r];
        const ri = o.wIh + r * H;
        for (let k = 0; k < H; k++) carry[k] += params[ri + k] * d;
      }
    }
  }
}
