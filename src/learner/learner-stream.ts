import { InputError } from '../errors.ts';
import type { FramePrediction } from './learner-event.ts';
import { forwardSequence } from './forward-sequence.ts';
import { forwardStep } from './forward-step.ts';
import { allocFloats, freeFloats } from './kernels/alloc-floats.ts';
import { wasmArena } from './kernels/wasm-arena.ts';
import { zeroState, type LstmState } from './lstm-state.ts';
import type { OnlineLearner } from './online-learner.ts';
import { createStepCache, probsOf, stateAfter, type StepCache } from './step-cache.ts';
import { StepHistory } from './step-history.ts';
import { streamMemory, type StreamMemory } from './stream-memory.ts';
import { GradientWorkspace, tbpttGradients } from './tbptt-gradients.ts';
import { topPhones } from './top-phones.ts';

/** Options of {@link OnlineLearner.openStream}. */
export interface StreamOptions {
  /** Learn from labelled frames. Default: the learner's `trainable`. */
  train?: boolean;
  /** Alternatives reported per prediction, best first. Default 3. */
  topK?: number;
  /** Seconds between frames, for the `t` of predictions when the caller gives none. Default 0.01. */
  hopSeconds?: number;
}

/** What one chunk boundary (every k1 steps, and the end of an utterance) did. */
export interface ChunkResult {
  /** Steps in the chunk (k1, or fewer for the partial chunk at an utterance end). */
  steps: number;
  /** Steps in the chunk with a target (the frames its loss averages over). */
  labelledSteps: number;
  /** Whether the weights were updated (false: not training, no labelled step, or skipped). */
  trained: boolean;
  /**
   * The update was skipped because the loss or the gradient was not finite, or rolled back because
   * it made a weight non-finite: the last good weights are kept and the stream goes on.
   */
  skipped: boolean;
  /** Mean cross-entropy (nats) over the labelled steps, computed in the backward pass; null if not trained. */
  loss: number | null;
  /** Gradient norm before clipping; null if not trained. */
  gradNorm: number | null;
  /** Whether the window before the chunk was recomputed with the current weights (exact gradient). */
  recomputed: boolean;
}

/** The result of pushing one frame. */
export interface PushResult {
  /** The prediction emitted at this step: for frame (this frame − delay); null during the first `delay` steps. */
  prediction: FramePrediction | null;
  /** Present when this frame closed a chunk. */
  chunk: ChunkResult | null;
}

/** The result of ending an utterance. */
export interface EndResult {
  /** Predictions of the last `delay` frames, made on padding steps. */
  predictions: FramePrediction[];
  /**
   * Chunks closed while ending: the padding steps may complete a full chunk, then the partial one
   * is trained (never dropped). Empty when the utterance had no steps since the last boundary.
   */
  chunks: ChunkResult[];
  /** Frames the utterance had. */
  frames: number;
}

/** Running counts of a stream, over its whole life (across utterances). */
export interface StreamStats {
  frames: number;
  utterances: number;
  /** Labelled frames predicted (the accuracy's denominator). */
  labelledFrames: number;
  /** Of those, predicted correctly before being learned from. */
  correct: number;
  /** Updates this stream made. */
  updates: number;
  /** Updates skipped or rolled back (non-finite loss, gradient or resulting weights). */
  skippedUpdates: number;
  /** Sum over trained chunks of (mean loss × labelled steps), for the running mean loss. */
  lossSum: number;
  lossFrames: number;
}

interface PendingFrame {
  index: number;
  t: number;
  target: number;
  label: string | undefined;
}

/**
 * One stream (a corpus replay, a microphone) on a shared {@link OnlineLearner}: its own LSTM state
 * and the history TBPTT needs. Per frame, {@link push} runs one forward step with the current
 * weights and returns the prediction for frame t − delay BEFORE any update that uses that frame's
 * label (so the accuracy is an honest prequential one); every k1 steps it trains on the chunk.
 * {@link end} pads the delay, trains the partial chunk and resets the state. Created by
 * `learner.openStream(id, options)`.
 *
 * ## Example
 * ```ts
 * const s = learner.openStream('mic', { train: false });
 * for (const f of frames) show(s.push(f).prediction);
 * show(s.end().predictions);
 * ```
 */
