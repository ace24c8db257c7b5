/**
 * Per-dimension statistics of feature vectors over a corpus, as `phonestream stats` writes them
 * (JSON) and fixed normalisation reads them. `variance` is the population variance.
 */
export interface FeatureStats {
  dims: number;
  /** Number of frames the statistics were computed over. */
  frames: number;
  mean: number[];
  variance: number[];
}
