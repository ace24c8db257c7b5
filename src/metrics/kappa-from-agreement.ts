/**
 * The kappa form shared by Cohen's kappa and Kappa-Temporal: how much of the room a baseline
 * leaves above its agreement the classifier takes, κ = (p_o − p_b)/(1 − p_b). 1 is perfect, 0 is
 * no better than the baseline, negative is worse than it; the lower bound is −p_b/(1 − p_b).
 *
 * @param observed p_o, the classifier's agreement with the reference in [0, 1].
 * @param baseline p_b, the baseline's agreement (chance for Cohen, no-change for Kappa-Temporal).
 * @returns κ, or null when the baseline is perfect (p_b = 1): there is no room above it, so 0/0
 *   (even when p_o = 1 too), and a number there would claim a skill or a lack of it that the data
 *   cannot show. Null, not NaN, so the figure survives JSON as "undefined".
 *
 * ## Example
 * ```ts
 * kappaFromAgreement(0.7, 0.5); // 0.4 (to rounding: 0.3999999999999999)
 * kappaFromAgreement(1, 1); // null
 * ```
 */
export function kappaFromAgreement(observed: number, baseline: number): number | null {
  // Exact comparison: p_b is a ratio of counts, and 1 only when every count agrees.
  if (baseline >= 1) return null;
  return (observed - baseline) / (1 - baseline);
}
