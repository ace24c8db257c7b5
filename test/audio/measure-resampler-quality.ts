import type { StreamResampler } from '../../src/audio/create-stream-resampler.ts';

/** What {@link measureResamplerQuality} found, in dB. */
export interface ResamplerQuality {
  /** Gain of each passband tone (Hz → dB; 0 is unchanged). */
  passbandGains: [number, number][];
  /** Max − min of the passband gains. */
  rippleDb: number;
  /** Gain at the highest passband tone (how much the top of the band is cut). */
  topGainDb: number;
  /** Per stop-band tone: how far below the input tone everything the output holds lies (dB). */
  stopbandAttenuations: [number, number][];
  /** The worst (smallest) of those. */
  minAttenuationDb: number;
}

const AMPLITUDE = 0.5;
/** Seconds per tone. */
const SEGMENT = 0.2;
/** Output samples skipped at each end of a tone: the switch between tones rings through the filter. */
const EDGE = 800;

/**
 * Measures a downsampler to 16 kHz on a sine sweep: one converter is fed every tone in turn
 * (0.2 s each, in 20 ms pieces as a live producer sends them), and the steady middle of each
 * tone's output is analysed. In the passband (100 Hz to 7 kHz): the gain, from a least-squares
 * fit of a sinusoid at the tone's frequency (exact for a pure tone, unlike one DFT bin over a
 * non-whole number of cycles). Above 8 kHz, where a downsampler must remove everything: the RMS
 * of EVERYTHING left in the output (alias, leakage, noise) against the input tone's RMS.
 *
 * @param resampler a fresh converter from `inputRate` to 16 kHz (destroyed here).
 * @param inputRate Hz of the tones.
 */
export async function measureResamplerQuality(resampler: StreamResampler | Promise<StreamResampler>, inputRate: number): Promise<ResamplerQuality> {
  const passband: number[] = [];
  for (let f = 100; f < 7000; f += f < 1000 ? 300 : 250) passband.push(f);
  passband.push(7000);
  const stopband: number[] = [];
  for (let f = 8500; f <= Math.min(23000, inputRate / 2 - 500); f += 500) stopband.push(f);
  const tones = [...passband, ...stopband];

  const perTone = Math.round(SEGMENT * inputRate);
  const x = new Float32Array(tones.length * perTone);
  tones.forEach((f, k) => {
    for (let i = 0; i < perTone; i++) x[k * perTone + i] = AMPLITUDE * Math.sin((2 * Math.PI * f * i) / inputRate + 0.3);
  });
  const r = await resampler;
  const parts: Float32Array[] = [];
  try {
    const step = inputRate / 50;
    for (let at = 0; at < x.length; at += step) parts.push(r.push(x.subarray(at, Math.min(x.length, at + step))));
    parts.push(r.flush());
  } finally {
    r.destroy();
  }
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  const outPerTone = SEGMENT * 16000;
  const middle = (k: number): Float32Array => out.subarray(k * outPerTone + EDGE, (k + 1) * outPerTone - EDGE);

  const passbandGains = passband.map((f, k): [number, number] => [f, 20 * Math.log10(fitAmplitude(middle(k), f) / AMPLITUDE)]);
  const stopbandAttenuations = stopband.map((f, j): [number, number] => {
    const y = middle(passband.length + j);
    let power = 0;
    for (const v of y) power += v * v;
    const rms = Math.sqrt(power / y.length);
    return [f, 20 * Math.log10(AMPLITUDE / Math.SQRT2 / Math.max(rms, 1e-12))];
  });
  const gains = passbandGains.map(([, g]) => g);
  return {
    passbandGains,
    rippleDb: Math.max(...gains) - Math.min(...gains),
    topGainDb: gains.at(-1)!,
    stopbandAttenuations,
    minAttenuationDb: Math.min(...stopbandAttenuations.map(([, a]) => a)),
  };
}

/** Amplitude of the sinusoid at `freq` (Hz, 16 kHz samples) that fits y best in least squares. */
function fitAmplitude(y: Float32Array, freq: number): number {
  let cc = 0, ss = 0, cs = 0, yc = 0, ys = 0;
  for (let n = 0; n < y.length; n++) {
    const c = Math.cos((2 * Math.PI * freq * n) / 16000);
    const s = Math.sin((2 * Math.PI * freq * n) / 16000);
    cc += c * c;
    ss += s * s;
    cs += c * s;
    yc += y[n] * c;
    ys += y[n] * s;
  }
  const det = cc * ss - cs * cs;
  const a = (yc * ss - ys * cs) / det;
  const b = (ys * cc - yc * cs) / det;
  return Math.hypot(a, b);
}
