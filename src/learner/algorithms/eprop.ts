import { ConfigError, InputError } from '../../errors.ts';
import { allocFloats, freeFloats } from '../kernels/alloc-floats.ts';
import type { LstmShape } from '../lstm-shape.ts';
import { paramOffsets, type LayerOffsets } from '../math-param-offsets.ts';
import type { StepCache } from '../step-cache.ts';
import type { ForwardGradient } from './forward-gradient.ts';

/**
 * The eligibility vectors ε of one LSTM layer, one per parameter of the i, f, g gate rows (the rows
 * whose effect lasts through the cell). Laid out like the parameters they belong to, so a trace row
 * meets its gradient row in one contiguous loop: `ih` [3H × in], `hh` [3H × H], `b` [3H] (the one
 * trace both bias_ih and bias_hh share: a bias is a weight on a constant input 1).
 */
interface EpropTraces {
  block: Float32Array;
  ih: Float32Array;
  hh: Float32Array;
  b: Float32Array;
}

/**
 * e-prop for an LSTM (Bellec et al. 2020, "A solution to the learning dilemma for recurrent
 * networks of spiking neurons", Nature Communications 11:3625, Methods, LSTM case): an online
 * gradient that keeps, for every parameter W_ji of a gate row of unit j, only the dependence that
 * flows through unit j's own cell, and drops the dependence through h_{t−1} (the recurrence between
 * units), which is what would need the full RTRL influence matrix.
 *
 * Per parameter W_ji of the i, f, g rows of unit j, with in_i the row's input at step t
 * (x_t for weight_ih, h_{t−1} for weight_hh, 1 for the biases):
 *   ε_t = f_{j,t} ε_{t−1} + ∂c_{j,t}/∂W_ji   (local derivative at fixed x_t, h_{t−1}, c_{t−1})
 *   e_t = ∂h_{j,t}/∂c_{j,t} · ε_t = o_{j,t} (1 − tanh²c_{j,t}) ε_t
 * and for the o rows, which act on h_t only, e_t = ∂h_{j,t}/∂W_ji = tanh c_{j,t} · o(1−o) · in_i
 * (no trace). The gradient estimate of frame t is L_{j,t} e_{ji,t}, with the learning signal
 * L_t = dh given by the caller (W_outᵀ(p − y): symmetric feedback through the readout's weights).
 *
 * One recurrent layer only: e-prop is defined for a recurrent layer under a readout, so a 2-layer
 * shape is a ConfigError. Memory: 3H·(I + H + 1) floats of traces in the kernel arena.
 *
 * @param shape the network's sizes (`layers` must be 1).
 * @returns the method's state for one stream; `dispose()` gives its arena block back.
 *
 * ## Example
 * ```ts
 * const ep = createEprop(shape);
 * forwardStep(params, shape, x, prev, cache);
 * ep.propagate(cache, params);
 * ep.accumulate(cache, params, dh, grad);   // dh = W_outᵀ(p − onehot(y))
 * ```
 */
export function createEprop(shape: LstmShape): ForwardGradient {
  if (shape.layers !== 1) {
    throw new ConfigError(
      `e-prop: expected layers = 1, got ${String(shape.layers)}: e-prop is defined for one recurrent layer under a readout (Bellec et al. 2020); use tbptt, rtrl or uoro for 2 layers`,
    );
  }
  const off = paramOffsets(shape);
  const { inputSize: I, hiddenSize: H } = shape;
  let traces: EpropTraces | undefined = createTraces(I, H);
  const live = (): EpropTraces => {
    if (traces === undefined) throw new InputError('e-prop', 'used after dispose()');
    return traces;
  };
  return {
    name: 'eprop',
    shape,
    floats: traces.block.length,
    propagate(cache) {
      propagateTraces(live(), cache, I, H);
    },
    accumulate(cache, _params, dh, grad) {
      if (dh.length !== H) throw new InputError('e-prop dh', `expected ${H} floats (∂loss/∂h), got ${dh.length}`);
      if (grad.length !== off.total) throw new InputError('e-prop grad', `expected ${off.total} floats for this shape, got ${grad.length}`);
      accumulateGradient(live(), cache, off.layers[0], I, H, dh, grad);
    },
    reset() {
      live().block.fill(0);
    },
    dispose() {
      if (traces !== undefined) freeFloats(traces.block);
      traces = undefined;
    },
  };
}

