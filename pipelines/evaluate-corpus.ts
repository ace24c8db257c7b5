/**
 * Pipeline: corpus entries → features (fixed normalisation) → a frozen, predict-only stream of
 * the shared learner → framewise confusion counts. Used for held-out evaluation after each
 * replay epoch and by `phonestream eval`.
 */
import { concatMap, defer, filter, finalize, reduce, type Observable } from 'rxjs';
import { preparedToFrameEvents } from '../src/features/prepared-to-frame-events.ts';
import type { FeaturePool } from '../src/threads/feature-pool.ts';
import { readPreparedCorpus } from '../src/threads/read-prepared-corpus.ts';
import {
  ConfusionCounts,
  learnOnline,
  readCorpus,
  utteranceToFrameEvents,
  type CorpusEntry,
  type CorpusProblem,
  type FeatureConfig,
  type LearnerEvent,
  type OnlineLearner,
  type PredictionsEvent,
} from '../src/index.ts';

export interface EvaluateCorpusOptions {
  entries: readonly CorpusEntry[];
  learner: OnlineLearner;
  /** Feature options; give fixed statistics (the training stream's) so evaluation does not adapt to the test data. */
  features: FeatureConfig;
  /** Stream id of the evaluation (default `eval`). */
  stream?: string;
  onProblem?: (p: CorpusProblem) => void;
  /** Feature workers to read and compute features on (owned by the caller); default: this thread. */
  pool?: FeaturePool;
}

/** Scores every labelled frame of `entries` without training; emits the counts once, at the end. */
export function evaluateCorpus(o: EvaluateCorpusOptions): Observable<ConfusionCounts> {
  return defer(() => {
    const stream = o.learner.openStream(o.stream ?? 'eval', { train: false });
    const frames$ = o.pool
      ? readPreparedCorpus(o.pool, 'corpus', { entries: o.entries, features: o.features, onProblem: o.onProblem }).pipe(
          concatMap((utterance) => preparedToFrameEvents(utterance, o.features, { stream: stream.id })),
        )
      : readCorpus('corpus', { entries: o.entries, onProblem: o.onProblem }).pipe(
          concatMap((utterance) => utteranceToFrameEvents(utterance, o.features, { stream: stream.id })),
        );
    return frames$.pipe(
    learnOnline(stream),
    filter((e: LearnerEvent): e is PredictionsEvent => e.kind === 'predictions'),
    reduce((counts, e) => {
      for (const f of e.frames) if (f.truth !== undefined) counts.add(f.truth, f.label);
      return counts;
    }, new ConfusionCounts()),
      finalize(() => stream.close()),
    );
  });
}
