/**
 * Averages channels into one (equal weights), so a stereo file's level matches its mono mix
 * and the result stays in [-1, 1].
 *
 * @param channels equal-length channels
 * @returns the mono signal (the first channel itself when there is only one)
 *
 * ## Example
 * ```ts
 * mixToMono([new Float32Array([1, 0]), new Float32Array([0, 0])]); // Float32Array [0.5, 0]
 * ```
 */
export function mixToMono(channels: readonly Float32Array[]): Float32Array {
  if (channels.length === 1) return channels[0];
  const n = channels[0].length;
  const out = new Float32Array(n);
  for (const ch of channels) for (let i = 0; i < n; i++) out[i] += ch[i];
  const scale = 1 / channels.length;
  for (let i = 0; i < n; i++) out[i] *= scale;
  return out;
}
