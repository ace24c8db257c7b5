import type { FeatureStats } from './feature-stats.ts';

/** Window shape applied to each 25 ms frame before the FFT. */
export type WindowKind = 'hamming' | 'hann';

/**
 * How feature vectors are normalised per dimension:
 * - `none`: raw features (what `phonestream features` prints by default);
 * - `running`: running mean and variance (Welford) of the stream so far; the first `warmupFrames`
 *   frames are held back and normalised with their own statistics, so early frames are not
 *   scaled by a variance estimated from one or two frames;
 * - `fixed`: statistics computed over a corpus by `phonestream stats` (see `loadFeatureStats`).
 */
export type FeatureNormalization =
  | { kind: 'none' }
  | { kind: 'running'; warmupFrames: number }
  | { kind: 'fixed'; stats: FeatureStats };

/**
 * Options of the feature pipeline (`toFeatureFrames`). Sizes are in samples at `sampleRate`;
 * start from `DEFAULT_FEATURE_CONFIG` and check with `validateFeatureConfig`.
 */
export interface FeatureConfig {
  /** Hz; the audio sources resample to 16 kHz, so this must be 16000. */
  sampleRate: number;
  /** Samples per analysis window (400 = 25 ms). */
  windowSize: number;
  /** Samples between window starts (160 = 10 ms). */
  hopSize: number;
  /** FFT size, a power of two ≥ windowSize; the window is zero-padded to it (512). */
  fftSize: number;
  /** Pre-emphasis coefficient k in y[n] = x[n] − k·x[n−1], applied to the continuous signal. */
  preEmphasis: number;
  window: WindowKind;
  /** Mel filters (meyda's mel filterbank from 0 Hz to Nyquist). */
  melBands: number;
  /** Cepstra kept after c0: c1..c{numCepstra}; log energy replaces c0. */
  numCepstra: number;
  /**
   * Samples (in −1..1) are multiplied by this before analysis. meyda takes log(x + 1) of the mel
   * energies, which is only a log when x ≫ 1; at the 16-bit scale (32768, also HTK's) that holds
   * across speech's dynamic range instead of flattening quiet bands to ~0.
   */
  sampleScale: number;
  /** 1: statics + deltas (26 dims with 12 cepstra); 2: + delta-deltas (39 dims). */
  deltaOrder: 1 | 2;
  /** Regression half-window Θ of the delta formula, in frames; also the look-ahead per order. */
  deltaWindow: number;
  normalization: FeatureNormalization;
}

/**
 * Graves (2005)'s 26 inputs: 12 MFCCs + log energy and their deltas, from 25 ms Hamming windows
 * every 10 ms at 16 kHz, pre-emphasis 0.97, running normalisation after a 100-frame (1 s) warm-up.
 *
 * ## Example
 * ```ts
 * const cfg: FeatureConfig = { ...DEFAULT_FEATURE_CONFIG, deltaOrder: 2 }; // 39 dims
 * ```
 */
export const DEFAULT_FEATURE_CONFIG: Readonly<FeatureConfig> = Object.freeze({
  sampleRate: 16000,
  windowSize: 400,
  hopSize: 160,
  fftSize: 512,
  preEmphasis: 0.97,
  window: 'hamming',
  melBands: 26,
  numCepstra: 12,
  sampleScale: 32768,
  deltaOrder: 1,
  deltaWindow: 2,
  normalization: Object.freeze({ kind: 'running', warmupFrames: 100 }),
});
