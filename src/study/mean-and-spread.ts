/**
 * Mean and sample standard deviation (n − 1) of the finite values; the spread is null for fewer
 * than two (one seed says nothing about the spread), the mean null for none.
 *
 * ## Example
 * ```ts
 * meanAndSpread([1, 2, 3]); // { mean: 2, sd: 1, n: 3 }
 * ```
 */
export function meanAndSpread(values: readonly (number | null | undefined)[]): { mean: number | null; sd: number | null; n: number } {
  const xs = values.filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
  const n = xs.length;
  if (n === 0) return { mean: null, sd: null, n };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, sd: null, n };
  const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1));
  return { mean, sd, n };
}