export class LearnerStream {
  readonly train: boolean;
  readonly stats: StreamStats = {
    frames: 0, utterances: 0, labelledFrames: 0, correct: 0, updates: 0, skippedUpdates: 0, lossSum: 0, lossFrames: 0,
  };
  /** The most kernel memory this stream holds, reserved in the arena when it opened. */
  readonly memory: StreamMemory;
  private readonly topK: number;
  private readonly hop: number;
  private readonly k1: number;
  private readonly k2: number;
  private readonly delay: number;
  private readonly history: StepHistory;
  private readonly zero: LstmState;
  private readonly pending: PendingFrame[] = [];
  private readonly phoneIndex: Map<string, number>;
  private readonly grad: Float32Array;
  private readonly scratch: StepCache[] = [];
  private readonly xs: Float32Array[] = [];
  private readonly lastX: Float32Array;
  private readonly workspace: GradientWorkspace | undefined;
  private readonly releaseMemory: () => void;
  /** Frames pushed in the current utterance. */
  private framesInUtterance = 0;
  /** Steps since the last chunk boundary. */
  private chunkSteps = 0;
  private closed = false;

  constructor(
    readonly learner: OnlineLearner,
    readonly id: string,
    options: StreamOptions,
    private readonly onClose: () => void,
  ) {
    const c = learner.config;
    this.train = options.train ?? c.trainable;
    this.topK = options.topK ?? 3;
    if (!Number.isInteger(this.topK) || this.topK < 1) throw new InputError(`stream ${id}`, `topK: expected a positive integer, got ${this.topK}`);
    this.hop = options.hopSeconds ?? 0.01;
    this.k1 = c.k1;
    this.k2 = c.k2;
    this.delay = c.delay;
    this.memory = streamMemory(learner.shape, c, this.train);
    // Reserve the worst case before allocating anything: a stream that could not finish its longest
    // window is refused now, with the figure, instead of running out of memory mid-utterance.
    this.releaseMemory = wasmArena()?.reserve(this.memory.maxBytes, `stream "${id}" (${describeWindow(c, this.train)})`,
      c.k1 === Infinity && this.train
        ? 'lower maxUtteranceFrames and send end-of-utterance markers, or train with the tbptt preset'
        : 'close other streams, or raise PHONESTREAM_ARENA_MIB') ?? (() => {});
    // A training stream keeps the window max(k1, k2) plus the step before it, whose state is where
    // a recomputed window starts; a predicting one needs only the previous step's state.
    this.history = new StepHistory(learner.shape, this.train ? Math.max(this.k1, this.k2) + 1 : 2);
    this.zero = zeroState(learner.shape);
    this.phoneIndex = new Map(c.phones.map((p, i) => [p, i]));
    this.grad = this.train ? allocFloats(learner.layout.total) : new Float32Array(0);
    this.workspace = this.train ? new GradientWorkspace(learner.shape) : undefined;
    this.lastX = new Float32Array(c.inputSize);
  }

  /**
   * Predicts one frame, and trains when it closes a chunk.
   *
   * @param features `inputSize` floats.
   * @param label the frame's phone (must be in the learner's phone set), or undefined (only predicted).
   * @param t the frame's start in seconds (default frame index × hop).
   */
  push(features: Float32Array, label?: string, t?: number): PushResult {
    const step = this.beginPush(features, label, t);
    forwardStep(this.learner.params, this.learner.shape, step.x, step.prev, step.cache);
    return this.finishPush();
  }

