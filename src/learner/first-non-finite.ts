/**
 * Index of the first NaN or ±Infinity in `values`, or -1 when every value is finite: one bad
 * weight makes every prediction NaN, so loaders look before they hand weights to a learner.
 *
 * @param values the numbers to scan
 * @returns the index of the first non-finite value, or -1
 *
 * ## Example
 * ```ts
 * firstNonFinite(Float32Array.of(1, NaN)); // 1
 * ```
 */
export function firstNonFinite(values: ArrayLike<unknown>): number {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) return i;
  }
  return -1;
}
