/**
 * Framewise scoring: counts of (reference, predicted) label pairs. Kept as counts rather than a
 * dense matrix so a phone set need not be fixed in advance and folding (TIMIT 61 → 39) is a
 * re-keying of the same counts.
 */
export class ConfusionCounts {
  private readonly counts = new Map<string, number>();
  private total = 0;
  private correct = 0;

  /** Records one scored frame. */
  add(truth: string, predicted: string): void {
    const key = `${truth}\u0000${predicted}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    this.total += 1;
    if (truth === predicted) this.correct += 1;
  }

  /** Frames scored. */
  get frames(): number {
    return this.total;
  }

  /** Framewise accuracy in [0, 1], or null before any frame. */
  accuracy(): number | null {
    return this.total === 0 ? null : this.correct / this.total;
  }

  /**
   * The same counts with both labels mapped through `fold` (e.g. TIMIT's 61 phones to 39);
   * a label mapped to null (TIMIT's glottal stop `q`) drops the frame from scoring.
   */
  folded(fold: (label: string) => string | null): ConfusionCounts {
    const out = new ConfusionCounts();
    for (const [key, n] of this.counts) {
      const [truth, predicted] = key.split('\u0000');
      const t = fold(truth);
      const p = fold(predicted);
      if (t === null) continue;
      for (let i = 0; i < n; i++) out.add(t, p ?? predicted);
    }
    return out;
  }

  /**
   * Every non-zero cell as [reference, predicted, frames], in no set order: the confusion matrix
   * for statistics beyond accuracy (e.g. `cohenKappa(counts.cells())`).
   */
  *cells(): IterableIterator<[string, string, number]> {
    for (const [key, n] of this.counts) {
      const [truth, predicted] = key.split('\u0000');
      yield [truth, predicted, n];
    }
  }

  /** The `n` most frequent errors, as [reference, predicted, frames], most frequent first. */
  topConfusions(n: number): [string, string, number][] {
    const errors: [string, string, number][] = [];
    for (const [key, count] of this.counts) {
      const [truth, predicted] = key.split('\u0000');
      if (truth !== predicted) errors.push([truth, predicted, count]);
    }
    errors.sort((a, b) => b[2] - a[2] || a[0].localeCompare(b[0]) || a[1].localeCompare(b[1]));
    return errors.slice(0, n);
  }
}
