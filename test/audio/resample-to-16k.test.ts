import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createStreamResampler } from '../../src/audio/create-stream-resampler.ts';
import { readAudioFile } from '../../src/audio/read-audio-file.ts';
import { resampleTo16k } from '../../src/audio/resample-to-16k.ts';

/** Amplitude of the `freq` component (single-bin DFT) and the total RMS, over the steady middle. */
function analyse(x: Float32Array, freq: number, rate = 16000): { amplitude: number; rms: number } {
  const from = 400;
  const to = x.length - 400;
  let re = 0;
  let im = 0;
  let power = 0;
  for (let n = from; n < to; n++) {
    re += x[n] * Math.cos((2 * Math.PI * freq * n) / rate);
    im -= x[n] * Math.sin((2 * Math.PI * freq * n) / rate);
    power += x[n] * x[n];
  }
  const count = to - from;
  return { amplitude: (2 / count) * Math.hypot(re, im), rms: Math.sqrt(power / count) };
}

describe('resampling to 16 kHz', () => {
  for (const [file, inRate] of [
    ['sine-1k-at-44k1.wav', 44100],
    ['sine-1k-at-8k.wav', 8000],
  ] as const) {
    it(`keeps frequency and amplitude of a 1 kHz tone from ${inRate} Hz`, async () => {
      const audio = await readAudioFile(`fixtures/synthetic/rates/${file}`);
      assert.equal(audio.sampleRate, 16000);
      assert.equal(audio.samples.length, Math.floor(0.25 * inRate * (16000 / inRate)));
      const { amplitude, rms } = analyse(audio.samples, 1000);
      assert.ok(Math.abs(amplitude - 0.5) < 0.005, `amplitude ${amplitude}`);
      // All the power is at 1 kHz: a tone of amplitude a has RMS a/√2.
      assert.ok(Math.abs(rms - amplitude / Math.SQRT2) < 0.002, `rms ${rms} vs ${amplitude / Math.SQRT2}`);
      // And not at a wrong frequency.
      assert.ok(analyse(audio.samples, 1100).amplitude < 0.01);
    });
  }

  it('keeps a 7 kHz tone from 48 kHz (inside the passband)', async () => {
    const audio = await readAudioFile('fixtures/synthetic/rates/sine-7k-at-48k.wav');
    assert.equal(audio.samples.length, 4000);
    const { amplitude } = analyse(audio.samples, 7000);
    assert.ok(Math.abs(amplitude - 0.5) < 0.005, `amplitude ${amplitude}`);
  });

  it('removes a 10 kHz tone from 48 kHz (anti-aliasing) instead of folding it to 6 kHz', async () => {
    const audio = await readAudioFile('fixtures/synthetic/rates/sine-10k-at-48k.wav');
    const { rms } = analyse(audio.samples, 6000);
    assert.ok(analyse(audio.samples, 6000).amplitude < 0.001, 'alias at 6 kHz');
    assert.ok(rms < 0.001, `rms ${rms}, expected below -60 dB of the input's 0.35`);
  });

  it('streaming in pieces gives the same samples as resampling whole', async () => {
    const x = Float32Array.from({ length: 22050 }, (_, i) => 0.4 * Math.sin(i * 0.05) + 0.1 * Math.sin(i * 0.71));
    const whole = await resampleTo16k({ samples: x, sampleRate: 22050, source: 't' });
    const r = await createStreamResampler(22050, 16000);
    const parts: number[] = [];
    for (const cut of [[0, 1], [1, 1000], [1000, 1001], [1001, 15000], [15000, 22050]]) {
      parts.push(...r.push(x.subarray(cut[0], cut[1])));
    }
    parts.push(...r.flush());
    r.destroy();
    assert.equal(whole.samples.length, 16000);
    assert.equal(parts.length, 16000);
    let m = 0;
    for (let i = 0; i < parts.length; i++) m = Math.max(m, Math.abs(parts[i] - whole.samples[i]));
    assert.ok(m < 1e-6, `max difference ${m}`);
  });

  it('returns 16 kHz audio as it is', async () => {
    const audio = { samples: new Float32Array([0.1, 0.2]), sampleRate: 16000, source: 'x' };
    assert.equal(await resampleTo16k(audio), audio);
  });
});
