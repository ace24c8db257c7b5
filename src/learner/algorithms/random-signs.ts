/**
 * Fills `out` with independent random signs ±1 (probability ½ each) from a uniform [0, 1) source
 * such as mulberry32, 32 signs per draw: mulberry32's floats are its 32-bit outputs / 2³², so every
 * bit of ⌊u·2³²⌋ is a fair coin and one draw serves 32 entries.
 *
 * @param rand uniform [0, 1) with 32 random bits (mulberry32).
 * @param out receives the signs.
 *
 * ## Example
 * ```ts
 * fillRandomSigns(mulberry32(7), nu);   // nu[k] ∈ {−1, 1}
 * ```
 */
export function fillRandomSigns(rand: () => number, out: Float32Array): void {
  for (let k = 0; k < out.length; k += 32) {
    const bits = Math.floor(rand() * 4294967296) >>> 0;
    const n = Math.min(32, out.length - k);
    for (let b = 0; b < n; b++) out[k + b] = (bits >>> b) & 1 ? 1 : -1;
  }
}
