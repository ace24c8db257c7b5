import { allocFloats } from './kernels/alloc-floats.ts';
import type { LstmShape } from './lstm-shape.ts';
import { mulberry32 } from './math-mulberry32.ts';
import { paramLayout } from './param-layout.ts';

/**
 * Deterministic initial parameters, laid out by {@link paramLayout}, drawn the way PyTorch draws
 * them: every LSTM weight and bias uniform(−1/√H, 1/√H) (`nn.LSTM.reset_parameters`), the output
 * layer uniform(−1/√H, 1/√H) for weight and bias (`nn.Linear`'s default, fan-in H). Then the
 * forget-gate bias is set to a total of 1 (bias_ih f-rows 1, bias_hh f-rows 0), so a fresh LSTM
 * remembers by default (Gers et al. 2000).
 *
 * @param shape the network's sizes.
 * @param seed PRNG seed: the same seed gives the same parameters.
 * @returns a new Float32Array of `paramLayout(shape).total` floats (in the wasm kernels' memory
 *   when there is room, see `allocFloats`).
 *
 * ## Example
 * ```ts
 * const params = initParams({ inputSize: 39, hiddenSize: 128, layers: 1, outputSize: 61 }, 1);
 * ```
 */
export function initParams(shape: LstmShape, seed: number): Float32Array {
  const layout = paramLayout(shape);
  const params = allocFloats(layout.total);
  const rand = mulberry32(seed);
  const H = shape.hiddenSize;
  const bound = 1 / Math.sqrt(H);
  for (const e of layout.entries) {
    for (let i = 0; i < e.size; i++) params[e.offset + i] = (2 * rand() - 1) * bound;
    // Gate rows are i, f, g, o: the forget gate's rows are [H, 2H).
    if (e.name.startsWith('bias_ih_l')) params.fill(1, e.offset + H, e.offset + 2 * H);
    if (e.name.startsWith('bias_hh_l')) params.fill(0, e.offset + H, e.offset + 2 * H);
  }
  return params;
}
