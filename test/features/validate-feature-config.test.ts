import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../src/errors.ts';
import { DEFAULT_FEATURE_CONFIG, type FeatureConfig } from '../../src/features/feature-config.ts';
import { featureDims } from '../../src/features/feature-dims.ts';
import { validateFeatureConfig } from '../../src/features/validate-feature-config.ts';

const bad = (patch: Partial<FeatureConfig> | Record<string, unknown>, message: RegExp) =>
  assert.throws(
    () => validateFeatureConfig({ ...DEFAULT_FEATURE_CONFIG, ...patch } as FeatureConfig),
    (err: unknown) => err instanceof ConfigError && message.test(err.message),
  );

describe('validateFeatureConfig', () => {
  it('should accept the default and the 39-dimensional option', () => {
    assert.equal(validateFeatureConfig(DEFAULT_FEATURE_CONFIG), DEFAULT_FEATURE_CONFIG);
    assert.equal(featureDims(DEFAULT_FEATURE_CONFIG), 26);
    assert.equal(featureDims({ ...DEFAULT_FEATURE_CONFIG, deltaOrder: 2 }), 39);
    validateFeatureConfig({ ...DEFAULT_FEATURE_CONFIG, deltaOrder: 2, window: 'hann' });
  });

  it('should refuse cepstra counts meyda would silently clamp, naming the option', () => {
    bad({ numCepstra: 0 }, /^feature option numCepstra must be an integer from 1 to 39 .*got 0$/);
    bad({ numCepstra: 40, melBands: 60 }, /numCepstra must be an integer from 1 to 39 .*got 40$/);
    bad({ numCepstra: 2.5 }, /numCepstra .*got 2\.5$/);
    bad({ numCepstra: 26 }, /numCepstra must be at most melBands − 1 = 25/);
  });

  it('should refuse other bad options with the option and the expected values', () => {
    bad({ sampleRate: 44100 }, /sampleRate must be 16000 .*got 44100/);
    bad({ fftSize: 500 }, /fftSize must be a power of two, got 500/);
    bad({ windowSize: 600 }, /windowSize must be an integer from 2 to 512, got 600/);
    bad({ hopSize: 0 }, /hopSize must be an integer from 1 to 400, got 0/);
    bad({ preEmphasis: 1.5 }, /preEmphasis must be a number in \[0, 1\), got 1.5/);
    bad({ window: 'blackman' }, /window must be "hamming" or "hann", got "blackman"/);
    bad({ deltaOrder: 3 }, /deltaOrder must be 1 \(26 dims\) or 2 \(39 dims\), got 3/);
    bad({ sampleScale: -1 }, /sampleScale must be a positive number, got -1/);
    bad({ normalization: { kind: 'running', warmupFrames: -5 } }, /normalization.warmupFrames must be an integer ≥ 0, got -5/);
    bad({ normalization: { kind: 'zscore' } }, /normalization.kind must be "none", "running" or "fixed", got "zscore"/);
  });

  it('should refuse fixed statistics of another dimension', () => {
    const stats = { dims: 39, frames: 10, mean: new Array(39).fill(0), variance: new Array(39).fill(1) };
    bad({ normalization: { kind: 'fixed', stats } }, /39-dimensional statistics but the features have 26 dimensions/);
    validateFeatureConfig({ ...DEFAULT_FEATURE_CONFIG, deltaOrder: 2, normalization: { kind: 'fixed', stats } });
  });
});
