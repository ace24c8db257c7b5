import { ConfigError, InputError } from '../../errors.ts';
import { allocFloats, freeFloats } from '../kernels/alloc-floats.ts';
import { kernelsFor } from '../kernels/kernels-for.ts';
import type { Kernels } from '../kernels/kernels.ts';
import { stageInArena } from '../kernels/stage-in-arena.ts';
import type { LstmShape } from '../lstm-shape.ts';
import { paramOffsets, type LayerOffsets } from '../math-param-offsets.ts';
import type { StepCache } from '../step-cache.ts';
import type { ForwardGradient } from './forward-gradient.ts';

/**
 * The eligibility vectors ε of one LSTM layer, one per parameter of the i, f, g gate rows (the rows
 * whose effect lasts through the cell), laid out like the parameters they belong to, so trace row r
 * is gradient row r: `ih` [3H × in], `hh` [3H × H], `b` [3H] (the one trace both bias_ih and
 * bias_hh share: a bias is a weight on a constant input 1). Then the per-row factors of a step.
 */
interface EpropTraces {
  block: Float32Array;
  ih: Float32Array;
  hh: Float32Array;
  b: Float32Array;
  /** Per trace row: its decay f_j and its local derivative ∂c_j/∂(row's pre-activation) (3H each). */
  decay: Float32Array;
  local: Float32Array;
  /** Per gradient row: L_j·∂h_j/∂c_j for the i, f, g rows (3H), L_j·∂h_j/∂(o pre-activation) (H). */
  throughCell: Float32Array;
  direct: Float32Array;
  /** The bias's input: [1]. */
  one: Float32Array;
}

// Every part rounded up to 4 floats: 16-byte aligned operands for the SIMD kernels.
const r4 = (n: number): number => (n + 3) & ~3;

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
 * shape is a ConfigError. Memory: 3H·(I + H + 1) floats of traces (and 13H of per-step factors) in
 * the kernel arena; the per-step loops run in the wasm SIMD kernels (decayOuterAdd, rowScaledAdd).
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
      const tr = live();
      propagateTraces(kernelsFor(tr.block, cache.buf), tr, cache, I, H);
    },
    accumulate(cache, _params, dh, grad) {
      if (dh.length !== H) throw new InputError('e-prop dh', `expected ${H} floats (∂loss/∂h), got ${dh.length}`);
      if (grad.length !== off.total) throw new InputError('e-prop grad', `expected ${off.total} floats for this shape, got ${grad.length}`);
      const tr = live();
      // A gradient outside the arena is added to through a staged copy (the wasm kernels' memory).
      const g = stageInArena(grad, 1);
      accumulateGradient(kernelsFor(g, tr.block, [cache]), tr, cache, off.layers[0], I, H, dh, g);
      if (g !== grad) grad.set(g);
    },
    reset() {
      // The traces only: the bias's input 1 stays.
      const tr = live();
      tr.ih.fill(0);
      tr.hh.fill(0);
      tr.b.fill(0);
    },
    dispose() {
      if (traces !== undefined) freeFloats(traces.block);
      traces = undefined;
    },
  };
}

/** Floats one e-prop stream holds in the kernel arena (its traces and per-step factors). */
export function epropFloats({ inputSize: I, hiddenSize: H }: LstmShape): number {
  const rows = 3 * H;
  return r4(rows * I) + r4(rows * H) + 5 * r4(rows) + r4(H) + 4;
}

/** One zeroed arena block for all traces and factors of a layer with `I` inputs and `H` units. */
function createTraces(I: number, H: number): EpropTraces {
  const rows = 3 * H;
  const block = allocFloats(epropFloats({ inputSize: I, hiddenSize: H, layers: 1, outputSize: 1 }));
  let at = 0;
  const take = (n: number): Float32Array => {
    const v = block.subarray(at, at + n);
    at += r4(n);
    return v;
  };
  const t = {
    block, ih: take(rows * I), hh: take(rows * H), b: take(rows),
    decay: take(rows), local: take(rows), throughCell: take(rows), direct: take(H), one: take(1),
  };
  t.one[0] = 1;
  return t;
}

/**
 * ε_t = f_t ε_{t−1} + ∂c_t/∂W for the i, f, g rows of every unit, from the step in `cache`.
 * The local derivatives of c_j = f_j c_{j,t−1} + i_j g_j with respect to a row's pre-activation,
 * times the row's input in_i, are:
 *   i row: g_j · i_j(1 − i_j),  f row: c_{j,t−1} · f_j(1 − f_j),  g row: i_j · (1 − g_j²).
 * The per-row factors are computed here (O(H)); the O(H·(I + H)) update is one decayOuterAdd per
 * trace block (each row decayed by its f_j, plus its factor times the shared input).
 */
function propagateTraces(K: Kernels, tr: EpropTraces, cache: StepCache, I: number, H: number): void {
  const gates = cache.gates[0];
  const cPrev = cache.cPrev[0];
  const { decay, local } = tr;
  for (let j = 0; j < H; j++) {
    const i = gates[j];
    const f = gates[H + j];
    const g = gates[2 * H + j];
    decay[j] = f;
    decay[H + j] = f;
    decay[2 * H + j] = f;
    local[j] = g * i * (1 - i);
    local[H + j] = cPrev[j] * f * (1 - f);
    local[2 * H + j] = i * (1 - g * g);
  }
  const rows = 3 * H;
  K.decayOuterAdd(tr.ih, 0, rows, I, decay, 0, local, 0, cache.x, 0);
  K.decayOuterAdd(tr.hh, 0, rows, H, decay, 0, local, 0, cache.hPrev[0], 0);
  K.decayOuterAdd(tr.b, 0, rows, 1, decay, 0, local, 0, tr.one, 0);
}

/**
 * grad += L_j e_j for every LSTM parameter: the i, f, g rows are their traces scaled by
 * L_j·∂h_j/∂c_j = L_j·o_j(1 − tanh²c_j) (rowScaledAdd); the o rows are the local derivative
 * L_j·tanh c_j·o_j(1 − o_j) times the row's input, an outer product (no trace through time).
 */
function accumulateGradient(
  K: Kernels, tr: EpropTraces, cache: StepCache, o: LayerOffsets, I: number, H: number, dh: Float32Array,
  grad: Float32Array,
): void {
  const gates = cache.gates[0];
  const tanhC = cache.tanhC[0];
  const { throughCell, direct } = tr;
  for (let j = 0; j < H; j++) {
    const L = dh[j];
    const og = gates[3 * H + j];
    const t = tanhC[j];
    const c = L * og * (1 - t * t);
    throughCell[j] = c;
    throughCell[H + j] = c;
    throughCell[2 * H + j] = c;
    direct[j] = L * t * og * (1 - og);
  }
  const rows = 3 * H;
  K.rowScaledAdd(grad, o.wIh, rows, I, throughCell, 0, tr.ih, 0);
  K.rowScaledAdd(grad, o.wHh, rows, H, throughCell, 0, tr.hh, 0);
  K.rowScaledAdd(grad, o.bIh, rows, 1, throughCell, 0, tr.b, 0);
  K.rowScaledAdd(grad, o.bHh, rows, 1, throughCell, 0, tr.b, 0);
  K.outerAdd(grad, o.wIh + rows * I, H, I, direct, 0, cache.x, 0);
  K.outerAdd(grad, o.wHh + rows * H, H, H, direct, 0, cache.hPrev[0], 0);
  K.addTo(grad, o.bIh + rows, direct, 0, H);
  K.addTo(grad, o.bHh + rows, direct, 0, H);
}
