import type { ResamplerQuality } from './stream-resampler.ts';

/**
 * Whether a conversion goes through the FIR decimator instead of libsamplerate: downsampling by a
 * whole factor (48 or 32 kHz → 16 kHz) at `medium` or `fastest` quality, where the decimator
 * measures at least `medium`'s stop-band attenuation and a flatter passband, for a fraction of the
 * CPU and no 26 MB module. `best` stays with libsamplerate: it is flat to 97 % of the output's
 * Nyquist frequency (7.76 kHz), the decimator to 7 kHz.
 *
 * @param inputRate Hz
 * @param outputRate Hz
 * @param quality the quality asked for
 */
export function usesFirDecimator(inputRate: number, outputRate: number, quality: ResamplerQuality): boolean {
  return quality !== 'best' && inputRate > outputRate && Number.isInteger(inputRate / outputRate);
}