  /**
   * The first half of {@link push}, for {@link pushBatch}: checks the frame (throwing before any
   * change, as push does) and takes the history slot; returns what the forward step needs. The
   * caller runs that step (alone or batched with other streams), then calls {@link finishPush}.
   * @internal
   */
  beginPush(features: Float32Array, label?: string, t?: number): { x: Float32Array; prev: LstmState; cache: StepCache } {
    this.assertOpen();
    const n = this.learner.config.inputSize;
    if (!(features instanceof Float32Array) || features.length !== n) {
      const got = features instanceof Float32Array ? `${features.length} floats` : typeof features;
      throw new InputError(`stream ${this.id}`, `frame ${this.framesInUtterance}: expected ${n} features, got ${got}`);
    }
    let target = -1;
    if (label !== undefined) {
      const idx = this.phoneIndex.get(label);
      if (idx === undefined) {
        throw new InputError(`stream ${this.id}`, `frame ${this.framesInUtterance}: label "${label}" is not in the learner's phone set (${this.learner.config.phones.length} phones)`);
      }
      target = idx;
    }
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(features[i])) {
        throw new InputError(`stream ${this.id}`, `frame ${this.framesInUtterance}: feature ${i} is ${features[i]}`);
      }
    }
    const maxFrames = this.learner.config.maxUtteranceFrames;
    if (this.train && this.k1 === Infinity && this.framesInUtterance >= maxFrames) {
      throw new InputError(`stream ${this.id}`, `utterance longer than maxUtteranceFrames (${maxFrames} frames) with the utterance preset: send end-of-utterance markers, raise maxUtteranceFrames, or use the tbptt preset`);
    }
    const index = this.framesInUtterance++;
    this.pending.push({ index, t: t ?? index * this.hop, target, label });
    this.lastX.set(features);
    this.stats.frames++;
    return this.beginStep(features);
  }

  /** The second half of {@link push}: the prediction, and the chunk's training when the frame closed one. @internal */
  finishPush(): PushResult {
    const prediction = this.finishStep();
    const chunk = this.chunkSteps === this.k1 ? this.closeChunk() : null;
    return { prediction, chunk };
  }

  /**
   * Ends the utterance: pads `delay` steps (repeating the last frame) so every frame is predicted,
   * trains the partial chunk (never dropped), and resets the state to zero.
   */
  end(): EndResult {
    this.assertOpen();
    const frames = this.framesInUtterance;
    const predictions: FramePrediction[] = [];
    const chunks: ChunkResult[] = [];
    // Whatever throws in here, the next utterance starts from a zero state and an empty history.
    try {
      if (frames > 0) {
        for (let i = 0; i < this.delay; i++) {
          const p = this.step(this.lastX);
          if (p !== null) predictions.push(p);
          if (this.chunkSteps === this.k1) chunks.push(this.closeChunk());
        }
      }
      if (this.chunkSteps > 0) chunks.push(this.closeChunk());
    } finally {
      this.reset();
      this.stats.utterances++;
    }
    return { predictions, chunks, frames };
  }

  /** Drops the current utterance without training on it: zero state, empty history. */
  reset(): void {
    this.history.clear();
    this.pending.length = 0;
    this.framesInUtterance = 0;
    this.chunkSteps = 0;
  }

  /** Detaches the stream from its learner and gives its kernel memory back to the arena. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.history.free();
    for (const c of this.scratch) freeFloats(c.buf);
    this.scratch.length = 0;
    if (this.train) freeFloats(this.grad);
    this.workspace?.free();
    this.releaseMemory();
    this.onClose();
  }

  /** Prequential accuracy so far (null before any labelled frame). */
  get accuracy(): number | null {
    return this.stats.labelledFrames === 0 ? null : this.stats.correct / this.stats.labelledFrames;
  }

  /** Mean training loss so far, weighted by labelled frames (null before any update). */
  get loss(): number | null {
    return this.stats.lossFrames === 0 ? null : this.stats.lossSum / this.stats.lossFrames;
  }

  /** One forward step; returns the prediction for the frame `delay` steps back, if it exists. */
  private step(x: Float32Array): FramePrediction | null {
    const s = this.beginStep(x);
    forwardStep(this.learner.params, this.learner.shape, s.x, s.prev, s.cache);
    return this.finishStep();
  }

  /** Takes the next history slot for a step on x: the step's input, its entering state and its cache. */
  private beginStep(x: Float32Array): { x: Float32Array; prev: LstmState; cache: StepCache } {
    const h = this.history;
    const prev = h.count === 0 ? this.zero : stateAfter(h.newest(0).cache);
    const slot = h.next();
    slot.x.set(x);
    slot.version = this.learner.version;
    return { x: slot.x, prev, cache: slot.cache };
  }

  /** After the forward step into the newest slot: counts it and makes the delayed prediction. */
  private finishStep(): FramePrediction | null {
    const h = this.history;
    const slot = h.newest(0);
    const stepIndex = h.total - 1;
    this.chunkSteps++;
    slot.target = -1;
    if (stepIndex < this.delay) return null;
    const frame = this.pending.shift();
    if (frame === undefined) return null;
    slot.target = this.train ? frame.target : -1;
    return this.predict(frame, probsOf(slot.cache));
  }

  private predict(frame: PendingFrame, probs: Float32Array): FramePrediction {
    const top = topPhones(probs, this.learner.config.phones, this.topK);
    const prediction: FramePrediction = { index: frame.index, t: frame.t, label: top[0][0], p: top[0][1], top };
    if (frame.label !== undefined) {
      prediction.truth = frame.label;
      this.stats.labelledFrames++;
      // A non-finite probability is no prediction at all: never scored correct.
      if (top[0][0] === frame.label && Number.isFinite(top[0][1])) this.stats.correct++;
    }
    return prediction;
  }

  /** Trains on the chunk of the last `chunkSteps` steps (when training and it has labels). */
  private closeChunk(): ChunkResult {
    const steps = this.chunkSteps;
    this.chunkSteps = 0;
    const h = this.history;
    const result: ChunkResult = { steps, labelledSteps: 0, trained: false, skipped: false, loss: null, gradNorm: null, recomputed: false };
    if (!this.train) return result;
    const n = Math.min(Math.max(steps, this.k2), h.count, h.total);
    const window = h.last(n);
    const targets = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      targets[i] = i < n - steps ? -1 : window[i].target;
      if (targets[i] >= 0) result.labelledSteps++;
    }
    if (result.labelledSteps === 0) return result;
    const learner = this.learner;
    let caches = window.map((s) => s.cache);
    const stale = window.some((s) => s.version !== learner.version);
    if (stale && !learner.config.reuseActivations) {
      caches = this.recompute(n, n - steps);
      result.recomputed = true;
    }
    const loss = tbpttGradients(learner.params, learner.shape, caches, targets, Math.min(this.k2, n), this.grad, this.workspace);
    const update = Number.isFinite(loss) ? learner.applyGradient(this.grad) : learner.skipUpdate(Infinity);
    result.gradNorm = update.gradNorm;
    if (update.skipped) {
      result.skipped = true;
      this.stats.skippedUpdates++;
      return result;
    }
    result.trained = true;
    result.loss = loss;
    this.stats.updates++;
    this.stats.lossSum += loss * result.labelledSteps;
    this.stats.lossFrames += result.labelledSteps;
    return result;
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
    while (this.scratch.length < n) this.scratch.push(createStepCache(this.learner.shape));
    this.xs.length = n;
    const window = h.last(n);
    for (let i = 0; i < n; i++) this.xs[i] = window[i].x;
    const caches = this.scratch.slice(0, n);
    forwardSequence(this.learner.params, this.learner.shape, this.xs, initial, caches, outputFrom);
    return caches;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`stream ${this.id}: used after close()`);
  }
}

/** The stream's window, in words, for the memory-limit message. */
function describeWindow(c: { k1: number; k2: number; maxUtteranceFrames: number }, train: boolean): string {
  if (!train) return 'predicting';
  if (c.k1 === Infinity) return `training over whole utterances of up to ${c.maxUtteranceFrames} frames`;
  return `training TBPTT(${c.k1}, ${c.k2})`;
}
