import { ConfigError } from '../errors.ts';
import type { FeatureConfig } from './feature-config.ts';
import { featureDims } from './feature-dims.ts';

const MEYDA_MAX_COEFFICIENTS = 40;

function fail(option: string, expected: string, got: unknown): never {
  throw new ConfigError(`feature option ${option} must be ${expected}, got ${JSON.stringify(got)}`);
}

function integerIn(cfg: FeatureConfig, option: keyof FeatureConfig, min: number, max: number): void {
  const v = cfg[option];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    fail(option, `an integer from ${min} to ${max}`, v);
  }
}

/**
 * Checks a feature configuration up front, so a bad option fails when the pipeline is built with a
 * message naming it, instead of as wrong numbers later. In particular meyda silently clamps the
 * number of MFCCs to 1..40: we refuse what it would clamp (c0 is computed and dropped, so
 * numCepstra + 1 must be ≤ 40 and ≤ melBands).
 *
 * @param cfg the configuration to check
 * @returns the same configuration, for chaining
 * @throws ConfigError naming the option, what was expected and what was given
 *
 * ## Example
 * ```ts
 * validateFeatureConfig({ ...DEFAULT_FEATURE_CONFIG, numCepstra: 50 });
 * // ConfigError: feature option numCepstra must be an integer from 1 to 39 (meyda computes at most 40 coefficients, c0 included), got 50
 * ```
 */
export function validateFeatureConfig(cfg: FeatureConfig): FeatureConfig {
  if (cfg === null || typeof cfg !== 'object') fail('config', 'an object', cfg);
  if (cfg.sampleRate !== 16000) fail('sampleRate', '16000 (audio sources resample to 16 kHz)', cfg.sampleRate);
  integerIn(cfg, 'fftSize', 16, 65536);
  if ((cfg.fftSize & (cfg.fftSize - 1)) !== 0) fail('fftSize', 'a power of two', cfg.fftSize);
  integerIn(cfg, 'windowSize', 2, cfg.fftSize);
  integerIn(cfg, 'hopSize', 1, cfg.windowSize);
  if (typeof cfg.preEmphasis !== 'number' || !(cfg.preEmphasis >= 0 && cfg.preEmphasis < 1)) {
    fail('preEmphasis', 'a number in [0, 1)', cfg.preEmphasis);
  }
  if (cfg.window !== 'hamming' && cfg.window !== 'hann') fail('window', '"hamming" or "hann"', cfg.window);
  integerIn(cfg, 'melBands', 2, 128);
  const v = cfg.numCepstra;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > MEYDA_MAX_COEFFICIENTS - 1) {
    fail('numCepstra', `an integer from 1 to ${MEYDA_MAX_COEFFICIENTS - 1} (meyda computes at most ${MEYDA_MAX_COEFFICIENTS} coefficients, c0 included)`, v);
  }
  if (cfg.numCepstra + 1 > cfg.melBands) {
    fail('numCepstra', `at most melBands − 1 = ${cfg.melBands - 1} (a DCT of ${cfg.melBands} mel bands has ${cfg.melBands} coefficients, c0 included)`, v);
  }
  if (typeof cfg.sampleScale !== 'number' || !(cfg.sampleScale > 0) || !Number.isFinite(cfg.sampleScale)) {
    fail('sampleScale', 'a positive number', cfg.sampleScale);
  }
  if (cfg.deltaOrder !== 1 && cfg.deltaOrder !== 2) fail('deltaOrder', '1 (26 dims) or 2 (39 dims)', cfg.deltaOrder);
  integerIn(cfg, 'deltaWindow', 1, 10);
  validateNormalization(cfg);
  return cfg;
}

function validateNormalization(cfg: FeatureConfig): void {
  const n = cfg.normalization;
  if (n === null || typeof n !== 'object') fail('normalization', 'an object with kind "none", "running" or "fixed"', n);
  if (n.kind === 'none') return;
  if (n.kind === 'running') {
    const w = n.warmupFrames;
    if (typeof w !== 'number' || !Number.isInteger(w) || w < 0) {
      fail('normalization.warmupFrames', 'an integer ≥ 0', w);
    }
    return;
  }
  if (n.kind === 'fixed') {
    const dims = featureDims(cfg);
    const s = n.stats;
    if (!s || !Array.isArray(s.mean) || !Array.isArray(s.variance)) {
      fail('normalization.stats', 'an object with mean and variance arrays', s);
    }
    if (s.mean.length !== dims || s.variance.length !== dims) {
      throw new ConfigError(
        `feature option normalization.stats has ${s.mean.length}-dimensional statistics but the features have ${dims} dimensions ` +
          `(were the statistics computed with other --dims?)`,
      );
    }
    return;
  }
  fail('normalization.kind', '"none", "running" or "fixed"', (n as { kind: unknown }).kind);
}
