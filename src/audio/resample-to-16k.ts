import { createStreamResampler, type ResamplerQuality } from './create-stream-resampler.ts';
import type { MonoAudio } from './mono-audio.ts';

/**
 * Resamples mono audio to 16 kHz with libsamplerate's sinc filter (anti-aliased: content above
 * 8 kHz is removed, not folded back). 16 kHz input is returned as is. Output is clipped to
 * [-1, 1], since the filter's ringing can overshoot full scale slightly.
 *
 * @param audio mono audio at any rate (Hz)
 * @param quality libsamplerate converter, default `best`
 * @returns the same audio at 16000 Hz; floor(n × 16000 / rate) samples
 *
 * ## Example
 * ```ts
 * const at16k = await resampleTo16k({ samples, sampleRate: 44100, source: 'a.wav' });
 * ```
 */
export async function resampleTo16k(audio: MonoAudio, quality: ResamplerQuality = 'best'): Promise<MonoAudio> {
  if (audio.sampleRate === 16000) return audio;
  const resampler = await createStreamResampler(audio.sampleRate, 16000, quality);
  try {
    const head = resampler.push(audio.samples);
    const tail = resampler.flush();
    const samples = new Float32Array(head.length + tail.length);
    samples.set(head);
    samples.set(tail, head.length);
    clipToUnit(samples);
    return { samples, sampleRate: 16000, source: audio.source };
  } finally {
    resampler.destroy();
  }
}

function clipToUnit(x: Float32Array): void {
  for (let i = 0; i < x.length; i++) {
    if (x[i] > 1) x[i] = 1;
    else if (x[i] < -1) x[i] = -1;
  }
}
