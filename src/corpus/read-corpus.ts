import { Observable } from 'rxjs';
import { noUsableUtterances } from './no-usable-utterances.ts';
import { InputError } from '../errors.ts';
import type { CorpusEntry, CorpusProblem } from './corpus-entry.ts';
import { listCorpus } from './list-corpus.ts';
import { loadUtterance, type LoadOptions } from './load-utterance.ts';
import type { Utterance } from './utterance.ts';

/** Options of {@link readCorpus}. */
export interface ReadCorpusOptions extends LoadOptions {
  /** Told of each skipped file: no label file, undecodable audio, bad labels, unknown phone. */
  onProblem?: (problem: CorpusProblem) => void;
  /** Read only these entries (e.g. one side of a split of `listCorpus(root).entries`), in this order. */
  entries?: readonly CorpusEntry[];
}

/**
 * Streams a corpus's utterances one after another: lists `root` (see listCorpus), then loads each
 * entry only after the previous utterance was emitted, so a subscriber that handles each one
 * synchronously never holds more than one in memory. Bad files are reported to `onProblem` and
 * skipped; the stream errors only if no utterance at all could be read. Unsubscribing stops loading.
 *
 * @param root corpus directory (utterance ids are relative to it)
 * @param options see {@link ReadCorpusOptions} and LoadOptions
 * @returns utterances in id order, 16 kHz mono audio and normalised segments
 * @throws (as a stream error) InputError naming `root` when nothing usable was found, or any
 *   error that is not about a bad input file
 *
 * ## Example
 * ```ts
 * const problems: CorpusProblem[] = [];
 * readCorpus('fixtures/corpus', { onProblem: (p) => problems.push(p), onWarning: (w) => console.warn(w.message) })
 *   .subscribe((utt) => console.log(utt.id, utt.audio.samples.length));
 * ```
 */
export function readCorpus(root: string, options: ReadCorpusOptions = {}): Observable<Utterance> {
  return new Observable<Utterance>((subscriber) => {
    let stopped = false;
    const report = (p: CorpusProblem): void => options.onProblem?.(p);
    const run = async (): Promise<void> => {
      let entries = options.entries;
      const problems: CorpusProblem[] = [];
      if (entries === undefined) {
        const listing = await listCorpus(root);
        entries = listing.entries;
        for (const p of listing.problems) {
          problems.push(p);
          report(p);
        }
      }
      let emitted = 0;
      for (const entry of entries) {
        if (stopped) return;
        let utterance: Utterance;
        try {
          utterance = await loadUtterance(entry, options);
        } catch (err) {
          if (!(err instanceof InputError)) throw err;
          const p = { file: err.source, message: err.message.slice(err.source.length + 2) };
          problems.push(p);
          report(p);
          continue;
        }
        if (stopped) return;
        subscriber.next(utterance);
        emitted++;
      }
      if (stopped) return;
      if (emitted === 0) {
        throw noUsableUtterances(root, entries.length, problems);
      }
      subscriber.complete();
    };
    run().catch((err) => subscriber.error(err));
    return () => {
      stopped = true;
    };
  });
}
