import type { CorpusEntry, CorpusProblem } from '../corpus/corpus-entry.ts';
import { InputError } from '../errors.ts';
import { noReadableLabels } from './no-readable-labels.ts';
import { assertPhonesInSet } from '../labels/assert-phones-in-set.ts';
import { readLabelFile } from '../labels/read-label-file.ts';

/**
 * Checks, before any audio is decoded, that every label file of a corpus uses only phones a loaded
 * model can output, so `eval` or `replay --load` on a corpus with another phone set fails at once
 * naming the label file and the phone, not midway through with a stream error. Entries whose
 * labels do not parse are reported and dropped, as {@link discoverCorpusPhones} does.
 *
 * @param entries the listed corpus
 * @param phones the model's phone set
 * @param onProblem told about each unparsable label file
 * @param corpus names the corpus in the error when no label file could be read
 * @returns the entries kept
 * @throws InputError naming the first label file with a phone outside `phones`
 *
 * ## Example
 * ```ts
 * entries = await assertCorpusPhones(entries, learner.config.phones, onProblem);
 * ```
 */
export async function assertCorpusPhones(
  entries: readonly CorpusEntry[],
  phones: readonly string[],
  onProblem: (p: CorpusProblem) => void,
  corpus = 'corpus',
): Promise<CorpusEntry[]> {
  const kept: CorpusEntry[] = [];
  for (const e of entries) {
    let segments;
    try {
      segments = await readLabelFile(e.labelPath);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      onProblem({ file: err.source, message: err.message.slice(err.source.length + 2) });
      continue;
    }
    assertPhonesInSet(segments, phones, e.labelPath, "model's");
    kept.push(e);
  }
  if (kept.length === 0) throw noReadableLabels(corpus, entries.length);
  return kept;
}
