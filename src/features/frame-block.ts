/**
 * Consecutive analysis frames that share their samples: frame j of the block is
 * `samples[j·hop … j·hop + windowSize)` of the pre-emphasised signal (`hop` and `windowSize` from
 * the feature options). `frameBlocks` emits one per input chunk, so the spectra of a chunk's frames
 * are computed in one batch while no frame waits for a later chunk.
 */
export interface FrameBlock {
  /** Pre-emphasised samples, (count − 1)·hop + windowSize of them; owned by the block. */
  samples: Float32Array;
  /** Frames in the block, ≥ 1. */
  count: number;
}
