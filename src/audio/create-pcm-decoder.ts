import { InputError } from '../errors.ts';
import { assertFiniteSamples } from './assert-finite-samples.ts';
import { g711Table } from './g711.ts';

/** Sample encodings of live PCM: little-endian, mono; mulaw and alaw are G.711's 8-bit codes (telephony). */
export type PcmEncoding = 'int16' | 'float32' | 'mulaw' | 'alaw';

/** Bytes of any chunking in, whole samples out. */
export interface PcmDecoder {
  /** Decodes the whole samples of `chunk` after any bytes left over from the previous one. */
  decode(chunk: ArrayBuffer | ArrayBufferView): Float32Array;
  /** Ends the stream; throws if a partial sample is left over. */
  end(): void;
}

/**
 * A decoder for little-endian mono PCM arriving in chunks of any length: a sample split across
 * two chunks is joined, so the output does not depend on where the chunks were cut. int16 is
 * scaled like wav-decoder (negatives / 32768, positives / 32767); float32 outside [-1, 1] is clipped;
 * mulaw and alaw are expanded by the G.711 tables (see g711.ts), one byte a sample.
 *
 * @param encoding `int16`, `float32`, `mulaw` or `alaw`
 * @param source stream name for errors
 * @throws (from decode) InputError naming `source` and the sample index for NaN or infinite
 *   float32 samples; (from end) for a partial sample at the end of the stream
 *
 * ## Example
 * ```ts
 * const d = createPcmDecoder('int16', 'mic');
 * d.decode(new Uint8Array([0x00])); // Float32Array [] (half a sample kept)
 * d.decode(new Uint8Array([0x40])); // Float32Array [0.5000152…]
 * d.end();
 * ```
 */
export function createPcmDecoder(encoding: PcmEncoding, source: string): PcmDecoder {
  const width = encoding === 'int16' ? 2 : encoding === 'float32' ? 4 : 1;
  const table = encoding === 'mulaw' || encoding === 'alaw' ? g711Table(encoding) : undefined;
  const carry = new Uint8Array(width);
  let carried = 0;
  let samplesSoFar = 0;
  return {
    decode(chunk) {
      const bytes = ArrayBuffer.isView(chunk)
        ? new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)
        : new Uint8Array(chunk);
      const count = Math.floor((carried + bytes.byteLength) / width);
      const out = new Float32Array(count);
      // Joined bytes: the carried partial sample, then the chunk. A DataView reads them unaligned.
      let joined = bytes;
      if (carried > 0) {
        joined = new Uint8Array(carried + bytes.byteLength);
        joined.set(carry.subarray(0, carried));
        joined.set(bytes, carried);
      }
      const view = new DataView(joined.buffer, joined.byteOffset, joined.byteLength);
      if (table !== undefined) {
        for (let i = 0; i < count; i++) out[i] = table[joined[i]];
      } else if (encoding === 'int16') {
        for (let i = 0; i < count; i++) {
          const x = view.getInt16(2 * i, true);
          out[i] = x < 0 ? x / 32768 : x / 32767;
        }
      } else {
        for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, true);
        assertFiniteSamples(out, source, samplesSoFar);
        for (let i = 0; i < count; i++) out[i] = out[i] > 1 ? 1 : out[i] < -1 ? -1 : out[i];
      }
      carried = joined.byteLength - count * width;
      carry.set(joined.subarray(count * width));
      samplesSoFar += count;
      return out;
    },
    end() {
      if (carried !== 0) {
        throw new InputError(source, `stream ended inside a sample: ${carried} stray byte(s); ${encoding} PCM needs whole ${width}-byte samples`);
      }
    },
  };
}
