import { Observable } from 'rxjs';
import { noUsableUtterances } from '../corpus/no-usable-utterances.ts';
import type { CorpusEntry, CorpusProblem } from '../corpus/corpus-entry.ts';
import type { PreparedUtterance } from '../corpus/prepared-utterance.ts';
import type { FeatureConfig } from '../features/feature-config.ts';
import type { LabelWarning } from '../labels/fit-segments-to-duration.ts';
import type { PortableLoadOptions } from './feature-job.ts';
import type { FeaturePool, PrepareOutcome } from './feature-pool.ts';

/** Options of {@link readPreparedCorpus}. */
export interface ReadPreparedCorpusOptions extends PortableLoadOptions {
  /** The entries to read, in this order. */
  entries: readonly CorpusEntry[];
  /** Feature options the workers compute with (their normalisation is left to the caller). */
  features: FeatureConfig;
  /** Told of each skipped file, in corpus order, as `readCorpus` tells it. */
  onProblem?: (problem: CorpusProblem) => void;
  /** Told of each file's warnings (labels clipped, audio below 16 kHz) in corpus order, as `readCorpus` tells them. */
  onWarning?: (warning: LabelWarning) => void;
  /** Entries in flight on the workers at most, beyond the one being emitted (default 2 per worker + 2). */
  lookAhead?: number;
}

/**
 * `readCorpus` over worker threads: the entries' utterances, each with its unnormalised features,
 * emitted strictly in corpus order while the pool's workers read and compute up to `lookAhead`
 * entries ahead. Everything a caller observes is what `readCorpus` gives, in the same order: bad
 * files are reported to `onProblem` when their turn comes and skipped, the stream errors with the
 * same InputError if no utterance at all could be read, and with any other error as it happens.
 * Unsubscribing stops handing out jobs (those in flight finish on the workers and are dropped).
 *
 * @param pool the workers (owned by the caller, who closes it)
 * @param root names the corpus in the error when nothing could be read (as `readCorpus`'s `root`)
 * @param options see {@link ReadPreparedCorpusOptions}
 * @returns prepared utterances in entry order
 *
 * ## Example
 * ```ts
 * readPreparedCorpus(pool, 'corpus', { entries, features: cfg, onProblem })
 *   .pipe(concatMap((u) => preparedToFrameEvents(u, cfg, { runningStats })));
 * ```
 */
export function readPreparedCorpus(pool: Pick<FeaturePool, 'size' | 'prepare'>, root: string, options: ReadPreparedCorpusOptions): Observable<PreparedUtterance> {
  const { entries, features, onProblem, onWarning, lookAhead = 2 * pool.size + 2, ...load } = options;
  if (!Number.isInteger(lookAhead) || lookAhead < 1) throw new RangeError(`readPreparedCorpus: lookAhead must be an integer ≥ 1, got ${lookAhead}`);
  return new Observable<PreparedUtterance>((subscriber) => {
    let stopped = false;
    const inFlight: Promise<PrepareOutcome>[] = [];
    let next = 0;
    const fill = (): void => {
      while (!stopped && next < entries.length && inFlight.length < lookAhead) {
        const outcome = pool.prepare(entries[next++], features, load);
        // Awaited in order below; until then (or forever, after unsubscribing) a rejection is not unhandled.
        outcome.catch(() => {});
        inFlight.push(outcome);
      }
    };
    const run = async (): Promise<void> => {
      const problems: CorpusProblem[] = [];
      let emitted = 0;
      fill();
      while (inFlight.length > 0) {
        const outcome = await inFlight.shift()!;
        if (stopped) return;
        // Top up before emitting: the subscriber trains on the utterance synchronously, and the
        // workers should be computing the next ones meanwhile.
        fill();
        if (outcome.kind === 'problem') {
          problems.push(outcome.problem);
          onProblem?.(outcome.problem);
          continue;
        }
        for (const w of outcome.utterance.warnings ?? []) onWarning?.(w);
        subscriber.next(outcome.utterance);
        emitted++;
        if (stopped) return;
      }
      if (emitted === 0) {
        throw noUsableUtterances(root, entries.length, problems);
      }
      subscriber.complete();
    };
    run().catch((err) => {
      if (!stopped) subscriber.error(err);
    });
    return () => {
      stopped = true;
    };
  });
}
