import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createFirDecimator } from '../../src/audio/create-fir-decimator.ts';
import { createStreamResampler, type StreamResampler } from '../../src/audio/create-stream-resampler.ts';
import { arenaStats } from '../../src/learner/kernels/wasm-arena.ts';
import { measureResamplerQuality } from './measure-resampler-quality.ts';

/** Pushes x cut at `cuts` (sorted offsets), then flushes; the whole output. */
function convert(r: StreamResampler, x: Float32Array, cuts: number[]): Float32Array {
  const parts: Float32Array[] = [];
  let at = 0;
  for (const c of [...cuts, x.length]) {
    parts.push(r.push(x.subarray(at, c)));
    at = c;
  }
  parts.push(r.flush());
  r.destroy();
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Margin on the stop-band comparison: the sweep's figures move by a few tenths of a dB with tone placement. */
const ATTENUATION_MARGIN_DB = 1;
/** Passband ripple bound, 100 Hz to 7 kHz (libsamplerate `medium` measures 0.28 dB: it droops at 7 kHz). */
const RIPPLE_BOUND_DB = 0.01;

describe('createFirDecimator', () => {
  for (const rate of [48000, 32000]) {
    it(`at ${rate} Hz: stop band at least as deep as libsamplerate medium's (− ${ATTENUATION_MARGIN_DB} dB), passband ripple ≤ ${RIPPLE_BOUND_DB} dB`, async (t) => {
      const ours = await measureResamplerQuality(createFirDecimator(rate, 16000), rate);
      const medium = await measureResamplerQuality(createStreamResampler(rate, 16000, 'medium'), rate);
      t.diagnostic(
        `${rate} Hz → 16 kHz: stop band (8.5 kHz up) ours ≥ ${ours.minAttenuationDb.toFixed(1)} dB, medium ≥ ${medium.minAttenuationDb.toFixed(1)} dB; ` +
          `passband (0.1–7 kHz) ripple ours ${ours.rippleDb.toFixed(4)} dB, medium ${medium.rippleDb.toFixed(4)} dB; ` +
          `gain at 7 kHz ours ${ours.topGainDb.toFixed(4)} dB, medium ${medium.topGainDb.toFixed(4)} dB`,
      );
      // The comparison means something only if the sweep saw a real converter at work.
      assert.ok(medium.minAttenuationDb > 100, `medium measured ${medium.minAttenuationDb} dB`);
      assert.ok(ours.minAttenuationDb >= medium.minAttenuationDb - ATTENUATION_MARGIN_DB, `ours ${ours.minAttenuationDb} dB vs medium ${medium.minAttenuationDb} dB`);
      assert.ok(ours.rippleDb <= RIPPLE_BOUND_DB, `ripple ${ours.rippleDb} dB`);
    });
  }

  it('gives the same samples however the input was cut (random signals and chunkings)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 30000 }),
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 }),
        fc.constantFrom(48000, 32000),
        (n, seed, fractions, rate) => {
          let s = seed;
          const x = Float32Array.from({ length: n }, () => ((s = (s * 48271) % 2147483647) / 2147483647) * 2 - 1);
          const whole = convert(createFirDecimator(rate, 16000), x, []);
          // Cuts anywhere, repeated ones giving empty chunks; n up to 30000 also feeds pieces longer than the decimator's buffer.
          const cuts = fractions.map((f) => Math.floor(f * n)).sort((a, b) => a - b);
          const pieces = convert(createFirDecimator(rate, 16000), x, cuts);
          assert.equal(whole.length, Math.floor(n / (rate / 16000)));
          assert.deepEqual(pieces, whole);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('is centred: a 440 Hz tone comes out as the same tone at 16 kHz, not delayed', () => {
    const x = Float32Array.from({ length: 48000 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / 48000));
    const y = convert(createFirDecimator(48000, 16000), x, [960, 1920]);
    let worst = 0;
    for (let j = 1000; j < 15000; j++) worst = Math.max(worst, Math.abs(y[j] - 0.5 * Math.sin((2 * Math.PI * 440 * j) / 16000)));
    assert.ok(worst < 1e-5, `worst difference ${worst}`);
  });

  it('refuses ratios that are not whole numbers ≥ 2, and use after flush or destroy', () => {
    assert.throws(() => createFirDecimator(44100, 16000), RangeError);
    assert.throws(() => createFirDecimator(16000, 16000), RangeError);
    const r = createFirDecimator(48000, 16000);
    r.flush();
    assert.throws(() => r.push(new Float32Array(3)), /after flush/);
    r.destroy();
    assert.throws(() => r.flush(), /after destroy/);
  });

  it('gives its kernel memory and its reservation back on destroy', () => {
    createFirDecimator(48000, 16000).destroy(); // the taps are made once per factor and kept
    const before = arenaStats()!;
    const r = createFirDecimator(48000, 16000);
    const during = arenaStats()!;
    assert.ok(during.reservedBytes > before.reservedBytes && during.usedBytes > before.usedBytes);
    r.destroy();
    const after = arenaStats()!;
    assert.equal(after.reservedBytes, before.reservedBytes);
    assert.equal(after.usedBytes, before.usedBytes);
  });
});
