/**
 * Pre-emphasis of a stretch of a signal, y[n] = x[n] − k·x[n−1], written as Float32 into out[at …]:
 * `frameBlocks` runs it on every sample, `cepstraFromChunks` on the samples it keeps between chunks
 * (the MFCC kernel's preEmphasis export does the same arithmetic on the rest, tested bit for bit
 * against this loop). It runs on locals and parameters only: reading and writing a closure's
 * variables per sample made this loop several times slower than the arithmetic.
 *
 * @param x the samples; x[from, to) are pre-emphasised
 * @param k the coefficient
 * @param previous x[from − 1] (the last sample of the previous chunk; 0 at the start of a stream)
 * @param out receives to − from values from index `at`
 * @returns true when every sample of x[from, to) is finite (a NaN or ±∞ would poison every later
 *   feature; the caller finds and names the sample)
 *
 * ## Example
 * ```ts
 * const y = new Float32Array(3);
 * preEmphasise(Float32Array.of(1, 1, 1), 0, 3, 0.97, 0, y, 0); // true; y ≈ [1, 0.03, 0.03]
 * ```
 */
export function preEmphasise(x: Float32Array, from: number, to: number, k: number, previous: number, out: Float32Array, at: number): boolean {
  let prev = previous;
  // x·0 is NaN exactly when x is NaN or ±∞: one sum checks the samples without a branch per sample.
  let poison = 0;
  for (let i = from, o = at; i < to; i++, o++) {
    const v = x[i];
    poison += v * 0;
    out[o] = v - k * prev;
    prev = v;
  }
  return poison === 0;
}
