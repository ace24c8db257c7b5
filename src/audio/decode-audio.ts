import { InputError } from '../errors.ts';
import { assertFiniteSamples } from './assert-finite-samples.ts';
import { decodeSphere } from './decode-sphere.ts';
import { decodeCompressed, compressedFormatOf } from './decode-compressed.ts';
import { decodeWav, type DecodedChannels } from './decode-wav.ts';
import { mixToMono } from './mix-to-mono.ts';
import type { MonoAudio } from './mono-audio.ts';

/**
 * Decodes a RIFF WAV or NIST SPHERE file's bytes to mono at the file's own sample rate. The
 * format is told by the magic bytes, never the extension (TIMIT's `.WAV` files are SPHERE).
 * Synchronous: use {@link readAudioFile} for 16 kHz output (resampling needs the async wasm module)
 * and {@link decodeAudioFile} for FLAC and MP3 as well (their decoders are async wasm modules).
 *
 * @param bytes the whole file
 * @param source file name for error messages
 * @returns mono samples in [-1, 1] at the file's rate (Hz)
 * @throws InputError naming `source`: not a WAV/SPHERE (FLAC and MP3 named, with decodeAudioFile
 *   to use), truncated, a header field out of range (named), unsupported encoding, zero samples,
 *   NaN or infinite samples.
 *
 * ## Example
 * ```ts
 * const audio = decodeAudio(readFileSync('SA1.WAV'), 'SA1.WAV'); // audio.sampleRate === 16000
 * ```
 */
export function decodeAudio(bytes: Uint8Array, source: string): MonoAudio {
  const compressed = compressedFormatOf(bytes);
  if (compressed !== undefined) {
    throw new InputError(source, `${compressed === 'flac' ? 'FLAC' : 'MP3'}: decoded only asynchronously (decodeAudioFile or readAudioFile)`);
  }
  return toMono(decodeUncompressed(bytes, source), source);
}

/**
 * {@link decodeAudio} for every format read: RIFF WAV, NIST SPHERE, FLAC and MP3 (the last two
 * through wasm decoders, see decodeCompressed), told by their magic bytes.
 *
 * ## Example
 * ```ts
 * const audio = await decodeAudioFile(readFileSync('a.flac'), 'a.flac');
 * ```
 */
export async function decodeAudioFile(bytes: Uint8Array, source: string): Promise<MonoAudio> {
  const compressed = compressedFormatOf(bytes);
  if (compressed === undefined) return decodeAudio(bytes, source);
  return toMono(await decodeCompressed(bytes, compressed, source), source);
}

function decodeUncompressed(bytes: Uint8Array, source: string): DecodedChannels {
  const magic = String.fromCharCode(...bytes.subarray(0, 7));
  if (magic.startsWith('RIFF')) return decodeWav(bytes, source);
  if (magic === 'NIST_1A') return decodeSphere(bytes, source);
  if (bytes.byteLength === 0) throw new InputError(source, 'empty file; expected a WAV, NIST SPHERE, FLAC or MP3 file');
  throw new InputError(source, 'not a WAV, NIST SPHERE, FLAC or MP3 file (expected "RIFF", "NIST_1A", "fLaC", "ID3" or an MPEG frame at the start)');
}

/** Mixes to mono and checks the samples: none at all is an error; float ones must be finite, and are clipped to [-1, 1]. */
function toMono(decoded: DecodedChannels, source: string): MonoAudio {
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
