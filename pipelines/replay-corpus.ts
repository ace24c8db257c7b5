/**
 * Pipeline: a corpus replayed as if live. Each epoch streams the training files' utterances
 * through the feature operators into the shared learner (predict each frame, then learn from it),
 * optionally paced at 100 frames/s, then scores the held-out files with frozen weights.
 *
 *   entries ─► readCorpus ─► utteranceToFrameEvents (running normalisation carried across
 *   utterances) ─► [paceRealtime(100)] ─► learnOnline(train stream) ─► LearnerEvents
 *   held-out entries ─► scoreCorpus (normalised with the training statistics) ─► EpochEvent
 *
 * With `threads` > 1, worker threads read the files and compute the features up to (not including)
 * normalisation, a few utterances ahead, while this thread normalises them in corpus order and
 * trains:
 *
 *   entries ─► readPreparedCorpus (workers: decode, resample, MFCC, deltas) ─► preparedToFrameEvents
 *   (the same normalisation operator, the same shared statistics, in the same order) ─► learnOnline
 *
 * Running normalisation is the only step that depends on earlier utterances, and it runs here, on
 * the very vectors the single-threaded path would compute, so every event and weight is identical.
 */
import { concat, concatMap, defer, EMPTY, finalize, map, of, repeat, type Observable } from 'rxjs';
import { ConfigError } from '../src/errors.ts';
import {
  featureDims,
  learnOnline,
  paceRealtime,
  readCorpus,
  RunningStats,
  utteranceToFrameEvents,
  type ConfusionCounts,
  type CorpusEntry,
  type CorpusProblem,
  type FeatureConfig,
  type FrameEvent,
  type LearnerEvent,
  type OnlineLearner,
  type TemporalAgreement,
} from '../src/index.ts';
import { preparedToFrameEvents } from '../src/features/prepared-to-frame-events.ts';
import { FeaturePool } from '../src/threads/feature-pool.ts';
import { readPreparedCorpus } from '../src/threads/read-prepared-corpus.ts';
import { scoreCorpus, type CorpusScore } from './evaluate-corpus.ts';

export interface ReplayCorpusOptions {
  train: readonly CorpusEntry[];
  heldOut?: readonly CorpusEntry[];
  learner: OnlineLearner;
  /**
   * Feature options. With `running` normalisation the statistics carry over the whole replay and
   * the held-out files are normalised with them as they stand at the end of each epoch; with
   * `fixed` statistics (from `phonestream stats`) everything uses those.
   */
  features: FeatureConfig;
  /** Passes over the training files (default 1); `Infinity` loops until unsubscribed. */
  epochs?: number;
  /** `max`: as fast as it goes; `realtime`: 100 frames/s, as a live source. Default `max`. */
  pace?: 'max' | 'realtime';
  /** Stream id of the replay (default `replay`). */
  stream?: string;
  /**
   * Learn from the replayed labels (default: the learner's `trainable`). `false` predicts the
   * replay only (its metrics carry the accuracy, with a null loss) while the learner may stay
   * trainable for other streams.
   */
  learn?: boolean;
  /** Normalisation statistics to carry on from (e.g. a loaded checkpoint's). */
  runningStats?: RunningStats;
  onProblem?: (p: CorpusProblem) => void;
  /** Told of each file's warnings (labels clipped to the audio, audio below 16 kHz), every time it is read. */
  onWarning?: (w: { file: string; message: string }) => void;
  /**
   * Threads in all (default 1): with N > 1, N − 1 feature workers read and compute features (for
   * training and held-out scoring) while this thread normalises and trains. The results are the
   * same whatever N. The workers start on subscription and are terminated when the replay
   * completes, errors or is unsubscribed.
   */
  threads?: number;
  /**
   * Feature workers to use instead of starting `threads − 1` of them: owned by the caller, who
   * closes it (the CLI starts its pool early, so the workers boot while TensorFlow.js loads).
   */
  pool?: FeaturePool;
  /**
   * Points inside a pass, in passes (0.25: a quarter of the way through pass 1; 1.5: half way
   * through pass 2), at which the held-out files are also scored, as a {@link ScoreEvent}: the
   * learning curve against frames seen. A point falls after the utterance that reaches its share
   * of the training files (rounded); whole numbers are the epochs' own scores and are ignored.
   */
  scoreAt?: readonly number[];
}

/** The held-out files scored part-way through a pass (see `scoreAt`). */
export interface ScoreEvent {
  kind: 'score';
  epoch: number;
  /** Passes over the training files so far: (epoch − 1) + files / train files. */
  passes: number;
  heldOut: ConfusionCounts | null;
  heldOutAgreement: TemporalAgreement | null;
}

/** Emitted after each epoch, once the held-out files are scored. */
export interface EpochEvent {
  kind: 'epoch';
  epoch: number;
  /** Counts over the held-out frames (empty when nothing is held out). */
  heldOut: ConfusionCounts | null;
  /**
   * Accuracy, Cohen's kappa, the no-change classifier's accuracy and Kappa-Temporal over the same
   * held-out frames (null when nothing is held out).
   */
  heldOutAgreement: TemporalAgreement | null;
  /** The normalisation statistics of the training stream at the end of the epoch. */
  stats: RunningStats;
}

