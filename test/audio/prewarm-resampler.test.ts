import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createStreamResampler, prewarmResampler } from '../../src/audio/create-stream-resampler.ts';

const sine = (n: number, hz: number, rate: number) => Float32Array.from({ length: n }, (_, i) => 0.5 * Math.sin((2 * Math.PI * hz * i) / rate));

async function convert(input: Float32Array): Promise<Float32Array> {
  const r = await createStreamResampler(48000, 16000, 'medium');
  const parts = [r.push(input.subarray(0, 1000)), r.push(input.subarray(1000)), r.flush()];
  r.destroy();
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) (out.set(p, at), (at += p.length));
  return out;
}

describe('prewarmResampler', () => {
  it('should hand out a made-ahead converter that converts exactly as a freshly made one', async () => {
    const input = sine(4800, 440, 48000);
    prewarmResampler(48000, 16000, 'medium');
    const fromSpare = await convert(input); // takes the spare
    const fromCold = await convert(input); // the refill is a second away: made on the spot
    assert.equal(fromSpare.length, 1600);
    assert.deepEqual(fromSpare, fromCold);
    // A third one, after a spare was used by a previous stream, starts from a clean state too.
    prewarmResampler(48000, 16000, 'medium');
    assert.deepEqual(await convert(input), fromCold);
  });
});
