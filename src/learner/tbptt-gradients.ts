import { InputError } from '../errors.ts';
import { allocFloats, freeFloats } from './kernels/alloc-floats.ts';
import { kernelsFor } from './kernels/kernels-for.ts';
import { stageInArena } from './kernels/stage-in-arena.ts';
import type { LstmShape } from './lstm-shape.ts';
import { paramOffsets } from './math-param-offsets.ts';
import type { Kernels } from './kernels/kernels.ts';
import type { ParamOffsets } from './math-param-offsets.ts';
import type { StepCache } from './step-cache.ts';

/** Scratch for the backward pass, reused across calls while the sizes fit. */
export interface Workspace {
  /** Steps the per-step buffers below have room for. */
  steps: number;
  /** One block for everything below (so it lives in the kernels' memory). */
  buf: Float32Array;
  /** Per layer: gradient reaching h / c of the step being processed from later steps. */
  dh: Float32Array[];
  dc: Float32Array[];
  /** Gradient of the current layer's output from above (output layer or the layer above). */
  dhIn: Float32Array;
  /** Per (step, layer), step-major: dz, the gate pre-activation gradients (4H). */
  dz: Float32Array[];
  /** Per labelled step: the gradient of the logits (O). */
  dlogits: Float32Array[];
  /** Reused argument lists for the batched weight gradients (no allocation per call). */
  us: Float32Array[];
  vs: Float32Array[];
}

/**
 * The backward pass's scratch for one caller (a training stream owns one, so its memory is its
 * own and goes back to the arena when the stream closes). It grows to the longest window seen, in
 * steps of {@link GROWTH_STEPS}, freeing the smaller block it replaces.
 */
export class GradientWorkspace {
  private current: Workspace | undefined;

  constructor(private readonly shape: LstmShape) {}

  /** Kernel-memory bytes of a workspace with room for `steps` steps of `shape`. */
  static bytesFor(shape: LstmShape, steps: number): number {
    return 4 * workspaceFloats(shape, roomFor(steps));
  }

  /** The scratch with room for `steps` steps. */
  forSteps(steps: number): Workspace {
    const w = this.current;
    if (w !== undefined && w.steps >= steps) return w;
    if (w !== undefined) freeFloats(w.buf);
    this.current = createWorkspace(this.shape, roomFor(steps));
    return this.current;
  }

  /** Gives the memory back to the arena (the workspace is rebuilt if used again). */
  free(): void {
    if (this.current !== undefined) freeFloats(this.current.buf);
    this.current = undefined;
  }
}

/** Windows grow a workspace in steps of this many: few reallocations, little slack. */
const GROWTH_STEPS = 64;
const roomFor = (steps: number): number => Math.ceil(Math.max(steps, 1) / GROWTH_STEPS) * GROWTH_STEPS;
// 4H first and every size rounded up to 4 floats: 16-byte aligned SIMD operands.
const r4 = (n: number): number => (n + 3) & ~3;

function workspaceFloats(shape: LstmShape, room: number): number {
  const { hiddenSize: H, layers: L, outputSize: O } = shape;
  return room * L * 4 * H + 2 * L * r4(H) + r4(H) + room * r4(O);
}

function createWorkspace(shape: LstmShape, room: number): Workspace {
  const { hiddenSize: H, layers: L, outputSize: O } = shape;
  const buf = allocFloats(workspaceFloats(shape, room));
  let at = 0;
  const take = (n: number): Float32Array => {
    const v = buf.subarray(at, at + n);
    at += r4(n);
    return v;
  };
  const dz = Array.from({ length: room * L }, () => take(4 * H));
  const dh: Float32Array[] = [];
  const dc: Float32Array[] = [];
  for (let l = 0; l < L; l++) {
    dh.push(take(H));
    dc.push(take(H));
  }
  const dhIn = take(H);
  const dlogits = Array.from({ length: room }, () => take(O));
  return { steps: room, buf, dh, dc, dhIn, dz, dlogits, us: [], vs: [] };
}

// For callers that bring no workspace: one per network size, kept for the process's life.
const shared = new Map<string, GradientWorkspace>();

function sharedWorkspace(shape: LstmShape): GradientWorkspace {
  const key = `${shape.hiddenSize},${shape.layers},${shape.outputSize}`;
  let w = shared.get(key);
  if (w === undefined) {
    w = new GradientWorkspace(shape);
    shared.set(key, w);
  }
  return w;
}

/**
 * Loss and gradient of one TBPTT window. The loss is the MEAN cross-entropy over the steps whose
 * target is ≥ 0; the gradient of that mean is written to `grad`. The gradient flows through the
 * recurrence only within the last `recurrentSteps` steps: the state entering step
 * `steps.length − recurrentSteps` is a constant, and earlier steps contribute only output-layer
 * gradients (their hidden states are constants). That is TBPTT(k1, k2)'s window when the caller
 * passes the last max(k1, k2) steps, targets −1 outside the chunk's k1 frames, and
 * `recurrentSteps = k2`.
 *
 * Each weight gradient is accumulated over the whole window in one pass (Σ_t dz_t x_tᵀ), so the
 * gradient matrices are read and written once per call rather than once per step.
 *
 * @param params the flat parameter vector the steps were computed with.
 * @param shape the network's sizes.
 * @param steps caches filled by `forwardStep`, oldest first, contiguous in time.
 * @param targets class index per step, −1 for no loss; same length as `steps`.
 * @param recurrentSteps how many of the last steps the gradient flows back through (capped at
 *   `steps.length`; at least 1 when there are steps).
 * @param grad overwritten with the gradient, `params.length` floats.
 * @param workspace the scratch to use (a stream's own); default one shared per network size.
 * @returns the mean cross-entropy in nats (0, with a zero gradient, when no step has a target).
 *
 * ## Example
 * ```ts
 * const loss = tbpttGradients(params, shape, caches, targets, 20, grad);
 * ```
 */