export type ReplayEvent = LearnerEvent | EpochEvent | ScoreEvent;

export function replayCorpus(o: ReplayCorpusOptions): Observable<ReplayEvent> {
  const epochs = o.epochs ?? 1;
  const stats = o.runningStats ?? new RunningStats(featureDims(o.features));
  const heldOut = o.heldOut ?? [];
  const id = o.stream ?? 'replay';
  const threads = o.threads ?? 1;
  if (!Number.isInteger(threads) || threads < 1) throw new ConfigError(`replayCorpus: threads must be an integer ≥ 1, got ${threads}`);
  for (const p of o.scoreAt ?? []) {
    if (!(p > 0) || !(p <= epochs)) throw new ConfigError(`replayCorpus: scoreAt points must be in (0, epochs = ${epochs}] passes, got ${p}`);
  }
  return defer(() => {
    const owned = o.pool === undefined && threads > 1 ? new FeaturePool(threads - 1) : undefined;
    const pool = o.pool ?? owned;
    let epoch = 0;
    const oneEpoch = defer(() => {
      epoch += 1;
      const n = epoch;
      // A learner stream per pass: its running accuracy is that pass's alone, and its metrics say
      // which pass they are (pass 1 is prequential; later passes score frames already learned from).
      const stream = o.learner.openStream(id, { train: o.learn ?? o.learner.trainable });
      const framesOf = (entries: readonly CorpusEntry[]): Observable<FrameEvent> =>
        pool
          ? readPreparedCorpus(pool, 'corpus', { entries, features: o.features, onProblem: o.onProblem, onWarning: o.onWarning }).pipe(
              concatMap((utterance) => preparedToFrameEvents(utterance, o.features, { stream: stream.id, runningStats: stats })),
            )
          : readCorpus('corpus', { entries, onProblem: o.onProblem, onWarning: o.onWarning }).pipe(
              concatMap((utterance) => utteranceToFrameEvents(utterance, o.features, { stream: stream.id, runningStats: stats })),
            );
      // defer: the held-out files are normalised with the statistics as they are at the END of
      // the epoch's training, not as they were when the epoch was set up (empty, in epoch 1).
      const evaluation$: Observable<CorpusScore | null> =
        heldOut.length === 0
          ? of(null)
          : defer(() => scoreCorpus({
              entries: heldOut,
              learner: o.learner,
              features:
                o.features.normalization.kind === 'running'
                  ? { ...o.features, normalization: { kind: 'fixed', stats: stats.toJSON() } }
                  : o.features,
              stream: `${stream.id}/held-out`,
              onProblem: o.onProblem,
              onWarning: o.onWarning,
              pool,
            }));
      const train = (entries: readonly CorpusEntry[]): Observable<LearnerEvent> => {
        const frames$ = framesOf(entries);
        return (o.pace === 'realtime' ? frames$.pipe(paceRealtime(100)) : frames$).pipe(
          learnOnline(stream),
          map((ev): LearnerEvent => (ev.kind === 'metrics' ? { ...ev, pass: n } : ev)),
        );
      };
      // The pass in pieces, cut where a score is wanted; the same learner stream runs through them.
      const cuts = scoreCuts(o.scoreAt ?? [], n, o.train.length);
      const pieces = [0, ...cuts].map((start, i) => o.train.slice(start, [...cuts, o.train.length][i]));
      const training$ = concat(
        ...pieces.map((piece, i) =>
          i === 0
            ? train(piece)
            : concat(
                evaluation$.pipe(
                  map((score): ScoreEvent => ({
                    kind: 'score',
                    epoch: n,
                    passes: n - 1 + cuts[i - 1]! / o.train.length,
                    heldOut: score?.counts ?? null,
                    heldOutAgreement: score?.agreement ?? null,
                  })),
                ),
                train(piece),
              ),
        ),
      ).pipe(finalize(() => stream.close()));
      return concat(
        training$,
        evaluation$.pipe(
          map((score): EpochEvent => ({ kind: 'epoch', epoch: n, heldOut: score?.counts ?? null, heldOutAgreement: score?.agreement ?? null, stats })),
        ),
      );
    });
    const all = Number.isFinite(epochs) ? (epochs > 0 ? oneEpoch.pipe(repeat(epochs)) : EMPTY) : oneEpoch.pipe(repeat());
    // finalize runs on completion, error and unsubscription alike: no worker outlives the replay.
    return owned ? all.pipe(finalize(() => void owned.close())) : all;
  });
}

/**
 * Where pass `epoch` is cut for its part-way scores: the file counts (sorted, distinct, strictly
 * inside the pass) that reach each point's share of the `files` training files.
 */
export function scoreCuts(points: readonly number[], epoch: number, files: number): number[] {
  const cuts = points
    .filter((p) => p > epoch - 1 && p < epoch)
    .map((p) => Math.round((p - (epoch - 1)) * files))
    .filter((k) => k > 0 && k < files);
  return [...new Set(cuts)].sort((a, b) => a - b);
}
