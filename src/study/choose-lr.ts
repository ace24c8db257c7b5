/**
 * The learning rate with the best validation accuracy among a point's validation runs; ties go
 * to the rate listed first, failed or unscored runs never win. null when no run has a score.
 *
 * ## Example
 * ```ts
 * chooseLr([{ lr: 1e-3, figures: { heldOutAccuracy: 0.4 } }, { lr: 3e-4, figures: { heldOutAccuracy: 0.5 } }]); // 3e-4
 * ```
 */
export function chooseLr(validation: readonly { lr: number; figures: { heldOutAccuracy: number | null } | null }[]): number | null {
  let best: { lr: number; acc: number } | null = null;
  for (const r of validation) {
    const acc = r.figures?.heldOutAccuracy;
    if (typeof acc === 'number' && Number.isFinite(acc) && (best === null || acc > best.acc)) best = { lr: r.lr, acc };
  }
  return best?.lr ?? null;
}