export function tbpttGradients(
  params: Float32Array, shape: LstmShape, steps: StepCache[], targets: Int32Array,
  recurrentSteps: number, grad: Float32Array, workspace?: GradientWorkspace,
): number {
  const off = paramOffsets(shape);
  const { inputSize: I, hiddenSize: H, layers: L, outputSize: O } = shape;
  if (params.length !== off.total) {
    throw new InputError('tbpttGradients params', `expected ${off.total} floats for this shape, got ${params.length}`);
  }
  if (grad.length !== off.total) {
    throw new InputError('tbpttGradients grad', `expected ${off.total} floats for this shape, got ${grad.length}`);
  }
  if (targets.length !== steps.length) {
    throw new InputError('tbpttGradients targets', `expected one per step (${steps.length}), got ${targets.length}`);
  }
  const T = steps.length;
  let labelled = 0;
  for (let t = 0; t < T; t++) {
    const y = targets[t];
    if (y >= O || (y < 0 && y !== -1)) {
      throw new InputError('tbpttGradients targets', `target ${t} is ${y}: expected −1 or a class in [0, ${O})`);
    }
    if (y >= 0) labelled++;
  }
  if (labelled === 0) {
    grad.fill(0);
    return 0;
  }
  const R = Math.max(1, Math.min(Math.floor(recurrentSteps), T));
  const start = T - R;
  const ws = (workspace ?? sharedWorkspace(shape)).forSteps(T);
  // Parameters / gradient outside the arena are staged into it (a copy) for the wasm kernels.
  const p = stageInArena(params, 0);
  const g = stageInArena(grad, 1, false);
  g.fill(0);
  const K = kernelsFor(p, g, steps, [ws]);
  const scale = 1 / labelled;
  let lossSum = 0;
  const { dhIn, dh, dc, us, vs } = ws;
  for (let l = 0; l < L; l++) {
    dh[l].fill(0);
    dc[l].fill(0);
  }
  // Output layer, every labelled step: loss, dlogits, and the output weights' gradient in one batch.
  lossSum += outputLayerBackward(K, g, off, shape, steps, targets, scale, ws);
  // Recurrent window, newest step first: each step's dh/dc from the future is complete when reached.
  for (let t = T - 1; t >= start; t--) {
    const s = steps[t];
    if (targets[t] >= 0) K.matvecT(p, off.outW, O, H, ws.dlogits[t], 0, dhIn, 0, false);
    else dhIn.fill(0);
    for (let l = L - 1; l >= 0; l--) {
      const o = off.layers[l];
      const dz = ws.dz[(t - start) * L + l];
      // Total gradient of this step's h: from above (dhIn) plus from the next step (dh[l]).
      K.addTo(dhIn, 0, dh[l], 0, H);
      K.cellBackward(dhIn, 0, dc[l], 0, s.gates[l], 0, s.cPrev[l], 0, s.tanhC[l], 0, dz, 0, H);
      if (t > start) K.matvecT(p, o.wHh, 4 * H, H, dz, 0, dh[l], 0, false);
      // The layer below receives this layer's input gradient at the same step.
      if (l > 0) K.matvecT(p, o.wIh, 4 * H, H, dz, 0, dhIn, 0, false);
    }
  }
  // Weight and bias gradients of each layer, summed over the window in one pass each.
  for (let l = 0; l < L; l++) {
    const o = off.layers[l];
    us.length = 0;
    vs.length = 0;
    for (let t = start; t < T; t++) {
      const dz = ws.dz[(t - start) * L + l];
      us.push(dz);
      vs.push(l === 0 ? steps[t].x : steps[t].h[l - 1]);
      K.addTo(g, o.bIh, dz, 0, 4 * H);
    }
    K.outerAddBatch(g, o.wIh, 4 * H, l === 0 ? I : H, us, vs, R);
    for (let t = start; t < T; t++) vs[t - start] = steps[t].hPrev[l];
    K.outerAddBatch(g, o.wHh, 4 * H, H, us, vs, R);
    g.copyWithin(o.bHh, o.bIh, o.bIh + 4 * H);
  }
  if (g !== grad) grad.set(g);
  return lossSum * scale;
}

/**
 * The output layer's backward over every labelled step, shared by both truncation conventions:
 * each step's dlogits (into `ws.dlogits[t]`, the mean's `scale` applied), the output bias's and
 * weights' gradients added into `g` (the weights in one batched call), and the summed loss.
 */
export function outputLayerBackward(
  K: Kernels, g: Float32Array, off: ParamOffsets, shape: LstmShape, steps: StepCache[], targets: Int32Array, scale: number, ws: Workspace,
): number {
  const { hiddenSize: H, layers: L, outputSize: O } = shape;
  const { us, vs } = ws;
  us.length = 0;
  vs.length = 0;
  let lossSum = 0;
  for (let t = 0; t < steps.length; t++) {
    const y = targets[t];
    if (y < 0) continue;
    const s = steps[t];
    // Cross-entropy from logits, in float64 (−log p would lose digits when p is tiny), with the
    // max and the sum of exponentials the forward's softmax computed (the same float64 values).
    lossSum += Math.log(s.softmax[1]) - (s.logits[y] - s.softmax[0]);
    const d = ws.dlogits[t];
    for (let k = 0; k < O; k++) d[k] = s.probs[k] * scale;
    d[y] -= scale;
    K.addTo(g, off.outB, d, 0, O);
    us.push(d);
    vs.push(s.h[L - 1]);
  }
  K.outerAddBatch(g, off.outW, O, H, us, vs, us.length);
  return lossSum;
}
