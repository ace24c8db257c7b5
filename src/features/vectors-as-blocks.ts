import { map, type OperatorFunction } from 'rxjs';
import type { VectorBlock } from './vector-block.ts';

/**
 * Wraps each vector as a block of one (its array is used as is, not copied): how the per-vector
 * operators (appendDeltas, normalizeRunning, normalizeFixed) run on their block versions.
 *
 * ## Example
 * ```ts
 * vectors$.pipe(vectorsAsBlocks(), appendDeltaBlocks(2, 0, 13), splitVectorBlocks());
 * ```
 */
export function vectorsAsBlocks(): OperatorFunction<Float32Array, VectorBlock> {
  return map((v) => ({ values: v, count: 1, dims: v.length }));
}
