import type { Kernels } from '../kernels/kernels.ts';
import type { LstmShape } from '../lstm-shape.ts';
import { paramOffsets } from '../math-param-offsets.ts';
import type { StepCache } from '../step-cache.ts';

/**
 * Forward mode through one cached LSTM step: the tangent of the state after the step, sOut = J·sIn,
 * with J = ∂s_t/∂s_{t−1} the one-step Jacobian of the whole stack at fixed parameters and input
 * frame. A state vector holds, per layer l, h at [2Hl, 2Hl + H) and c at [2Hl + H, 2H(l + 1)).
 *
 * Layer by layer, bottom first, because layer l's input at step t is h_{l−1,t}, whose tangent was
 * just computed: ż = W_ih·ḣ_{l−1,t} + W_hh·ḣ_{l,t−1} (the frame x is data, tangent 0), then through
 * the activations (σ' = σ(1−σ), tanh' = 1 − tanh²) and
 *   ċ_t = ḟ c_{t−1} + f ċ_{t−1} + i̇ g + i ġ,   ḣ_t = ȯ tanh c_t + o (1 − tanh² c_t) ċ_t.
 * The two matrix-vector products go through `K` (the wasm SIMD kernels when every operand is in
 * the arena); allocates nothing.
 *
 * @param K kernels able to touch params, cache, sIn, sOut and zDot (see kernelsFor).
 * @param params the flat parameters the step was computed with.
 * @param shape the network's sizes.
 * @param cache the step (filled by forwardStep).
 * @param sIn tangent of the state entering the step, 2·H·layers floats.
 * @param sOut receives the tangent after the step (must not alias sIn).
 * @param zDot scratch of 4H floats.
 *
 * ## Example
 * ```ts
 * stepTangent(K, params, shape, cache, sTilde, next, scratch);   // next = ∂s_t/∂s_{t−1} · sTilde
 * ```
 */
export function stepTangent(
  K: Kernels, params: Float32Array, shape: LstmShape, cache: StepCache, sIn: Float32Array, sOut: Float32Array,
  zDot: Float32Array,
): void {
  const { hiddenSize: H, layers: L } = shape;
  const off = paramOffsets(shape);
  for (let l = 0; l < L; l++) {
    const o = off.layers[l];
    const base = 2 * H * l;
    K.matvec(params, o.wHh, 4 * H, H, sIn, base, zDot, 0, false);
    if (l > 0) K.matvec(params, o.wIh, 4 * H, H, sOut, base - 2 * H, zDot, 0, true);
    const gates = cache.gates[l];
    const cPrev = cache.cPrev[l];
    const tanhC = cache.tanhC[l];
    for (let j = 0; j < H; j++) {
      const i = gates[j];
      const f = gates[H + j];
      const g = gates[2 * H + j];
      const og = gates[3 * H + j];
      const t = tanhC[j];
      const iDot = i * (1 - i) * zDot[j];
      const fDot = f * (1 - f) * zDot[H + j];
      const gDot = (1 - g * g) * zDot[2 * H + j];
      const oDot = og * (1 - og) * zDot[3 * H + j];
      const cDot = fDot * cPrev[j] + f * sIn[base + H + j] + iDot * g + i * gDot;
      sOut[base + H + j] = cDot;
      sOut[base + j] = oDot * t + og * (1 - t * t) * cDot;
    }
  }
}
