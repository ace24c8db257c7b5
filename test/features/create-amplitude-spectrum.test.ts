import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createAmplitudeSpectrum } from '../../src/features/create-amplitude-spectrum.ts';

/** |DFT| by the definition, O(N²), in float64. */
function naiveAmplitudes(x: Float32Array): number[] {
  const N = x.length;
  return Array.from({ length: N / 2 }, (_, k) => {
    let re = 0;
    let im = 0;
    for (let n = 0; n < N; n++) {
      re += x[n] * Math.cos((2 * Math.PI * k * n) / N);
      im -= x[n] * Math.sin((2 * Math.PI * k * n) / N);
    }
    return Math.hypot(re, im);
  });
}

describe('createAmplitudeSpectrum', () => {
  for (const size of [4, 8, 64, 512]) {
    it(`should equal the DFT's amplitudes for size ${size}`, () => {
      const x = Float32Array.from({ length: size }, (_, n) => Math.sin(n * 1.3) + 0.3 * Math.cos(n * 0.2) + ((n * 7919) % 13) / 13);
      const amp = new Float32Array(size / 2);
      createAmplitudeSpectrum(size)(x, amp);
      const ref = naiveAmplitudes(x);
      ref.forEach((r, k) => assert.ok(Math.abs(amp[k] - r) <= 1e-6 * (1 + r), `bin ${k}: ${amp[k]} vs ${r}`));
    });
  }

  it('should put a pure tone in its bin and give the same result on a second call (no stale state)', () => {
    const f = createAmplitudeSpectrum(512);
    const tone = Float32Array.from({ length: 512 }, (_, n) => Math.cos((2 * Math.PI * 32 * n) / 512));
    const a = new Float32Array(256);
    const b = new Float32Array(256);
    f(tone, a);
    f(tone, b);
    assert.deepEqual(a, b);
    assert.ok(Math.abs(a[32] - 256) < 1e-3);
    assert.ok(a[10] < 1e-3 && a[100] < 1e-3);
  });

  it('should refuse a size that is not a power of two', () => {
    assert.throws(() => createAmplitudeSpectrum(400), /size must be a power of two ≥ 4, got 400/);
  });
});
