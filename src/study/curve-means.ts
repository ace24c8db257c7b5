import { meanAndSpread } from './mean-and-spread.ts';
import type { CurvePoint, StudyResults, StudyRun } from './study-results.ts';

/** A point's finished final runs (a failed run has no figures), in results order. */
export function finalRunsOf(results: StudyResults, point: string): StudyRun[] {
  return results.runs.filter((r) => r.point === point && r.role === 'final' && r.figures !== null);
}

/**
 * The curve entry scored after about `passes` passes: exactly a whole pass, or the nearest entry
 * part-way through pass 1 within half the target (replay scores after the utterance that crosses
 * it, so 0.25 lands at e.g. 0.253); undefined when the run was not scored there.
 */
export function curveAt(curve: readonly CurvePoint[], passes: number): CurvePoint | undefined {
  if (Number.isInteger(passes)) return curve.find((c) => c.passes === passes);
  let best: CurvePoint | undefined;
  for (const c of curve) {
    const d = Math.abs(c.passes - passes);
    if (c.passes < 1 && d < passes / 2 && (best === undefined || d < Math.abs(best.passes - passes))) best = c;
  }
  return best;
}

/** One position of a point's curve over its seeds: mean position, accuracy mean ± sd. */
export interface MeanCurvePoint {
  passes: number;
  frames: number;
  trainingSeconds: number;
  accuracy: { mean: number | null; sd: number | null; n: number };
}

/**
 * A point's curve over its final runs, position by position (the runs of a point are scored at the
 * same positions; the frames there differ a little with the utterance order, so they are averaged).
 */
export function meanCurve(runs: readonly StudyRun[]): MeanCurvePoint[] {
  const curves = runs.map((r) => r.figures?.curve ?? []);
  const length = Math.max(0, ...curves.map((c) => c.length));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return Array.from({ length }, (_, i) => {
    const at = curves.map((c) => c[i]).filter((c) => c !== undefined);
    return {
      passes: mean(at.map((c) => c.passes)),
      frames: mean(at.map((c) => c.frames)),
      trainingSeconds: mean(at.map((c) => c.trainingSeconds)),
      accuracy: meanAndSpread(at.map((c) => c.heldOutAccuracy)),
    };
  });
}
