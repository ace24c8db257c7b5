import type { ConfusionState } from './view-state.ts';

/** One row of the confusion view: frames of reference `truth` predicted as `predicted`. */
export interface ConfusionRow {
  truth: string;
  predicted: string;
  frames: number;
  /** Share of the reference phone's labelled frames that went to `predicted`. */
  ofTruth: number;
}

/**
 * The most frequent errors of a labelled stream, most frequent first (ties by reference, then by
 * predicted phone, so the order is stable from one render to the next).
 *
 * @param confusion - the counts (from the view state).
 * @param n - how many rows at most.
 * @returns the off-diagonal cells with the most frames.
 *
 * ## Example
 * ```ts
 * topConfusionRows({ stream: 'replay', counts: { ae: { ae: 3, eh: 1 } }, labelled: 4, correct: 3 }, 5);
 * // [{ truth: 'ae', predicted: 'eh', frames: 1, ofTruth: 0.25 }]
 * ```
 */
export function topConfusionRows(confusion: ConfusionState | undefined, n: number): ConfusionRow[] {
  if (!confusion) return [];
  const rows: ConfusionRow[] = [];
  for (const [truth, row] of Object.entries(confusion.counts)) {
    let total = 0;
    for (const frames of Object.values(row)) total += frames;
    for (const [predicted, frames] of Object.entries(row)) {
      if (predicted !== truth && frames > 0) rows.push({ truth, predicted, frames, ofTruth: frames / total });
    }
  }
  rows.sort((a, b) => b.frames - a.frames || cmp(a.truth, b.truth) || cmp(a.predicted, b.predicted));
  return rows.slice(0, Math.max(0, n));
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
