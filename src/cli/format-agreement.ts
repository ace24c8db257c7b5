/**
 * The agreement statistics as a short parenthesis for a summary line, after an accuracy. The
 * no-change accuracy is printed beside Kappa-Temporal because it is the baseline that figure is
 * measured against: on 10 ms frames it is high, and a κ_per ≤ 0 reads as "no better than it".
 *
 * @returns e.g. `(κ 0.412, κ-temporal -0.803 vs no-change 88.1%)`; `n/a` for a null figure.
 *
 * ## Example
 * ```ts
 * formatAgreement(0.4123, -0.8034, 0.8811); // '(κ 0.412, κ-temporal -0.803 vs no-change 88.1%)'
 * ```
 */
export function formatAgreement(kappa: number | null, kappaTemporal: number | null, noChange: number | null): string {
  const fixed = (x: number | null) => (x === null ? 'n/a' : x.toFixed(3));
  const pct = noChange === null ? 'n/a' : `${(100 * noChange).toFixed(1)}%`;
  return `(κ ${fixed(kappa)}, κ-temporal ${fixed(kappaTemporal)} vs no-change ${pct})`;
}
