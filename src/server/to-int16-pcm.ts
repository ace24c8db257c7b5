/**
 * Encodes samples in [-1, 1] as little-endian 16-bit PCM, the `int16` encoding of the protocol.
 * Out-of-range samples are clipped (a file or a gain may overshoot). Negatives scale by 32768 and
 * positives by 32767, the inverse of how WAV readers (and the server) decode int16.
 *
 * @param samples - float samples, nominally in [-1, 1].
 * @returns 2 bytes per sample.
 *
 * ## Example
 * ```ts
 * toInt16Pcm(new Float32Array([0, 1, -1])); // bytes 00 00 ff 7f 00 80
 * ```
 */
export function toInt16Pcm(samples: Float32Array): Uint8Array {
  const bytes = new Uint8Array(samples.length * 2);
  const view = new DataView(bytes.buffer);
  for (let k = 0; k < samples.length; k++) {
    const x = Math.max(-1, Math.min(1, samples[k]));
    view.setInt16(2 * k, Math.round(x < 0 ? x * 32768 : x * 32767), true);
  }
  return bytes;
}
