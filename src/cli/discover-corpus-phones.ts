import type { CorpusEntry, CorpusProblem } from '../corpus/corpus-entry.ts';
import { InputError } from '../errors.ts';
import { noReadableLabels } from './no-readable-labels.ts';
import { discoverPhoneSet } from '../labels/discover-phone-set.ts';
import { readLabelFile } from '../labels/read-label-file.ts';

/**
 * The phone set of a corpus, read from its label files only (no audio), so the model's output
 * layer can be built before the first utterance streams. Entries whose labels do not parse are
 * reported and dropped from the returned list.
 */
export async function discoverCorpusPhones(
  entries: readonly CorpusEntry[],
  onProblem: (p: CorpusProblem) => void,
  corpus = 'corpus',
): Promise<{ phones: string[]; entries: CorpusEntry[] }> {
  const lists = [];
  const kept: CorpusEntry[] = [];
  for (const e of entries) {
    try {
      lists.push(await readLabelFile(e.labelPath));
      kept.push(e);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      onProblem({ file: err.source, message: err.message.slice(err.source.length + 2) });
    }
  }
  if (kept.length === 0) throw noReadableLabels(corpus, entries.length);
  return { phones: discoverPhoneSet(lists), entries: kept };
}
