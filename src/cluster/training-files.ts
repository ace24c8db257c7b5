import { createHash } from 'node:crypto';
import type { CorpusEntry, CorpusProblem } from '../corpus/corpus-entry.ts';
import { shuffleFiles } from '../corpus/shuffle-files.ts';
import { splitByFile } from '../corpus/split-by-file.ts';
import { discoverCorpusPhones } from '../cli/discover-corpus-phones.ts';
import { listCorpora } from '../cli/list-corpora.ts';

/** A corpus as replay splits it: held-out files by hash of id, the training files optionally shuffled. */
export interface TrainingFiles {
  phones: string[];
  train: CorpusEntry[];
  heldOut: CorpusEntry[];
}

/**
 * Lists, reads the labels of, and splits corpus roots exactly as `replay` does (listCorpora,
 * discoverCorpusPhones, splitByFile, then shuffleFiles after the split). The coordinator and every
 * trainer call it on the same roots and options and must get the same lists: {@link idsHash} checks.
 */
export async function trainingFiles(
  roots: readonly string[],
  heldOutFraction: number,
  splitSeed: number,
  orderSeed: number | null,
  onProblem: (p: CorpusProblem) => void,
  /** Only the first N files of the listing (null: all): a bench's way to bound a run. */
  files: number | null = null,
): Promise<TrainingFiles> {
  const all = await listCorpora(roots, onProblem);
  const listed = files === null ? all : all.slice(0, files);
  const { phones, entries } = await discoverCorpusPhones(listed, onProblem, roots.join(', '));
  const split = splitByFile(entries, heldOutFraction, splitSeed);
  const train = orderSeed === null ? split.train : shuffleFiles(split.train, orderSeed);
  return { phones, train, heldOut: split.heldOut };
}

/** sha256 of the entries' ids in order (one per line). */
export function idsHash(entries: readonly CorpusEntry[]): string {
  return createHash('sha256').update(entries.map((e) => e.id).join('\n')).digest('hex');
}
