import { kappaFromAgreement } from './kappa-from-agreement.ts';

/** One cell of a confusion matrix: reference label, predicted label, frames. */
export type ConfusionCell = readonly [truth: string, predicted: string, frames: number];

/**
 * Chance agreement p_e = Σ_c (rows_c / N)(columns_c / N): how often two independent labellings
 * with these marginals would agree. Labels present on one side only contribute 0.
 *
 * @param truth frames per reference label (the row marginals).
 * @param predicted frames per predicted label (the column marginals).
 * @param frames N, the frames of both (each marginal sums to it).
 * @returns p_e in [0, 1], or null when there are no frames.
 *
 * ## Example
 * ```ts
 * chanceAgreement(new Map([['y', 25], ['n', 25]]), new Map([['y', 30], ['n', 20]]), 50); // 0.5
 * ```
 */
export function chanceAgreement(truth: ReadonlyMap<string, number>, predicted: ReadonlyMap<string, number>, frames: number): number | null {
  if (frames === 0) return null;
  let sum = 0;
  // Summing counts and dividing once keeps the result exact up to the final division (the
  // p_e = 1 test in kappaFromAgreement relies on it).
  for (const [label, n] of truth) sum += n * (predicted.get(label) ?? 0);
  return sum / (frames * frames);
}

/**
 * Cohen's kappa of a confusion matrix: κ = (p_o − p_e)/(1 − p_e), the framewise accuracy p_o
 * corrected for the agreement p_e expected by chance from the row (reference) and column
 * (predicted) marginals. A classifier that always says the commonest phone (silence) gets a high
 * accuracy and κ = 0.
 *
 * Degenerate cases: no frames → null. p_e = 1 → null: that happens only when the reference and
 * the prediction are one and the same label on every frame (so p_o = 1 too); κ is 0/0 there, and
 * neither 1 (a constant classifier shows no skill) nor 0 (it made no error) would be honest.
 *
 * @param cells the non-zero cells as [truth, predicted, frames] (e.g. `ConfusionCounts.cells()`);
 *   a pair may repeat (its frames add up); cells with 0 frames are allowed.
 * @returns κ in [−1, 1], or null (see above).
 *
 * ## Example
 * ```ts
 * // Wikipedia's 50 grant applications: p_o = 0.7, p_e = 0.5
 * cohenKappa([['y', 'y', 20], ['y', 'n', 5], ['n', 'y', 10], ['n', 'n', 15]]); // 0.4
 * ```
 */
export function cohenKappa(cells: Iterable<ConfusionCell>): number | null {
  const truth = new Map<string, number>();
  const predicted = new Map<string, number>();
  let frames = 0;
  let correct = 0;
  for (const [t, p, n] of cells) {
    truth.set(t, (truth.get(t) ?? 0) + n);
    predicted.set(p, (predicted.get(p) ?? 0) + n);
    frames += n;
    if (t === p) correct += n;
  }
  const chance = chanceAgreement(truth, predicted, frames);
  return chance === null ? null : kappaFromAgreement(correct / frames, chance);
}
