import type { ResolvedLearnerConfig } from '../learner-config.ts';
import type { HistorySlot } from '../step-history.ts';

/**
 * Steps of history a training stream keeps for its algorithm: TBPTT its window plus the step before
 * it (where a recomputed window starts); a forward-mode method only the step just taken and the one
 * before it. TBPTT's window is max(k1, k2) steps with the `window` truncation, and k1 + k2 − 1 with
 * `per-frame` (the chunk's first frame backpropagates k2 steps, itself included).
 *
 * ## Example
 * ```ts
 * trainingHistorySteps({ algorithm: 'tbptt', k1: 20, k2: 5, truncation: 'per-frame' }); // 25
 * ```
 */
export function trainingHistorySteps(config: Pick<ResolvedLearnerConfig, 'algorithm' | 'k1' | 'k2' | 'truncation'>): number {
  return config.algorithm === 'tbptt' ? tbpttWindowSteps(config) + 1 : 2;
}

/**
 * The most steps a TBPTT chunk's backward pass reads (Infinity for the utterance preset): max(k1, k2)
 * with the `window` truncation, k1 + k2 − 1 with `per-frame`.
 *
 * ## Example
 * ```ts
 * tbpttWindowSteps({ k1: 20, k2: 5, truncation: 'window' }); // 20
 * ```
 */
export function tbpttWindowSteps(config: Pick<ResolvedLearnerConfig, 'k1' | 'k2' | 'truncation'>): number {
  return config.truncation === 'per-frame' ? config.k1 + config.k2 - 1 : Math.max(config.k1, config.k2);
}

/** What a trainer made of one chunk. */
export interface ChunkGradient {
  /** Steps of the chunk with a target: the frames its loss averages over. */
  labelledSteps: number;
  /** Mean cross-entropy (nats) over them; not finite when the update must be skipped. */
  loss: number;
  /** Whether stored steps were recomputed with the current weights first (TBPTT only). */
  recomputed: boolean;
}

/**
 * How a training stream learns, behind one interface so that `LearnerStream` keeps one frame loop
 * for every algorithm: the stream runs each forward step and makes its prediction, then hands the
 * step to {@link afterStep}; at each chunk boundary (every k1 steps, and an utterance's end) it asks
 * for {@link chunkGradient} and applies it through the learner's optimiser; at an utterance end it
 * calls {@link reset}.
 *
 * Two kinds implement it: TBPTT (`tbptt-trainer.ts`), which keeps a window of steps and
 * backpropagates through it at the boundary, and the forward-mode methods (`forward-trainer.ts`:
 * RTRL, SnAp-1, e-prop, UORO), which turn each labelled step into a gradient at once.
 */
export interface StreamTrainer {
  /**
   * After each forward step, once its target is known (`slot.target`, −1 for none), padding steps
   * at an utterance's end included.
   */
  afterStep(slot: HistorySlot): void;
  /**
   * The gradient of the chunk that ends now (its last `steps` steps), written to `grad` (the
   * learner's layout), or null when the chunk has no labelled step.
   */
  chunkGradient(steps: number, grad: Float32Array): ChunkGradient | null;
  /** The utterance ended: forget what carries across steps. */
  reset(): void;
  /** Gives its kernel memory back. */
  free(): void;
}
