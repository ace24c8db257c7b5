import type { StudyRun } from './study-results.ts';

/**
 * A run's expected wall time from the runs done so far: the wall seconds per trained frame of
 * the runs of the same kind (start-up and scoring included, so a conservative rate), or of all
 * runs when none of that kind has run yet, times the frames the run will train: the frames per
 * file seen so far times its files. undefined before any run has finished (nothing to go on).
 *
 * @param done the finished runs, each with its point's kind
 * @param kind the kind of the point to estimate
 * @param files the training files of the run to estimate
 *
 * ## Example
 * ```ts
 * estimateRunSeconds([{ kind: 'tbptt', run }], 'tbptt', 120); // ≈ run.wallSeconds × 120 / run's files
 * ```
 */
export function estimateRunSeconds(done: readonly { kind: string; run: StudyRun }[], kind: string, files: number): number | undefined {
  const measured = done.filter((d) => d.run.figures !== null && d.run.figures.frames > 0);
  if (measured.length === 0) return undefined;
  const same = measured.filter((d) => d.kind === kind);
  const basis = same.length > 0 ? same : measured;
  const secondsPerFrame = sum(basis.map((d) => d.run.wallSeconds)) / sum(basis.map((d) => d.run.figures!.frames));
  const framesPerFile = sum(measured.map((d) => d.run.figures!.frames)) / sum(measured.map((d) => d.run.figures!.utterances));
  return secondsPerFrame * framesPerFile * files;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
