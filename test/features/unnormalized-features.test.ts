import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { from, lastValueFrom, map, toArray } from 'rxjs';
import { DEFAULT_FEATURE_CONFIG } from '../../src/features/feature-config.ts';
import { toFeatureFrames } from '../../src/features/to-feature-frames.ts';
import { unnormalizedFeatures } from '../../src/features/unnormalized-features.ts';
import { InputError } from '../../src/errors.ts';

/** A chirp-like test signal, 1.2 s at 16 kHz. */
const signal = Float32Array.from({ length: 19200 }, (_, i) => 0.3 * Math.sin(i * (0.01 + i * 1e-6)) + 0.01 * Math.cos(i * 0.37));

describe('unnormalizedFeatures', () => {
  it('packs, row after row, the vectors toFeatureFrames gives without normalisation', async () => {
    for (const deltaOrder of [1, 2] as const) {
      const cfg = { ...DEFAULT_FEATURE_CONFIG, deltaOrder };
      const rows = await lastValueFrom(from([signal]).pipe(toFeatureFrames({ ...cfg, normalization: { kind: 'none' } }), map((f) => f.features), toArray()));
      const packed = unnormalizedFeatures(signal, cfg, 'chirp');
      const dims = rows[0].length;
      assert.equal(dims, deltaOrder === 1 ? 26 : 39);
      assert.equal(packed.length, rows.length * dims);
      rows.forEach((r, i) => assert.deepEqual(packed.subarray(i * dims, (i + 1) * dims), r, `row ${i}`));
    }
  });

  it('ignores the configured normalisation', () => {
    assert.deepEqual(unnormalizedFeatures(signal, DEFAULT_FEATURE_CONFIG, 'chirp'), unnormalizedFeatures(signal, { ...DEFAULT_FEATURE_CONFIG, normalization: { kind: 'none' } }, 'chirp'));
  });

  it('throws the pipeline\'s InputError for a non-finite sample, naming the source', () => {
    const bad = signal.slice();
    bad[500] = NaN;
    assert.throws(() => unnormalizedFeatures(bad, DEFAULT_FEATURE_CONFIG, 'bad.wav'), (err: unknown) => err instanceof InputError && err.source === 'bad.wav' && /sample 500 is NaN/.test(err.message));
  });

  it('gives no rows for a signal shorter than one window', () => {
    assert.equal(unnormalizedFeatures(new Float32Array(399), DEFAULT_FEATURE_CONFIG, 'short').length, 0);
  });
});
