/**
 * G.711 (ITU-T G.711, 1988) μ-law and A-law expansion: each 8-bit code to its linear value, as
 * the reference decoders do it (Sun's g711.c, which sox and ffmpeg use): μ-law codes expand to
 * ±32124 and A-law to ±32256 on the 16-bit scale, here divided by 32768. Each 256-entry table is
 * computed once, on first use.
 */

/** μ-law code → 16-bit linear (complemented code, 4-bit mantissa, 3-bit segment, bias 0x84). */
function ulawToLinear(code: number): number {
  const u = ~code & 0xff;
  const t = (((u & 0x0f) << 3) + 0x84) << ((u & 0x70) >> 4);
  return u & 0x80 ? 0x84 - t : t - 0x84;
}

/** A-law code → 16-bit linear (even bits inverted, 4-bit mantissa, 3-bit segment). */
function alawToLinear(code: number): number {
  const a = code ^ 0x55;
  let t = (a & 0x0f) << 4;
  const segment = (a & 0x70) >> 4;
  if (segment === 0) t += 8;
  else t = (t + 0x108) << (segment - 1);
  return a & 0x80 ? t : -t;
}

export type G711Law = 'mulaw' | 'alaw';

const tables: Partial<Record<G711Law, Float32Array>> = {};

/** The 256 decoded values of a law, in [-1, 1]; computed on first use, then shared (do not write to it). */
export function g711Table(law: G711Law): Float32Array {
  let table = tables[law];
  if (table === undefined) {
    const expand = law === 'mulaw' ? ulawToLinear : alawToLinear;
    table = Float32Array.from({ length: 256 }, (_, code) => expand(code) / 32768);
    tables[law] = table;
  }
  return table;
}

/**
 * Expands interleaved G.711 bytes into one array per channel.
 *
 * ## Example
 * ```ts
 * decodeG711(Uint8Array.of(0xff, 0x7f), 'mulaw', 1); // [Float32Array [0, 0]]: both μ-law zeros
 * ```
 */
export function decodeG711(data: Uint8Array, law: G711Law, channelCount: number): Float32Array[] {
  const table = g711Table(law);
  const frames = Math.floor(data.length / channelCount);
  const channels = Array.from({ length: channelCount }, () => new Float32Array(frames));
  for (let c = 0; c < channelCount; c++) {
    const out = channels[c];
    for (let i = 0, at = c; i < frames; i++, at += channelCount) out[i] = table[data[at]];
  }
  return channels;
}
