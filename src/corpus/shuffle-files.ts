import { mulberry32 } from '../learner/math-mulberry32.ts';

/**
 * A seeded Fisher–Yates shuffle of the training files: the order a replay presents them in is a
 * confound of any one-pass online result, so a study repeats each point over several orders.
 * mulberry32 makes the order the same on every machine for the same seed. The input is not changed.
 *
 * @param items the files (or anything) in corpus order
 * @param seed any integer (its low 32 bits)
 * @returns a new array holding the same items in the seed's order
 *
 * ## Example
 * ```ts
 * shuffleFiles(['a', 'b', 'c', 'd'], 7); // the same permutation on every call with seed 7
 * ```
 */
export function shuffleFiles<T>(items: readonly T[], seed: number): T[] {
  const rand = mulberry32(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
