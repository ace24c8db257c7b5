import { InputError } from '../errors.ts';
import { assertFiniteSamples } from './assert-finite-samples.ts';
import { decodeSphere } from './decode-sphere.ts';
import { decodeWav } from './decode-wav.ts';
import { mixToMono } from './mix-to-mono.ts';
import type { MonoAudio } from './mono-audio.ts';

/**
 * Decodes a RIFF WAV or NIST SPHERE file's bytes to mono at the file's own sample rate. The
 * format is told by the magic bytes, never the extension (TIMIT's `.WAV` files are SPHERE).
 * Synchronous: use {@link readAudioFile} for 16 kHz output (resampling needs the async wasm module).
 *
 * @param bytes the whole file
 * @param source file name for error messages
 * @returns mono samples in [-1, 1] at the file's rate (Hz)
 * @throws InputError naming `source`: not a WAV/SPHERE, truncated, a header field out of range
 *   (named), unsupported encoding, zero samples, NaN or infinite samples.
 *
 * ## Example
 * ```ts
 * const audio = decodeAudio(readFileSync('SA1.WAV'), 'SA1.WAV'); // audio.sampleRate === 16000
 * ```
 */
export function decodeAudio(bytes: Uint8Array, source: string): MonoAudio {
  const magic = String.fromCharCode(...bytes.subarray(0, 7));
  let decoded;
  if (magic.startsWith('RIFF')) decoded = decodeWav(bytes, source);
  else if (magic === 'NIST_1A') decoded = decodeSphere(bytes, source);
  else if (bytes.byteLength === 0) throw new InputError(source, 'empty file; expected a WAV or NIST SPHERE file');
  else throw new InputError(source, 'not a WAV or NIST SPHERE file (expected "RIFF" or "NIST_1A" at the start)');
  const samples = mixToMono(decoded.channels);
  if (samples.length === 0) throw new InputError(source, 'zero samples');
  // Integer PCM decodes to finite samples in [-1, 1]; only float files need the checks.
  if (!decoded.integer) {
    assertFiniteSamples(samples, source);
    // Float WAVs may hold values past full scale; keep the [-1, 1] promise by clipping them, as a DAC would.
    for (let i = 0; i < samples.length; i++) {
      if (samples[i] > 1) samples[i] = 1;
      else if (samples[i] < -1) samples[i] = -1;
    }
  }
  return { samples, sampleRate: decoded.sampleRate, source };
}
