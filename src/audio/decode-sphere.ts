import { InputError } from '../errors.ts';
import { assertHeaderField, HEADER_LIMITS } from './assert-header-field.ts';
import type { DecodedChannels } from './decode-wav.ts';

/**
 * Decodes a NIST SPHERE file (the header TIMIT's `.WAV` files carry) into its channels, scaled
 * to [-1, 1] as wav-decoder does (negatives / 32768, positives / 32767). Only uncompressed
 * 16-bit PCM is read, in either byte order (`sample_byte_format -s2 01` is little-endian, `10`
 * big-endian).
 *
 * @param bytes the whole file (starts with `NIST_1A`)
 * @param source file name for error messages
 * @throws InputError naming `source` and the field for a truncated header or data (sample_count
 *   past the file's end), a missing field, compressed (shorten) or non-16-bit data, a sample_rate
 *   outside 8000..192000 Hz, a channel_count outside 1..256, or zero samples.
 *
 * ## Example
 * ```ts
 * const { channels, sampleRate } = decodeSphere(readFileSync('SA1.WAV'), 'SA1.WAV'); // 16000
 * ```
 */
export function decodeSphere(bytes: Uint8Array, source: string): DecodedChannels {
  const { headerSize, fields } = parseSphereHeader(bytes, source);
  const int = (name: string, fallback?: number): number => {
    const v = fields.get(name);
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      throw new InputError(source, `SPHERE header field ${name} is missing or not an integer (got ${JSON.stringify(v)})`);
    }
    return v;
  };
  const coding = String(fields.get('sample_coding') ?? 'pcm');
  if (coding !== 'pcm') {
    throw new InputError(source, `unsupported SPHERE sample_coding "${coding}"; expected uncompressed "pcm" (decompress shorten files with w_decode or sox first)`);
  }
  const width = int('sample_n_bytes', 2);
  if (width !== 2) throw new InputError(source, `SPHERE sample_n_bytes is ${width}: expected 2 (16-bit PCM)`);
  const channelCount = int('channel_count', 1);
  assertHeaderField(source, 'SPHERE channel_count', channelCount, HEADER_LIMITS.channels);
  const sampleRate = int('sample_rate');
  assertHeaderField(source, 'SPHERE sample_rate', sampleRate, HEADER_LIMITS.sampleRate);
  const order = String(fields.get('sample_byte_format') ?? '01');
  if (order !== '01' && order !== '10') {
    throw new InputError(source, `unsupported SPHERE sample_byte_format "${order}"; expected "01" (little-endian) or "10" (big-endian)`);
  }
  const have = bytes.byteLength - headerSize;
  const frames = fields.has('sample_count') ? int('sample_count') : Math.floor(have / (2 * channelCount));
  if (frames <= 0) throw new InputError(source, `zero samples (sample_count is ${frames})`);
  // Checked before allocating: a corrupt sample_count must not size the arrays.
  const need = frames * channelCount * 2;
  if (have < need) throw new InputError(source, `truncated SPHERE data: header says ${frames} samples (${need} bytes), file has ${have} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset + headerSize, need);
  return { channels: readInt16Frames(view, frames, channelCount, order === '01'), sampleRate, integer: true };
}

function readInt16Frames(view: DataView, frames: number, channelCount: number, littleEndian: boolean): Float32Array[] {
  const channels = Array.from({ length: channelCount }, () => new Float32Array(frames));
  for (let i = 0, k = 0; i < frames; i++) {
    for (let c = 0; c < channelCount; c++, k += 2) channels[c][i] = int16ToFloat(view.getInt16(k, littleEndian));
  }
  return channels;
}

/**
 * Header lines are `name -type value` (`-i` integer, `-r` real, `-sN` string of N characters).
 * The header's size is returned apart from the fields, so no field name can stand in for it.
 */
function parseSphereHeader(bytes: Uint8Array, source: string): { headerSize: number; fields: Map<string, string | number> } {
  if (bytes.byteLength < 16) throw new InputError(source, `truncated SPHERE header (${bytes.byteLength} bytes)`);
  // Decoded, not spread into String.fromCharCode: spreading a large header overflows the stack.
  const preamble = LATIN1.decode(bytes.subarray(0, 16));
  const m = /^NIST_1A\n\s*(\d+)\n$/.exec(preamble);
  if (!m) throw new InputError(source, 'bad SPHERE header: expected "NIST_1A" and the header size on the first two lines');
  const headerSize = Number(m[1]);
  if (headerSize < 16 || headerSize > bytes.byteLength) {
    throw new InputError(source, `truncated SPHERE header: it declares ${headerSize} bytes, file has ${bytes.byteLength}`);
  }
  const text = LATIN1.decode(bytes.subarray(16, headerSize));
  const fields = new Map<string, string | number>();
  let ended = false;
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === 'end_head') {
      ended = true;
      break;
    }
    if (trimmed === '' || trimmed.startsWith(';')) continue;
    const f = /^(\S+)\s+-(i|r|s\d+)\s+(.*)$/.exec(trimmed);
    if (!f) throw new InputError(source, `bad SPHERE header line "${excerpt(trimmed)}"; expected "name -type value"`);
    const [, name, type, value] = f;
    fields.set(name, type === 'i' || type === 'r' ? Number(value) : value.slice(0, Number(type.slice(1))));
  }
  if (!ended) throw new InputError(source, 'truncated SPHERE header: no end_head line');
  return { headerSize, fields };
}

const LATIN1 = new TextDecoder('latin1');

/** A corrupt header can hold a line of binary as long as the file; the message shows its start. */
function excerpt(line: string): string {
  return line.length <= 60 ? line : `${line.slice(0, 60)}…`;
}

/** The same scaling as wav-decoder's 16-bit PCM, so a SPHERE file and its WAV copy decode alike. */
function int16ToFloat(x: number): number {
  return x < 0 ? x / 32768 : x / 32767;
}
