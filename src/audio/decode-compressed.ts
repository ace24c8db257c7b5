import { InputError } from '../errors.ts';
import { assertHeaderField, HEADER_LIMITS } from './assert-header-field.ts';
import type { DecodedChannels } from './decode-wav.ts';

/** The compressed formats decoded through wasm decoders (asynchronous: the module loads first). */
export type CompressedFormat = 'flac' | 'mp3';

/** The length of an ID3v2 tag at the start (10-byte header + syncsafe size + footer), or 0. */
function id3v2Length(bytes: Uint8Array): number {
  if (bytes.length < 10 || bytes[0] !== 0x49 || bytes[1] !== 0x44 || bytes[2] !== 0x33) return 0;
  const size = ((bytes[6] & 0x7f) << 21) | ((bytes[7] & 0x7f) << 14) | ((bytes[8] & 0x7f) << 7) | (bytes[9] & 0x7f);
  const footer = bytes[5] & 0x10 ? 10 : 0;
  return 10 + size + footer;
}

/**
 * An MPEG audio frame header at `at`: 11 sync bits, a version other than "reserved", layer I–III
 * (layer 00 is AAC's ADTS, not MPEG audio), a bitrate index other than 1111 and a rate index other than 11.
 */
function isMpegFrameHeader(bytes: Uint8Array, at: number): boolean {
  if (at + 4 > bytes.length) return false;
  const [b0, b1, b2] = [bytes[at], bytes[at + 1], bytes[at + 2]];
  return b0 === 0xff && (b1 & 0xe0) === 0xe0 && ((b1 >> 3) & 3) !== 1 && ((b1 >> 1) & 3) !== 0 && b2 >> 4 !== 0xf && ((b2 >> 2) & 3) !== 3;
}

/**
 * FLAC or MP3 by their magic bytes, never the extension: `fLaC` (after any ID3v2 tag) is FLAC;
 * an ID3v2 tag or an MPEG audio frame header at the start is MP3.
 *
 * ## Example
 * ```ts
 * compressedFormatOf(readFileSync('a.flac')); // 'flac'
 * ```
 */
export function compressedFormatOf(bytes: Uint8Array): CompressedFormat | undefined {
  const tag = id3v2Length(bytes);
  const isFlac = (at: number) => bytes[at] === 0x66 && bytes[at + 1] === 0x4c && bytes[at + 2] === 0x61 && bytes[at + 3] === 0x43;
  if (isFlac(0) || (tag > 0 && isFlac(tag))) return 'flac';
  if (tag > 0 || isMpegFrameHeader(bytes, 0)) return 'mp3';
  return undefined;
}

const NAMES: Record<CompressedFormat, string> = { flac: 'FLAC', mp3: 'MP3' };

/** The decoders' shared result shape (@wasm-audio-decoders/flac, mpg123-decoder). */
interface Decoded {
  channelData: Float32Array[];
  /** FLAC only: the bits of its integer samples. */
  bitDepth?: number;
  samplesDecoded: number;
  sampleRate: number;
  errors: { message: string; frameNumber?: number }[];
}

async function runDecoder(format: CompressedFormat, bytes: Uint8Array): Promise<Decoded> {
  if (format === 'flac') {
    const { FLACDecoder } = await import('@wasm-audio-decoders/flac');
    const decoder = new FLACDecoder();
    await decoder.ready;
    try {
      return await decoder.decodeFile(bytes);
    } finally {
      decoder.free();
    }
  }
  const { MPEGDecoder } = await import('mpg123-decoder');
  // Gapless (the default): a LAME/Xing header's encoder delay and padding are trimmed.
  const decoder = new MPEGDecoder({ enableGapless: true });
  await decoder.ready;
  try {
    return decoder.decode(bytes);
  } finally {
    decoder.free();
  }
}

/**
 * Decodes a FLAC file (libFLAC in wasm: exact, scaled as the WAV decoder scales integer PCM) or an MP3 (mpg123 in wasm: lossy; the encoder's
 * delay, about 1105 samples, is trimmed only when the file has a LAME/Xing header, as `lame` and
 * ffmpeg write but sox does not) into its channels at the file's own rate.
 *
 * @param bytes the whole file
 * @param format from {@link compressedFormatOf}
 * @param source file name for error messages
 * @throws InputError naming `source`: the decoder missing, a decoding error, zero samples
 *
 * ## Example
 * ```ts
 * const { channels, sampleRate } = await decodeCompressed(bytes, 'flac', 'a.flac');
 * ```
 */
export async function decodeCompressed(bytes: Uint8Array, format: CompressedFormat, source: string): Promise<DecodedChannels> {
  const name = NAMES[format];
  let decoded: Decoded;
  try {
    decoded = await runDecoder(format, bytes);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND') {
      throw new InputError(source, `${name}, and its decoder is not installed; convert it: sox ${source} -r 16000 -b 16 out.wav`);
    }
    throw new InputError(source, `${name} decoding failed: ${(err as Error).message}; convert it: sox ${source} -r 16000 -b 16 out.wav`);
  }
  if (decoded.errors.length > 0) {
    const first = decoded.errors[0];
    throw new InputError(
      source,
      `${name} decoding failed (${decoded.errors.length} error(s), first: ${first.message}${first.frameNumber === undefined ? '' : ` in frame ${first.frameNumber}`})`,
    );
  }
  if (decoded.samplesDecoded === 0 || decoded.channelData.length === 0) throw new InputError(source, `zero samples (${name})`);
  assertHeaderField(source, `${name} sample rate`, decoded.sampleRate, HEADER_LIMITS.sampleRate);
  const channels = decoded.channelData.map((c) => (c.length === decoded.samplesDecoded ? c : c.slice(0, decoded.samplesDecoded)));
  if (format === 'flac' && decoded.bitDepth !== undefined && decoded.bitDepth >= 8 && decoded.bitDepth <= 32) {
    // The decoder divides libFLAC's integers by 2^(b−1) − 1 whatever their sign (measured: exact for
    // every sample of the 16-bit fixture); rescaled as the WAV path does (negatives / 2^(b−1),
    // positives / (2^(b−1) − 1)), a FLAC decodes to exactly the samples of the WAV it was made from.
    const full = 2 ** (decoded.bitDepth - 1);
    for (const c of channels) {
      for (let i = 0; i < c.length; i++) {
        const x = Math.round(c[i] * (full - 1));
        c[i] = x < 0 ? x / full : x / (full - 1);
      }
    }
    return { channels, sampleRate: decoded.sampleRate, integer: true };
  }
  // mpg123 decodes a mono MP3 to two equal channels; one is the same mono and half the mixing.
  const same = channels.length === 2 && channels[0].every((x, i) => x === channels[1][i]);
  return { channels: same ? [channels[0]] : channels, sampleRate: decoded.sampleRate, integer: false };
}
