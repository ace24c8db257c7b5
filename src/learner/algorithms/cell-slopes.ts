import type { StepCache } from '../step-cache.ts';

/** Indices into the array {@link cellSlopes} fills. */
export const SLOPE = {
  /** ∂c/∂z_i = g·i(1−i) */
  ci: 0,
  /** ∂c/∂z_f = c_{t−1}·f(1−f) */
  cf: 1,
  /** ∂c/∂z_g = i·(1−g²) */
  cg: 2,
  /** ∂c/∂c_{t−1} = f */
  cc: 3,
  /** ∂h/∂c = o·(1−tanh²c) */
  hc: 4,
  /** ∂h/∂z_o = tanh(c)·o(1−o) */
  ho: 5,
} as const;

/** Floats {@link cellSlopes} writes. */
export const SLOPES = 6;

/**
 * The local derivatives of one LSTM unit's step, read from the activated gates a forward step
 * cached: what every forward-mode method multiplies its traces by. z_q is gate q's
 * pre-activation (q = i, f, g, o); c_t = f⊙c_{t−1} + i⊙g, h_t = o⊙tanh(c_t). The forget gate's
 * ∂c/∂c_{t−1} = f is included so callers read every slope from one place. Written into `out`
 * (no allocation: called per unit per frame).
 *
 * @param cache a cache filled by `forwardStep`.
 * @param layer which layer.
 * @param j which unit of it.
 * @param out receives {@link SLOPES} values at the {@link SLOPE} indices.
 *
 * ## Example
 * ```ts
 * const s = new Float64Array(SLOPES);
 * cellSlopes(cache, 0, j, s);
 * const dcdzI = s[SLOPE.ci];
 * ```
 */
export function cellSlopes(cache: StepCache, layer: number, j: number, out: Float64Array): void {
  const H = cache.shape.hiddenSize;
  const gates = cache.gates[layer];
  const i = gates[j];
  const f = gates[H + j];
  const g = gates[2 * H + j];
  const o = gates[3 * H + j];
  const t = cache.tanhC[layer][j];
  out[SLOPE.ci] = g * i * (1 - i);
  out[SLOPE.cf] = cache.cPrev[layer][j] * f * (1 - f);
  out[SLOPE.cg] = i * (1 - g * g);
  out[SLOPE.cc] = f;
  out[SLOPE.hc] = o * (1 - t * t);
  out[SLOPE.ho] = t * o * (1 - o);
}
