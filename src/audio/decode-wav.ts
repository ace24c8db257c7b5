import wavDecoder from 'wav-decoder';
import { InputError } from '../errors.ts';
import { assertHeaderField, HEADER_LIMITS } from './assert-header-field.ts';
import { decodeG711 } from './g711.ts';

/** Channels of a decoded file at its own sample rate, before mixing and resampling. */
export interface DecodedChannels {
  channels: Float32Array[];
  /** Hz */
  sampleRate: number;
  /**
   * True for integer PCM, whose decoded samples are finite and within [-1, 1] by construction, so
   * `decodeAudio` can skip checking and clipping them (float files may hold anything).
   */
  integer: boolean;
}

const FORMAT_PCM = 0x0001;
const FORMAT_FLOAT = 0x0003;
/** G.711 telephony codes, 8 bits a sample. */
const FORMAT_ALAW = 0x0006;
const FORMAT_MULAW = 0x0007;
const FORMAT_EXTENSIBLE = 0xfffe;
const FORMAT_NAMES: Record<number, string> = {
  0x0002: 'Microsoft ADPCM',
  0x0011: 'IMA ADPCM',
  0x0055: 'MP3',
};
const PCM_BITS = [8, 16, 24, 32];
const FLOAT_BITS = [32, 64];

/** The fmt chunk's fields, checked: a plain format tag (EXTENSIBLE resolved) and a consistent layout. */
interface WavFormat {
  formatTag: typeof FORMAT_PCM | typeof FORMAT_FLOAT | typeof FORMAT_ALAW | typeof FORMAT_MULAW;
  channelCount: number;
  /** Hz */
  sampleRate: number;
  blockAlign: number;
  bits: number;
}

/** Where the fmt and data chunks lie; sizes as the header declares them. */
interface WavChunks {
  fmtAt: number;
  fmtSize: number;
  dataAt: number;
  dataSize: number;
}

/**
 * Decodes a RIFF WAV file's bytes into its channels with `wav-decoder`, after checking the
 * chunk layout and every fmt field ourselves: wav-decoder silently shortens a truncated data
 * chunk, reads past the end when there is none, passes any sample rate on, and does not know
 * WAVE_FORMAT_EXTENSIBLE (which sox and most tools write for 24-bit or multichannel files).
 *
 * @param bytes the whole file
 * @param source file name for error messages
 * μ-law and A-law (G.711, 8 bits a sample: telephony) are expanded by table, see g711.ts.
 *
 * @throws InputError naming `source` and the field for a truncated header or data chunk, an
 *   encoding other than 8/16/24/32-bit integer PCM, 32/64-bit float or 8-bit μ-law/A-law, a sample rate outside
 *   8000..192000 Hz, 0 or more than 256 channels, a block align that does not match, or zero samples.
 *
 * ## Example
 * ```ts
 * const { channels, sampleRate } = decodeWav(readFileSync('a.wav'), 'a.wav');
 * ```
 */
export function decodeWav(bytes: Uint8Array, source: string): DecodedChannels {
  const chunks = findChunks(bytes, source);
  const format = readFormat(bytes, chunks, source);
  const size = dataChunkSize(bytes.byteLength - chunks.dataAt, chunks.dataSize, format.blockAlign, source);
  const data = bytes.subarray(chunks.dataAt, chunks.dataAt + size);
  if (format.formatTag === FORMAT_MULAW || format.formatTag === FORMAT_ALAW) {
    // G.711 expands to 16-bit values by table: finite and within [-1, 1] like integer PCM.
    const law = format.formatTag === FORMAT_MULAW ? 'mulaw' : 'alaw';
    return { channels: decodeG711(data, law, format.channelCount), sampleRate: format.sampleRate, integer: true };
  }
  const integer = format.formatTag === FORMAT_PCM;
  if (integer && format.bits === 16 && LITTLE_ENDIAN) return { channels: decodePcm16(data, format.channelCount), sampleRate: format.sampleRate, integer };
  const decoded = decodeCanonical(format, data, source);
  if (format.bits === 24 && integer) fixFullScaleNegative24(decoded);
  return { channels: decoded, sampleRate: format.sampleRate, integer };
}