/** One zeroed arena block for all traces of a layer with `I` inputs and `H` units. */
function createTraces(I: number, H: number): EpropTraces {
  const rows = 3 * H;
  const block = allocFloats(rows * (I + H + 1));
  return {
    block,
    ih: block.subarray(0, rows * I),
    hh: block.subarray(rows * I, rows * (I + H)),
    b: block.subarray(rows * (I + H)),
  };
}

/**
 * ε_t = f_t ε_{t−1} + ∂c_t/∂W for the i, f, g rows of every unit, from the step in `cache`.
 * The local derivatives of c_j = f_j c_{j,t−1} + i_j g_j with respect to a row's pre-activation,
 * times the row's input in_i, are:
 *   i row: g_j · i_j(1 − i_j),  f row: c_{j,t−1} · f_j(1 − f_j),  g row: i_j · (1 − g_j²).
 */
function propagateTraces(tr: EpropTraces, cache: StepCache, I: number, H: number): void {
  const gates = cache.gates[0];
  const cPrev = cache.cPrev[0];
  const x = cache.x;
  const hPrev = cache.hPrev[0];
  for (let j = 0; j < H; j++) {
    const i = gates[j];
    const f = gates[H + j];
    const g = gates[2 * H + j];
    const di = g * i * (1 - i);
    const df = cPrev[j] * f * (1 - f);
    const dg = i * (1 - g * g);
    decayAndAdd(tr, j, I, H, f, di, x, hPrev);
    decayAndAdd(tr, H + j, I, H, f, df, x, hPrev);
    decayAndAdd(tr, 2 * H + j, I, H, f, dg, x, hPrev);
  }
}

/** Trace row `r`: ε ← decay·ε + d·in, for the x part, the h_{t−1} part and the bias (input 1). */
function decayAndAdd(
  tr: EpropTraces, r: number, I: number, H: number, decay: number, d: number, x: Float32Array, hPrev: Float32Array,
): void {
  const ih = tr.ih;
  const hh = tr.hh;
  const a = r * I;
  for (let k = 0; k < I; k++) ih[a + k] = decay * ih[a + k] + d * x[k];
  const b = r * H;
  for (let k = 0; k < H; k++) hh[b + k] = decay * hh[b + k] + d * hPrev[k];
  tr.b[r] = decay * tr.b[r] + d;
}

/**
 * grad += L_j e_j for every LSTM parameter: the i, f, g rows through their traces, scaled by
 * ∂h_j/∂c_j = o_j(1 − tanh²c_j); the o rows by their local derivative tanh c_j · o_j(1 − o_j) · in.
 */
function accumulateGradient(
  tr: EpropTraces, cache: StepCache, o: LayerOffsets, I: number, H: number, dh: Float32Array, grad: Float32Array,
): void {
  const gates = cache.gates[0];
  const tanhC = cache.tanhC[0];
  const x = cache.x;
  const hPrev = cache.hPrev[0];
  for (let j = 0; j < H; j++) {
    const L = dh[j];
    if (L === 0) continue;
    const og = gates[3 * H + j];
    const t = tanhC[j];
    const throughCell = L * og * (1 - t * t);
    for (let q = 0; q < 3; q++) addRow(grad, o, q * H + j, I, H, throughCell, tr.ih, tr.hh, tr.b[q * H + j]);
    // The output gate row: its input vector is the trace itself (no memory through time).
    const direct = L * t * og * (1 - og);
    addRow(grad, o, 3 * H + j, I, H, direct, x, hPrev, 1, 0);
  }
}

/**
 * Gradient row `r` (weight_ih, weight_hh, both biases) += s × (vIh, vHh, vB), where the vectors are
 * read at row `vRow` of `vIh` / `vHh` (trace rows, or row 0 of x and h_{t−1} for the o rows).
 */
function addRow(
  grad: Float32Array, o: LayerOffsets, r: number, I: number, H: number, s: number,
  vIh: Float32Array, vHh: Float32Array, vB: number, vRow = r,
): void {
  const gi = o.wIh + r * I;
  const vi = vRow * I;
  for (let k = 0; k < I; k++) grad[gi + k] += s * vIh[vi + k];
  const gh = o.wHh + r * H;
  const vh = vRow * H;
  for (let k = 0; k < H; k++) grad[gh + k] += s * vHh[vh + k];
  grad[o.bIh + r] += s * vB;
  grad[o.bHh + r] += s * vB;
}
