/**
 * Consecutive feature vectors of one stream, stored frame after frame: vector j is
 * `values[j·dims … (j + 1)·dims)`. The feature pipeline passes one block per input chunk from the
 * MFCC kernel through deltas and normalisation, so the per-frame work is arithmetic on one array
 * rather than an array and an operator hop per stage.
 */
export interface VectorBlock {
  /** count × dims values; owned by the block. */
  values: Float32Array;
  /** Vectors in the block (≥ 0). */
  count: number;
  /** Values per vector. */
  dims: number;
}
