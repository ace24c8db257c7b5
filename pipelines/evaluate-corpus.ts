/**
 * Pipeline: corpus entries → features (fixed normalisation) → a frozen, predict-only stream of
 * the shared learner → framewise confusion counts and agreement statistics (Cohen's kappa,
 * the no-change classifier's accuracy, Kappa-Temporal). Used for held-out evaluation after each
 * replay epoch and by `phonestream eval`.
 */
import { concatMap, defer, filter, finalize, map, reduce, type Observable } from 'rxjs';
import { TemporalAgreement } from '../src/metrics/kappa-temporal.ts';
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
  type StreamEndEvent,
} from '../src/index.ts';

export interface EvaluateCorpusOptions {
  entries: readonly CorpusEntry[];
  learner: OnlineLearner;
  /** Feature options; give fixed statistics (the training stream's) so evaluation does not adapt to the test data. */
  features: FeatureConfig;
  /** Stream id of the evaluation (default `eval`). */
  stream?: string;
  onProblem?: (p: CorpusProblem) => void;
  /** Told of each file's warnings (labels clipped to the audio, audio below 16 kHz). */
  onWarning?: (w: { file: string; message: string }) => void;
  /** Feature workers to read and compute features on (owned by the caller); default: this thread. */
  pool?: FeaturePool;
}

/** What {@link scoreCorpus} emits: the same labelled frames, counted two ways. */
export interface CorpusScore {
  /** Confusion counts: accuracy, the most confused pairs, folding. */
  counts: ConfusionCounts;
  /** Accuracy, Cohen's kappa, no-change accuracy and Kappa-Temporal, utterance boundaries kept. */
  agreement: TemporalAgreement;
}

/** Scores every labelled frame of `entries` without training; emits the counts once, at the end. */
export function evaluateCorpus(o: EvaluateCorpusOptions): Observable<ConfusionCounts> {
  return scoreCorpus(o).pipe(map((s) => s.counts));
}

/**
 * Scores every labelled frame of `entries` without training; emits the confusion counts and the
 * agreement statistics once, at the end. The agreement is fed in stream order and told of each
 * utterance's end, since the no-change classifier repeats the previous frame of the same utterance.
 *
 * ## Example
 * ```ts
 * const { counts, agreement } = await lastValueFrom(scoreCorpus({ entries, learner, features }));
 * agreement.kappaTemporal();
 * ```
 */
export function scoreCorpus(o: EvaluateCorpusOptions): Observable<CorpusScore> {
  return defer(() => {
    const stream = o.learner.openStream(o.stream ?? 'eval', { train: false });
    const frames$ = o.pool
      ? readPreparedCorpus(o.pool, 'corpus', { entries: o.entries, features: o.features, onProblem: o.onProblem, onWarning: o.onWarning }).pipe(
          concatMap((utterance) => preparedToFrameEvents(utterance, o.features, { stream: stream.id })),
        )
      : readCorpus('corpus', { entries: o.entries, onProblem: o.onProblem, onWarning: o.onWarning }).pipe(
          concatMap((utterance) => utteranceToFrameEvents(utterance, o.features, { stream: stream.id })),
        );
    return frames$.pipe(
      learnOnline(stream),
      filter((e: LearnerEvent): e is PredictionsEvent | StreamEndEvent => e.kind === 'predictions' || e.kind === 'end'),
      reduce((score, e) => {
        // learnOnline emits an utterance's last predictions before its `end`.
        if (e.kind === 'end') {
          score.agreement.endUtterance();
          return score;
        }
        for (const f of e.frames) {
          if (f.truth === undefined) continue;
          score.counts.add(f.truth, f.label);
          score.agreement.add(f.truth, f.label);
        }
        return score;
      }, { counts: new ConfusionCounts(), agreement: new TemporalAgreement() }),
      finalize(() => stream.close()),
    );
  });
}
