import type { StudyPoint } from './study-grid.ts';

/** The figures of a replay summary a study keeps (the rest is in the replay's own JSON). */
export interface RunFigures {
  heldOutAccuracy: number | null;
  heldOutKappa: number | null;
  heldOutKappaTemporal: number | null;
  heldOutNoChangeAccuracy: number | null;
  pass1PrequentialAccuracy: number | null;
  framesPerSecond: number;
  updates: number;
  updatesPerSecond: number;
  /** The replay's own training time (no start-up, no held-out scoring). */
  seconds: number;
  frames: number;
  utterances: number;
  skippedUpdates: number;
  /**
   * Held-out scores along the run (part-way through pass 1 and after every pass), as replay's
   * summary `curve` gives them; empty for a run that scored only at its end.
   */
  curve: CurvePoint[];
}

/** One held-out score along a run: after `passes` passes, `frames` training frames, `trainingSeconds`. */
export interface CurvePoint {
  passes: number;
  frames: number;
  /** The replay's time training so far, held-out scoring excluded. */
  trainingSeconds: number;
  heldOutAccuracy: number | null;
  heldOutKappa: number | null;
  heldOutKappaTemporal: number | null;
}

/** One replay of the study. */
export interface StudyRun {
  point: string;
  /** validation: on the training files' own split, to choose the rate; final: on the study's split. */
  role: 'validation' | 'final';
  seed: number;
  lr: number;
  /** The child process's wall time: start-up, training and held-out scoring. */
  wallSeconds: number;
  /** null when the replay failed; then `error` says why. */
  figures: RunFigures | null;
  error?: string;
}

/** What became of a point: all its runs, some (the budget ran out part-way), or none. */
export interface StudyPointOutcome {
  name: string;
  status: 'done' | 'partial' | 'skipped';
  /** The rate its final runs used; null when none was chosen. */
  chosenLr: number | null;
  /** Why it is partial or skipped (the budget, with the estimate). */
  reason?: string;
}

/** OUT/results.json: everything study.md is rendered from. */
export interface StudyResults {
  corpora: string[];
  budgetMinutes: number;
  seeds: number;
  /** Options given to every replay (e.g. --hidden 8). */
  replayArgs: string[];
  split: { heldOut: number; splitSeed: number; validationHeldOut: number; validationSplitSeed: number };
  machine: { cpu: string; cores: number; platform: string; node: string };
  startedAt: string;
  finishedAt: string;
  studySeconds: number;
  grid: StudyPoint[];
  points: StudyPointOutcome[];
  runs: StudyRun[];
  /** Passes each final run makes (validation runs make one). */
  passes: number;
  /** Where each final run is scored part-way through pass 1 (`--score-at`), besides every pass's end. */
  scoreAt: number[];
  /** Each invocation that wrote these results (more than one when resumed): when, how long, its budget. */
  sessions: { startedAt: string; seconds: number; budgetMinutes: number }[];
  /**
   * The conclusions, written by hand from the full run (never by the study): study.md renders them
   * under "## Conclusions" where its `<!-- conclusions -->` marker is.
   */
  conclusions?: string[];
}
