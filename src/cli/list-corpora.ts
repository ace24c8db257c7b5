import { listCorpus } from '../corpus/list-corpus.ts';
import type { CorpusEntry, CorpusProblem } from '../corpus/corpus-entry.ts';
import { InputError } from '../errors.ts';

/**
 * Lists several corpus roots as one. Ids get the root's position as a prefix when there is more
 * than one root, so two corpora with the same layout do not collide.
 */
export async function listCorpora(
  roots: readonly string[],
  onProblem: (p: CorpusProblem) => void,
): Promise<CorpusEntry[]> {
  if (roots.length === 0) throw new InputError('arguments', 'expected at least one corpus directory');
  const all: CorpusEntry[] = [];
  for (const [i, root] of roots.entries()) {
    const { entries, problems } = await listCorpus(root);
    problems.forEach(onProblem);
    for (const e of entries) all.push(roots.length > 1 ? { ...e, id: `${i}:${e.id}` } : e);
  }
  if (all.length === 0) throw new InputError(roots.join(', '), 'no usable utterances (audio files with a label file of the same stem)');
  return all;
}
