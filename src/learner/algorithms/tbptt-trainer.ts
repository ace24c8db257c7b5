import { forwardSequence } from '../forward-sequence.ts';
import { freeFloats } from '../kernels/alloc-floats.ts';
import { zeroState, type LstmState } from '../lstm-state.ts';
import { createStepCache, stateAfter, type StepCache } from '../step-cache.ts';
import type { StepHistory } from '../step-history.ts';
import type { StreamModel } from '../stream-model.ts';
import { perFrameGradients } from '../per-frame-gradients.ts';
import { SourceCotangents } from '../source-cotangents.ts';
import { GradientWorkspace, tbpttGradients } from '../tbptt-gradients.ts';
import type { ChunkGradient, StreamTrainer } from './stream-trainer.ts';

/**
 * TBPTT(k1, k2) for one stream: the window is the stream's history; at each boundary the chunk's
 * labelled steps' losses are backpropagated through the last max(steps, k2) steps (the `window`
 * convention: the gradient flows through the last k2 steps of the chunk), or, with the `per-frame`
 * truncation, each labelled step's loss through the k2 steps ending at it (the window is then the
 * chunk and the k2 − 1 steps before it); after recomputing the window with the current weights when
 * any step was computed before an update (unless `reuseActivations`).
 */
export class TbpttTrainer implements StreamTrainer {
  private readonly workspace: GradientWorkspace;
  private readonly sources: SourceCotangents;
  private readonly zero: LstmState;
  private readonly scratch: StepCache[] = [];
  private readonly xs: Float32Array[] = [];

  constructor(
    private readonly model: StreamModel,
    private readonly history: StepHistory,
  ) {
    this.workspace = new GradientWorkspace(model.shape);
    this.sources = new SourceCotangents(model.shape);
    this.zero = zeroState(model.shape);
  }

  afterStep(): void {}

  chunkGradient(steps: number, grad: Float32Array): ChunkGradient | null {
    const { model, history: h } = this;
    const { k2, truncation } = model.config;
    const perFrame = truncation === 'per-frame';
    // per-frame: the chunk's first step needs the k2 − 1 steps before it (k2 = Infinity: all).
    const reach = perFrame ? steps + k2 - 1 : Math.max(steps, k2);
    const n = Math.min(reach, h.count, h.total);
    const window = h.last(n);
    const targets = new Int32Array(n);
    let labelledSteps = 0;
    for (let i = 0; i < n; i++) {
      targets[i] = i < n - steps ? -1 : window[i].target;
      if (targets[i] >= 0) labelledSteps++;
    }
    if (labelledSteps === 0) return null;
    let caches = window.map((s) => s.cache);
    let recomputed = false;
    if (window.some((s) => s.version !== model.version) && !model.config.reuseActivations) {
      caches = this.recompute(n, n - steps);
      recomputed = true;
    }
    const loss = perFrame
      ? perFrameGradients(model.params, model.shape, caches, targets, Math.min(k2, n), grad, this.workspace, this.sources)
      : tbpttGradients(model.params, model.shape, caches, targets, Math.min(k2, n), grad, this.workspace);
    return { labelledSteps, loss, recomputed };
  }

  reset(): void {}

  free(): void {
    for (const c of this.scratch) freeFloats(c.buf);
    this.scratch.length = 0;
    this.workspace.free();
    this.sources.free();
  }

  /**
   * Recomputes the last n steps with the current weights from the state entering them, because some
   * were computed before an update (k2 > k1, or another stream trained the shared model meanwhile).
   * The online state carried forward is left as it was: it produced the predictions already made.
   * Only the steps from `outputFrom` on (the chunk, the only ones with targets) get the output layer.
   */
  private recompute(n: number, outputFrom: number): StepCache[] {
    const h = this.history;
    const initial = n === h.total ? this.zero : stateAfter(h.newest(n).cache);
    while (this.scratch.length < n) this.scratch.push(createStepCache(this.model.shape));
    this.xs.length = n;
    const window = h.last(n);
    for (let i = 0; i < n; i++) this.xs[i] = window[i].x;
    const caches = this.scratch.slice(0, n);
    forwardSequence(this.model.params, this.model.shape, this.xs, initial, caches, outputFrom);
    return caches;
  }
}
