import { InputError } from '../errors.ts';
import type { CorpusProblem } from './corpus-entry.ts';

/**
 * The error of a corpus none of whose files could be used, naming the first problem: one wording
 * for the single-threaded reader and the threaded one.
 *
 * @param root the corpus, as the user named it.
 * @param pairs how many audio/label pairs were listed.
 * @param problems what was wrong with them, in order.
 */
export function noUsableUtterances(root: string, pairs: number, problems: readonly CorpusProblem[]): InputError {
  const why = problems.length ? `; first problem: ${problems[0].file}: ${problems[0].message}` : '';
  return new InputError(root, `no usable utterances (${pairs} paired audio/label files, ${problems.length} problems)${why}`);
}
