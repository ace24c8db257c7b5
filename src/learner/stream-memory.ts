import { forwardGradientFloats } from './algorithms/create-forward-gradient.ts';
import { tbpttWindowSteps } from './algorithms/stream-trainer.ts';
import type { ResolvedLearnerConfig } from './learner-config.ts';
import type { LstmShape } from './lstm-shape.ts';
import { paramLayout } from './param-layout.ts';
import { SourceCotangents } from './source-cotangents.ts';
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
 * predicting stream keeps two step caches; a training one keeps its window (max(k1, k2), or
 * k1 + k2 − 1 with the `per-frame` truncation; for the utterance preset, `maxUtteranceFrames` +
 * delay) plus the step before it, a second copy of the window for recomputing it with current
 * weights (unless `reuseActivations`), the backward pass's scratch for the window (`per-frame`: and
 * its ring of k2 per-frame cotangents, when k2 does not cover the window), the gradient and the
 * kernels' pointer tables; a forward-mode method's
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
  config: Pick<ResolvedLearnerConfig, 'algorithm' | 'k1' | 'k2' | 'truncation' | 'delay' | 'maxUtteranceFrames' | 'reuseActivations'>,
  train: boolean,
): StreamMemory {
  const cache = blockBytes(stepCacheFloats(shape));
  if (!train) return { windowSteps: 2, bytesPerStep: cache, maxBytes: 2 * cache };
  if (config.algorithm !== 'tbptt') {
    const params = blockBytes(paramLayout(shape).total);
    const maxBytes = 2 * cache + 2 * params + blockBytes(forwardGradientFloats(config.algorithm, shape));
    return { windowSteps: 2, bytesPerStep: cache, maxBytes };
  }
  const window = Number.isFinite(config.k1) ? tbpttWindowSteps(config) : config.maxUtteranceFrames + config.delay;
  const copies = config.reuseActivations ? 1 : 2;
  // The per-frame ring exists only when some frame's k2 steps end inside the window (see perFrameGradients).
  const ring = config.truncation === 'per-frame' && config.k2 < window ? SourceCotangents.bytesFor(shape, config.k2) : 0;
  const workspace = GradientWorkspace.bytesFor(shape, window) + ring;
  const params = blockBytes(paramLayout(shape).total);
  // Pointer tables of the batched weight gradient: two u32 per step, in a block of 4 floats per step.
  const tables = blockBytes(Math.max(64, 4 * window));
  const maxBytes = (window + 1) * cache + (copies - 1) * window * cache + workspace + params + tables;
  return { windowSteps: window, bytesPerStep: Math.round((maxBytes - params) / window), maxBytes };
}
