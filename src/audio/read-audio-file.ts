import { InputError } from '../errors.ts';
import type { ResamplerQuality } from './create-stream-resampler.ts';
import { decodeAudioFile } from './decode-audio.ts';
import type { MonoAudio } from './mono-audio.ts';
import { readFileBytes } from './read-file-bytes.ts';
import { resampleTo16k } from './resample-to-16k.ts';

/** A non-fatal finding about an audio file: shown to the user, the file is still used. */
export interface AudioWarning {
  file: string;
  message: string;
  /** Tells it from a label file's warning (LabelWarning) where both reach one callback. */
  kind: 'audio';
}

/**
 * The warning for audio sampled below 16 kHz (8 kHz telephony): upsampling adds no content, so
 * the mel bands above half its rate (the features reach 8 kHz) see nothing, unlike in 16 kHz
 * training audio. Undefined at 16 kHz and above.
 */
export function lowRateWarning(audio: MonoAudio): AudioWarning | undefined {
  if (audio.sampleRate >= 16000) return undefined;
  return {
    kind: 'audio',
    file: audio.source,
    message: `sampled at ${audio.sampleRate} Hz, below 16 kHz: upsampled, but it has nothing above ${audio.sampleRate / 2000} kHz (the features cover 0-8 kHz), so it will not match 16 kHz training audio`,
  };
}

/**
 * Reads a RIFF WAV (8/16/24/32-bit PCM, 32/64-bit float, 8-bit μ-law/A-law, any channel count),
 * NIST SPHERE (16-bit PCM, either byte order), FLAC or MP3 file as 16 kHz mono. The format is told by the magic bytes,
 * channels are averaged, and other rates are resampled with libsamplerate.
 *
 * @param path the audio file
 * @param options.quality libsamplerate converter for non-16 kHz files, default `best`
 * @param options.onWarning told once when the file is sampled below 16 kHz (it is still upsampled)
 * @returns samples in [-1, 1] at 16000 Hz; `source` is `path`
 * @throws InputError naming `path`: unreadable file, not WAV/SPHERE/FLAC/MP3, truncated header or data,
 *   a header field out of range (named, with what was expected: sample rate 8000..192000 Hz,
 *   1..256 channels, block align), unsupported encoding, zero samples, NaN or infinite samples.
 *
 * ## Example
 * ```ts
 * const audio = await readAudioFile('fixtures/corpus/ljspeech/wav/LJ001-0008.wav');
 * audio.samples.length / audio.sampleRate; // seconds
 * ```
 */
export async function readAudioFile(
  path: string,
  options: { quality?: ResamplerQuality; onWarning?: (warning: AudioWarning) => void } = {},
): Promise<MonoAudio> {
  let bytes: Uint8Array;
  try {
    bytes = await readFileBytes(path);
  } catch (err) {
    throw new InputError(path, `cannot read file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const audio = await decodeAudioFile(bytes, path);
  const warning = lowRateWarning(audio);
  if (warning !== undefined) options.onWarning?.(warning);
  return resampleTo16k(audio, options.quality);
}