function findChunks(bytes: Uint8Array, source: string): WavChunks {
  if (bytes.byteLength < 12) throw new InputError(source, `truncated WAV header (${bytes.byteLength} bytes)`);
  if (ascii(bytes, 0, 4) !== 'RIFF' || ascii(bytes, 8, 4) !== 'WAVE') {
    throw new InputError(source, 'not a RIFF WAVE file (expected "RIFF....WAVE" at the start)');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let fmtAt = -1;
  let fmtSize = 0;
  let pos = 12;
  while (pos + 8 <= bytes.byteLength) {
    const id = ascii(bytes, pos, 4);
    const size = view.getUint32(pos + 4, true);
    if (id === 'data') {
      if (fmtAt < 0) break;
      return { fmtAt, fmtSize, dataAt: pos + 8, dataSize: size };
    }
    if (id === 'fmt ') {
      fmtAt = pos + 8;
      fmtSize = size;
      if (fmtAt + Math.max(size, 16) > bytes.byteLength) {
        throw new InputError(source, `truncated WAV header: fmt chunk needs ${size} bytes, file ends first`);
      }
    }
    // Chunks are word-aligned: an odd-sized chunk is followed by one pad byte.
    pos += 8 + size + (size & 1);
  }
  if (fmtAt < 0) throw new InputError(source, 'truncated WAV header: no "fmt " chunk before the data');
  throw new InputError(source, 'truncated WAV file: no "data" chunk');
}

function readFormat(bytes: Uint8Array, { fmtAt, fmtSize }: WavChunks, source: string): WavFormat {
  if (fmtSize < 16) throw new InputError(source, `bad WAV header: fmt chunk of ${fmtSize} bytes, expected at least 16`);
  const view = new DataView(bytes.buffer, bytes.byteOffset + fmtAt, fmtSize);
  let formatTag = view.getUint16(0, true);
  if (formatTag === FORMAT_EXTENSIBLE) {
    // The real format is the first two bytes of the SubFormat GUID at offset 24 of the fmt chunk.
    if (fmtSize < 40) throw new InputError(source, `bad WAV header: WAVE_FORMAT_EXTENSIBLE fmt chunk of ${fmtSize} bytes, expected 40`);
    formatTag = view.getUint16(24, true);
  }
  if (formatTag !== FORMAT_PCM && formatTag !== FORMAT_FLOAT && formatTag !== FORMAT_ALAW && formatTag !== FORMAT_MULAW) {
    const name = FORMAT_NAMES[formatTag] ?? `format tag 0x${formatTag.toString(16)}`;
    throw new InputError(
      source,
      `unsupported WAV encoding ${name}; expected integer PCM (8/16/24/32-bit), float, μ-law or A-law (convert: sox in.wav -e signed-integer -b 16 out.wav)`,
    );
  }
  const format: WavFormat = {
    formatTag,
    channelCount: view.getUint16(2, true),
    sampleRate: view.getUint32(4, true),
    blockAlign: view.getUint16(12, true),
    bits: view.getUint16(14, true),
  };
  assertBits(format, source);
  assertHeaderField(source, 'fmt channels', format.channelCount, HEADER_LIMITS.channels);
  assertHeaderField(source, 'fmt sampleRate', format.sampleRate, HEADER_LIMITS.sampleRate);
  const expected = format.channelCount * (format.bits / 8);
  if (format.blockAlign !== expected) {
    const channels = `${format.channelCount} channel${format.channelCount === 1 ? '' : 's'}`;
    throw new InputError(source, `fmt blockAlign is ${format.blockAlign}: expected ${expected} (${channels} × ${format.bits} bits / 8)`);
  }
  return format;
}

function assertBits({ formatTag, bits }: WavFormat, source: string): void {
  if (formatTag === FORMAT_ALAW || formatTag === FORMAT_MULAW) {
    if (bits === 8) return;
    const name = formatTag === FORMAT_ALAW ? 'A-law' : 'μ-law';
    throw new InputError(source, `unsupported WAV encoding: ${bits}-bit ${name} (fmt bitsPerSample is ${bits}: expected 8 for ${name})`);
  }
  const isFloat = formatTag === FORMAT_FLOAT;
  if ((isFloat ? FLOAT_BITS : PCM_BITS).includes(bits)) return;
  const kind = isFloat ? 'float' : 'PCM';
  const allowed = isFloat ? '32 or 64' : '8, 16, 24 or 32';
  throw new InputError(source, `unsupported WAV encoding: ${bits}-bit ${kind} (fmt bitsPerSample is ${bits}: expected ${allowed} for ${kind})`);
}

/**
 * The data chunk's usable size in bytes, whole sample frames only. Writers on a pipe (ffmpeg)
 * cannot seek back to fill in the size and leave 0xFFFFFFFF; a recorder stopped before it
 * finalised its header leaves 0. Both mean "to the end of the file". Any other size past the
 * end is a truncated file, refused rather than guessed at.
 */
function dataChunkSize(available: number, declared: number, blockAlign: number, source: string): number {
  const size = declared === 0 || declared === 0xffffffff ? available : declared;
  if (size > available) {
    throw new InputError(
      source,
      `truncated data chunk: header says ${size} bytes, file has ${available} after the chunk header (expected at most that, or 0 or 0xFFFFFFFF for a size the writer did not know)`,
    );
  }
  if (size < blockAlign) throw new InputError(source, 'zero samples in the data chunk');
  return size - (size % blockAlign);
}

/**
 * Decodes through wav-decoder from a fresh 44-byte header holding exactly the fields we
 * checked, so it cannot walk the chunks differently from us (it ignores pad bytes and steps
 * backwards over a short fmt chunk) or see the EXTENSIBLE tag it does not know.
 */
function decodeCanonical(format: WavFormat, data: Uint8Array, source: string): Float32Array[] {
  const file = new Uint8Array(44 + data.byteLength);
  const v = new DataView(file.buffer);
  file.set(latin1('RIFF'), 0);
  v.setUint32(4, 36 + data.byteLength, true);
  file.set(latin1('WAVEfmt '), 8);
  v.setUint32(16, 16, true);
  v.setUint16(20, format.formatTag, true);
  v.setUint16(22, format.channelCount, true);
  v.setUint32(24, format.sampleRate, true);
  v.setUint32(28, format.sampleRate * format.blockAlign, true);
  v.setUint16(32, format.blockAlign, true);
  v.setUint16(34, format.bits, true);
  file.set(latin1('data'), 36);
  v.setUint32(40, data.byteLength, true);
  file.set(data, 44);
  try {
    return wavDecoder.decode.sync(file.buffer).channelData;
  } catch (err) {
    throw new InputError(source, `WAV decoding failed: ${(err as Error).message}`);
  }
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

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/**
 * 16-bit PCM, the common case, decoded exactly as wav-decoder 1.3 does (x / 32768 below zero,
 * x / 32767 from zero up) but from an Int16Array view: wav-decoder reads every sample through a
 * DataView call in a closure, ~20 ns a sample, a fifth of the WAV → features time in profiles.
 * test/audio/decode-wav.test.ts checks the two agree bit for bit.
 */
function decodePcm16(data: Uint8Array, channelCount: number): Float32Array[] {
  // Int16Array needs an even byte offset; an odd one (after an odd-sized chunk's pad) is copied.
  const pcm = data.byteOffset % 2 === 0 ? new Int16Array(data.buffer, data.byteOffset, data.byteLength / 2) : new Int16Array(data.slice().buffer);
  const frames = pcm.length / channelCount;
  const channels = Array.from({ length: channelCount }, () => new Float32Array(frames));
  if (channelCount === 1) scalePcm16(pcm, channels[0]);
  else for (let c = 0; c < channelCount; c++) scalePcm16Strided(pcm, c, channelCount, channels[c]);
  return channels;
}

/**
 * out[i] = pcm[i] / (32768 if negative, else 32767), the same division wav-decoder does, with the
 * divisor picked by the sign bit (x >>> 31 is 1 for a negative int) instead of a branch: speech flips
 * sign unpredictably, and the mispredicted branch cost more than the division. Measured on the
 * 113k-frame LJ Speech corpus (18.1M samples, best of 6 passes): 57 → 31 ms.
 */
function scalePcm16(pcm: Int16Array, out: Float32Array): void {
  const n = out.length;
  for (let i = 0; i < n; i++) {
    const x = pcm[i];
    out[i] = x / (32767 + (x >>> 31));
  }
}

/** scalePcm16 of channel c of interleaved samples: out[i] from pcm[c + i·stride]. */
function scalePcm16Strided(pcm: Int16Array, c: number, stride: number, out: Float32Array): void {
  const n = out.length;
  for (let i = 0, at = c; i < n; i++, at += stride) {
    const x = pcm[at];
    out[i] = x / (32767 + (x >>> 31));
  }
}

function ascii(bytes: Uint8Array, at: number, n: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + n));
}

function latin1(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}
