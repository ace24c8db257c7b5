import { forwardGradientFloats } from './algorithms/create-forward-gradient.ts';
import type { ResolvedLearnerConfig } from './learner-config.ts';
import type { LstmShape } from './lstm-shape.ts';
import { paramLayout } from './param-layout.ts';
import { stepCacheFloats } from './step-cache.ts';
import { GradientWorkspace } from './tbptt-gradients.ts';

/** A stream's kernel memory: what it holds at most, and what one more frame of window costs. */
export interface StreamMemory {
  /** Steps of history the stream keeps at most (its training window, or 2 when predicting). */
  windowSteps: number;
  /** Bytes per step of window: its cache, the recompute copy and the backward scratch. */
  bytesPerStep: number;
  /** The worst case in bytes: what the stream reserves in the kernel arena when it opens. */
  maxBytes: number;
}

/** Bytes an arena block of n floats takes (16-byte aligned). */
export const blockBytes = (floats: number): number => (floats * 4 + 15) & ~15;

/**
 * The most kernel memory one stream of this learner can hold, from its configuration alone: a
 * predicting stream keeps two step caches; a training one keeps its window max(k1, k2) (for the
 * utterance preset, `maxUtteranceFrames` + delay) plus the step before it, a second copy of the
 * window for recomputing it with current weights (unless `reuseActivations`), the backward pass's
 * scratch for the window, the gradient and the kernels' pointer tables; a forward-mode method's
 * stream (`algorithm` not tbptt) two step caches, the gradient, the chunk's running sum of it and
 * the method's traces ({@link forwardGradientFloats}). This is the figure a stream
 * reserves in the arena before it may open, so it is refused up front rather than failing later.
 *
 * @param shape the network's sizes.
 * @param config the learner's resolved config.
 * @param train whether the stream trains.
 *
 * ## Example
 * ```ts
 * streamMemory(learner.shape, learner.config, true).maxBytes; // ≈ 0.4 MB for TBPTT(20, 20), hidden 128
 * ```
 */
export function streamMemory(
  shape: LstmShape,
  config: Pick<ResolvedLearnerConfig, 'algorithm' | 'k1' | 'k2' | 'delay' | 'maxUtteranceFrames' | 'reuseActivations'>,
  train: boolean,
): StreamMemory {
  const cache = blockBytes(stepCacheFloats(shape));
  if (!train) return { windowSteps: 2, bytesPerStep: cache, maxBytes: 2 * cache };
  if (config.algorithm !== 'tbptt') {
    const params = blockBytes(paramLayout(shape).total);
    const maxBytes = 2 * cache + 2 * params + blockBytes(forwardGradientFloats(config.algorithm, shape));
    return { windowSteps: 2, bytesPerStep: cache, maxBytes };
  }
  const window = Number.isFinite(config.k1) ? Math.max(config.k1, config.k2) : config.maxUtteranceFrames + config.delay;
  const copies = config.reuseActivations ? 1 : 2;
  const workspace = GradientWorkspace.bytesFor(shape, window);
  const params = blockBytes(paramLayout(shape).total);
  // Pointer tables of the batched weight gradient: two u32 per step, in a block of 4 floats per step.
  const tables = blockBytes(Math.max(64, 4 * window));
  const maxBytes = (window + 1) * cache + (copies - 1) * window * cache + workspace + params + tables;
  return { windowSteps: window, bytesPerStep: Math.round((maxBytes - params) / window), maxBytes };
}
