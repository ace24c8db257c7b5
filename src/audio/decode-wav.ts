import wavDecoder from 'wav-decoder';
import { InputError } from '../errors.ts';

/** Channels of a decoded file at its own sample rate, before mixing and resampling. */
export interface DecodedChannels {
  channels: Float32Array[];
  /** Hz */
  sampleRate: number;
}

const FORMAT_PCM = 0x0001;
const FORMAT_FLOAT = 0x0003;
const FORMAT_EXTENSIBLE = 0xfffe;
const FORMAT_NAMES: Record<number, string> = {
  0x0002: 'Microsoft ADPCM',
  0x0006: 'A-law',
  0x0007: 'mu-law',
  0x0011: 'IMA ADPCM',
  0x0055: 'MP3',
};
const PCM_BITS = [8, 16, 24, 32];
const FLOAT_BITS = [32, 64];

/**
 * Decodes a RIFF WAV file's bytes into its channels with `wav-decoder`, after checking the
 * chunk layout ourselves: wav-decoder silently shortens a truncated data chunk and reads past the
 * end when there is none, and does not know WAVE_FORMAT_EXTENSIBLE (which sox and most tools
 * write for 24-bit or multichannel files), so we rewrite that tag to the plain one it stands for.
 *
 * @param bytes the whole file
 * @param source file name for error messages
 * @throws InputError naming `source` for a truncated header or data chunk, an encoding other than
 *   8/16/24/32-bit integer PCM or 32/64-bit float, or zero samples.
 *
 * ## Example
 * ```ts
 * const { channels, sampleRate } = decodeWav(readFileSync('a.wav'), 'a.wav');
 * ```
 */
export function decodeWav(bytes: Uint8Array, source: string): DecodedChannels {
  if (bytes.byteLength < 12) throw new InputError(source, `truncated WAV header (${bytes.byteLength} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (ascii(bytes, 0, 4) !== 'RIFF' || ascii(bytes, 8, 4) !== 'WAVE') {
    throw new InputError(source, 'not a RIFF WAVE file (expected "RIFF....WAVE" at the start)');
  }
  let fmtAt = -1;
  let fmtSize = 0;
  let dataAt = -1;
  let dataSize = 0;
  let pos = 12;
  while (pos + 8 <= bytes.byteLength && dataAt < 0) {
    const id = ascii(bytes, pos, 4);
    const size = view.getUint32(pos + 4, true);
    if (id === 'fmt ') {
      fmtAt = pos + 8;
      fmtSize = size;
      if (fmtAt + Math.max(size, 16) > bytes.byteLength) {
        throw new InputError(source, `truncated WAV header: fmt chunk needs ${size} bytes, file ends first`);
      }
    } else if (id === 'data') {
      dataAt = pos + 8;
      dataSize = size;
    }
    // Chunks are word-aligned: an odd-sized chunk is followed by one pad byte.
    pos += 8 + size + (size & 1);
  }
  if (fmtAt < 0) throw new InputError(source, 'truncated WAV header: no "fmt " chunk before the data');
  if (dataAt < 0) throw new InputError(source, 'truncated WAV file: no "data" chunk');
  if (fmtSize < 16) throw new InputError(source, `bad WAV header: fmt chunk of ${fmtSize} bytes, expected at least 16`);

  let formatTag = view.getUint16(fmtAt, true);
  const channelCount = view.getUint16(fmtAt + 2, true);
  const sampleRate = view.getUint32(fmtAt + 4, true);
  const blockAlign = view.getUint16(fmtAt + 12, true);
  const bits = view.getUint16(fmtAt + 14, true);
  if (formatTag === FORMAT_EXTENSIBLE) {
    // The real format is the first two bytes of the SubFormat GUID at offset 24 of the fmt chunk.
    if (fmtSize < 40) throw new InputError(source, `bad WAV header: WAVE_FORMAT_EXTENSIBLE fmt chunk of ${fmtSize} bytes, expected 40`);
    formatTag = view.getUint16(fmtAt + 24, true);
  }
  const isFloat = formatTag === FORMAT_FLOAT;
  if (formatTag !== FORMAT_PCM && !isFloat) {
    const name = FORMAT_NAMES[formatTag] ?? `format tag 0x${formatTag.toString(16)}`;
    throw new InputError(source, `unsupported WAV encoding ${name}; expected integer PCM (8/16/24/32-bit) or 32-bit float`);
  }
  if (!(isFloat ? FLOAT_BITS : PCM_BITS).includes(bits)) {
    throw new InputError(source, `unsupported WAV encoding: ${bits}-bit ${isFloat ? 'float' : 'PCM'}; expected ${isFloat ? '32- or 64-bit float' : '8, 16, 24 or 32-bit PCM'}`);
  }
  if (channelCount < 1) throw new InputError(source, 'bad WAV header: 0 channels');
  if (sampleRate < 1) throw new InputError(source, 'bad WAV header: sample rate 0 Hz');
  if (blockAlign !== channelCount * (bits / 8)) {
    throw new InputError(source, `bad WAV header: block align ${blockAlign}, expected ${channelCount * (bits / 8)} for ${channelCount} channel(s) of ${bits} bits`);
  }
  const available = bytes.byteLength - dataAt;
  // Writers on a pipe (ffmpeg, sox) cannot seek back to fill in the size: 0xFFFFFFFF means "to the end".
  if (dataSize === 0xffffffff) dataSize = available - (available % blockAlign);
  if (dataSize > available) {
    throw new InputError(source, `truncated data chunk: header says ${dataSize} bytes, file has ${available}`);
  }
  if (dataSize < blockAlign) throw new InputError(source, 'zero samples in the data chunk');

  // A private copy for wav-decoder: an exact ArrayBuffer (it views all of it) whose format tag
  // we may rewrite without touching the caller's bytes.
  const copy = bytes.slice(0, dataAt + dataSize);
  new DataView(copy.buffer).setUint16(fmtAt, formatTag, true);
  let decoded: { channelData: Float32Array[]; sampleRate: number };
  try {
    decoded = wavDecoder.decode.sync(copy.buffer);
  } catch (err) {
    throw new InputError(source, `WAV decoding failed: ${(err as Error).message}`);
  }
  if (bits === 24 && !isFloat) fixFullScaleNegative24(decoded.channelData);
  return { channels: decoded.channelData, sampleRate };
}

/**
 * wav-decoder 1.3 tests `xx > 0x800000` where it means `>=`, so the 24-bit sample -8388608 comes
 * out as +8388608/8388607 ≈ 1.0000001. No correct 24-bit value exceeds 1, so any that does is that one.
 */
function fixFullScaleNegative24(channels: Float32Array[]): void {
  for (const ch of channels) {
    for (let i = 0; i < ch.length; i++) if (ch[i] > 1) ch[i] = -1;
  }
}

function ascii(bytes: Uint8Array, at: number, n: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + n));
}
