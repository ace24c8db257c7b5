import { mkdir, rm, symlink } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { listCorpus } from '../corpus/list-corpus.ts';
import { splitByFile } from '../corpus/split-by-file.ts';

/**
 * Links the training files of the replay's held-out split into a corpus of their own, so that a
 * learning rate can be chosen on a validation part of the TRAINING files (that corpus replayed
 * with its own split) and never on the held-out files the final figures are measured on.
 * The split is the one `replay CORPUS... --held-out F --split-seed N` makes: the same ids (with
 * the `i:` prefix of several corpora), so the same files. Each corpus keeps its relative layout
 * (label files in sibling directories still pair); several corpora go under `root/<i>-<name>`.
 * `root` is emptied first.
 *
 * @returns the corpus roots to replay (one per corpus given)
 *
 * ## Example
 * ```ts
 * const roots = await linkTrainingCorpus(['../shared/corpus'], 'study/train', 0.1, 1);
 * // ['…/study/train']: replay it with --held-out 0.16 --split-seed 2 to validate
 * ```
 */
export async function linkTrainingCorpus(corpora: readonly string[], root: string, heldOutFraction: number, splitSeed: number): Promise<string[]> {
  const listed = await Promise.all(corpora.map(async (c, i) => ({ corpus: resolve(c), i, entries: (await listCorpus(c)).entries })));
  // The split is over every corpus at once, as replay makes it (listCorpora's ids).
  const all = listed.flatMap(({ i, entries }) => entries.map((e) => ({ ...e, id: corpora.length > 1 ? `${i}:${e.id}` : e.id, corpusIndex: i })));
  const { train } = splitByFile(all, heldOutFraction, splitSeed);
  const out = resolve(root);
  await rm(out, { recursive: true, force: true });
  const roots = listed.map(({ corpus, i }) => (corpora.length > 1 ? join(out, `${i}-${basename(corpus)}`) : out));
  for (const e of train) {
    const { corpus } = listed[e.corpusIndex];
    for (const file of [e.audioPath, e.labelPath]) {
      const target = join(roots[e.corpusIndex], relative(corpus, resolve(file)));
      await mkdir(dirname(target), { recursive: true });
      await symlink(resolve(file), target);
    }
  }
  for (const r of roots) await mkdir(r, { recursive: true });
  return roots;
}
