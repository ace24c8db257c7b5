import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createStreamResampler, prewarmResampler, type StreamResampler } from '../../src/audio/create-stream-resampler.ts';

const sine = (n: number, hz: number, rate: number) => Float32Array.from({ length: n }, (_, i) => 0.5 * Math.sin((2 * Math.PI * hz * i) / rate));

/** Converts in two pieces and flushes; leaves the converter open. */
function convert(r: StreamResampler, input: Float32Array): Float32Array {
  const parts = [r.push(input.subarray(0, 1000)), r.push(input.subarray(1000)), r.flush()];
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) (out.set(p, at), (at += p.length));
  return out;
}

// 44.1 kHz: 48 and 32 kHz at medium go to the FIR decimator, which has no module to prewarm or pool.
describe('prewarmResampler and the converter pool', () => {
  it('should hand out a made-ahead converter, and a finished stream\'s converter reset, converting exactly as a freshly made one', async () => {
    const input = sine(4410, 440, 44100);
    prewarmResampler(44100, 16000, 'medium');
    // Both open at once: the first takes the spare, the second is made on the spot (the refill is a second away).
    const spare = await createStreamResampler(44100, 16000, 'medium');
    const cold = await createStreamResampler(44100, 16000, 'medium');
    const fromSpare = convert(spare, input);
    const fromCold = convert(cold, input);
    assert.equal(fromSpare.length, 1600);
    assert.deepEqual(fromSpare, fromCold);
    spare.destroy();
    cold.destroy();
    // The next stream gets one of those two back, its filter state reset: same samples again.
    const reused = await createStreamResampler(44100, 16000, 'medium');
    assert.deepEqual(convert(reused, input), fromCold);
    reused.destroy();
  });
});
