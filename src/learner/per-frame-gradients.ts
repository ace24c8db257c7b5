import { InputError } from '../errors.ts';
import { kernelsFor } from './kernels/kernels-for.ts';
import { stageInArena } from './kernels/stage-in-arena.ts';
import type { LstmShape } from './lstm-shape.ts';
import { paramOffsets } from './math-param-offsets.ts';
import type { SourceCotangents } from './source-cotangents.ts';
import type { StepCache } from './step-cache.ts';
import { GradientWorkspace, outputLayerBackward, tbpttGradients } from './tbptt-gradients.ts';

/**
 * Loss and gradient of one chunk under the `per-frame` truncation: each labelled step f's loss
 * flows back through the recurrence over steps max(0, f − k2 + 1) … f only (the state entering the
 * first of them is a constant), wherever f is in the window. The loss is the mean cross-entropy
 * over the labelled steps and the gradient that of the mean, as {@link tbpttGradients}. The caller
 * passes the chunk's steps and the k2 − 1 before them (targets −1 there), so the chunk's first frame
 * has its k2 steps.
 *
 * How: one backward sweep, newest step first, that carries a separate cotangent (dh, dc per layer)
 * for every labelled step whose loss is still travelling back, in a ring of k2 slots (frame f in slot
 * f mod k2: frame f + k2 has just expired when f starts). At each step every live cotangent goes
 * through the cell backward and the recurrent matvec, O(k2) per step; their gate gradients are then
 * summed, because the weight gradient is linear in them, so the weight gradients (the outer products,
 * the costliest part) are formed once per step of the window, as in the window backward. Chosen over
 * k1 separate k2-step backward passes, which do the same recurrent work but k2 outer products per
 * step; a running-sum scheme that subtracts each expiring frame's contribution would do less but
 * cancels large LSTM gradients in float32. When k2 covers the whole window nothing expires: that is
 * the window backward, and it is called (same bits).
 *
 * @param params the flat parameter vector the steps were computed with.
 * @param shape the network's sizes.
 * @param steps caches filled by `forwardStep`, oldest first, contiguous in time.
 * @param targets class index per step, −1 for no loss; same length as `steps`.
 * @param k2 steps each labelled step's loss flows back through (itself included; ≥ 1).
 * @param grad overwritten with the gradient, `params.length` floats.
 * @param workspace the window backward's scratch (per-step gate gradients, logits' gradients).
 * @param sources the ring of per-frame cotangents.
 * @returns the mean cross-entropy in nats (0, with a zero gradient, when no step has a target).
 *
 * ## Example
 * ```ts
 * // TBPTT(20, 5), per-frame: the chunk's 20 steps and the 4 before them
 * const loss = perFrameGradients(params, shape, caches24, targets24, 5, grad, workspace, sources);
 * ```
 */
export function perFrameGradients(
  params: Float32Array, shape: LstmShape, steps: StepCache[], targets: Int32Array, k2: number,
  grad: Float32Array, workspace: GradientWorkspace, sources: SourceCotangents,
): number {
  const T = steps.length;
  const R = Math.max(1, Math.floor(k2));
  if (R >= T) return tbpttGradients(params, shape, steps, targets, T, grad, workspace);
  const off = paramOffsets(shape);
  const { inputSize: I, hiddenSize: H, layers: L, outputSize: O } = shape;
  if (params.length !== off.total) {
    throw new InputError('perFrameGradients params', `expected ${off.total} floats for this shape, got ${params.length}`);
  }
  if (grad.length !== off.total) {
    throw new InputError('perFrameGradients grad', `expected ${off.total} floats for this shape, got ${grad.length}`);
  }
  if (targets.length !== T) {
    throw new InputError('perFrameGradients targets', `expected one per step (${T}), got ${targets.length}`);
  }
  let labelled = 0;
  for (let t = 0; t < T; t++) {
    const y = targets[t];
    if (y >= O || (y < 0 && y !== -1)) {
      throw new InputError('perFrameGradients targets', `target ${t} is ${y}: expected −1 or a class in [0, ${O})`);
    }
    if (y >= 0) labelled++;
  }
  if (labelled === 0) {
    grad.fill(0);
    return 0;
  }
  const ws = workspace.forSteps(T);
  const slots = sources.forSources(R);
  const p = stageInArena(params, 0);
  const g = stageInArena(grad, 1, false);
  g.fill(0);
  const K = kernelsFor(p, g, steps, [ws, sources.block]);
  const scale = 1 / labelled;
  let lossSum = 0;
  const { us, vs } = ws;
  // Output layer, every labelled step (as the window backward): loss, dlogits, output weights.
  lossSum += outputLayerBackward(K, g, off, shape, steps, targets, scale, ws);
  // The sweep: at step t the live sources are the labelled f in [t, t + R − 1].
  for (let t = T - 1; t >= 0; t--) {
    const s = steps[t];
    const newest = Math.min(T - 1, t + R - 1);
    for (let l = L - 1; l >= 0; l--) {
      const o = off.layers[l];
      const dzSum = ws.dz[t * L + l];
      dzSum.fill(0);
      for (let f = t; f <= newest; f++) {
        if (targets[f] < 0) continue;
        const src = slots[f % R];
        if (l === L - 1) {
          if (f === t) {
            // The source starts here: nothing from later steps yet.
            for (let m = 0; m < L; m++) {
              src.dh[m].fill(0);
              src.dc[m].fill(0);
            }
            K.matvecT(p, off.outW, O, H, ws.dlogits[t], 0, src.dhIn, 0, false);
          } else {
            src.dhIn.fill(0);
          }
        }
        K.addTo(src.dhIn, 0, src.dh[l], 0, H);
        K.cellBackward(src.dhIn, 0, src.dc[l], 0, s.gates[l], 0, s.cPrev[l], 0, s.tanhC[l], 0, src.dz, 0, H);
        K.addTo(dzSum, 0, src.dz, 0, 4 * H);
        // Step f − R + 1 is the source's last: the state entering it is a constant for f's loss.
        if (t > 0 && t > f - R + 1) K.matvecT(p, o.wHh, 4 * H, H, src.dz, 0, src.dh[l], 0, false);
        if (l > 0) K.matvecT(p, o.wIh, 4 * H, H, src.dz, 0, src.dhIn, 0, false);
      }
    }
  }
  // Weight and bias gradients of each layer from the summed gate gradients, one pass each.
  for (let l = 0; l < L; l++) {
    const o = off.layers[l];
    us.length = 0;
    vs.length = 0;
    for (let t = 0; t < T; t++) {
      const dz = ws.dz[t * L + l];
      us.push(dz);
      vs.push(l === 0 ? steps[t].x : steps[t].h[l - 1]);
      K.addTo(g, o.bIh, dz, 0, 4 * H);
    }
    K.outerAddBatch(g, o.wIh, 4 * H, l === 0 ? I : H, us, vs, T);
    for (let t = 0; t < T; t++) vs[t] = steps[t].hPrev[l];
    K.outerAddBatch(g, o.wHh, 4 * H, H, us, vs, T);
    g.copyWithin(o.bHh, o.bIh, o.bIh + 4 * H);
  }
  if (g !== grad) grad.set(g);
  return lossSum * scale;
}
