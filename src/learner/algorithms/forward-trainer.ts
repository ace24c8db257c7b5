import { allocFloats, freeFloats } from '../kernels/alloc-floats.ts';
import { paramOffsets } from '../math-param-offsets.ts';
import { probsOf } from '../step-cache.ts';
import type { HistorySlot } from '../step-history.ts';
import type { StreamModel } from '../stream-model.ts';
import type { ForwardGradient } from './forward-gradient.ts';
import type { ChunkGradient, StreamTrainer } from './stream-trainer.ts';

/**
 * A forward-mode method (RTRL, SnAp-1, e-prop, UORO) driving one training stream: every step's
 * traces are carried forward; every labelled step's loss becomes a gradient at once — the readout's
 * exactly, the LSTM's through the method's traces — summed over the chunk and averaged at its
 * boundary, so k1 = 1 is an update after every frame and k1 = N one per N frames, with no window.
 * Under a target delay the loss of step t is that of frame t − delay, as for TBPTT.
 */
export class ForwardTrainer implements StreamTrainer {
  /** The chunk's summed gradient so far, and its summed loss and labelled steps. */
  private readonly sum: Float32Array;
  private readonly dh: Float32Array;
  private readonly dLogits: Float32Array;
  private lossSum = 0;
  private labelled = 0;
  private freed = false;

  constructor(
    private readonly model: StreamModel,
    readonly method: ForwardGradient,
  ) {
    this.sum = allocFloats(model.layout.total);
    this.dh = new Float32Array(model.shape.hiddenSize);
    this.dLogits = new Float32Array(model.shape.outputSize);
  }

  /** Floats it holds in the arena: the method's traces and the chunk's gradient. */
  get floats(): number {
    return this.method.floats + this.model.layout.total;
  }

  afterStep(slot: HistorySlot): void {
    const { params, shape } = this.model;
    const cache = slot.cache;
    this.method.propagate(cache, params);
    if (slot.target < 0) return;
    const { hiddenSize: H, outputSize: O, layers: L } = shape;
    const off = paramOffsets(shape);
    const probs = probsOf(cache);
    const h = cache.h[L - 1];
    const dLogits = this.dLogits;
    for (let k = 0; k < O; k++) dLogits[k] = probs[k];
    dLogits[slot.target] -= 1;
    this.lossSum += -Math.log(probs[slot.target]);
    this.labelled++;
    // The readout's gradient is exact and local: ∂loss/∂W_out = (p − y) hᵀ, ∂loss/∂b_out = p − y;
    // and the learning signal for the LSTM is ∂loss/∂h = W_outᵀ (p − y).
    const g = this.sum;
    const dh = this.dh.fill(0);
    for (let k = 0; k < O; k++) {
      const d = dLogits[k];
      const row = off.outW + k * H;
      g[off.outB + k] += d;
      for (let j = 0; j < H; j++) {
        g[row + j] += d * h[j];
        dh[j] += params[row + j] * d;
      }
    }
    this.method.accumulate(cache, params, dh, g);
  }

  chunkGradient(_steps: number, grad: Float32Array): ChunkGradient | null {
    const labelledSteps = this.labelled;
    if (labelledSteps === 0) return null;
    // The mean over the chunk's labelled steps, as TBPTT's chunk loss is.
    const scale = 1 / labelledSteps;
    const sum = this.sum;
    for (let i = 0; i < sum.length; i++) grad[i] = sum[i] * scale;
    const loss = this.lossSum * scale;
    this.clearChunk();
    return { labelledSteps, loss, recomputed: false };
  }

  reset(): void {
    this.method.reset();
    // a chunk never spans utterances: the stream closes it at the end before resetting
    this.clearChunk();
  }

  free(): void {
    if (this.freed) return;
    this.freed = true;
    this.method.dispose();
    freeFloats(this.sum);
  }

  private clearChunk(): void {
    this.sum.fill(0);
    this.lossSum = 0;
    this.labelled = 0;
  }
}
