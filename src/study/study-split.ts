import { splitByFile } from '../corpus/split-by-file.ts';

/**
 * The study's fixed split (replay's defaults): `heldOut` of the files (by `splitSeed`) are held out
 * and every figure is measured on them; a learning rate (or, for the offline ceilings, an epoch) is
 * chosen on `validationHeldOut` of the remaining TRAINING files (by `validationSplitSeed`), never
 * on the held-out ones.
 */
export const STUDY_SPLIT = { heldOut: 0.1, splitSeed: 1, validationHeldOut: 0.16, validationSplitSeed: 2 } as const;

/**
 * The study's three parts of a corpus listing (listCorpora's ids): `heldOut`, the files the final
 * runs are scored on (`replay CORPUS… --held-out 0.1 --split-seed 1`); `validation`, the part of
 * the training files the study's validation runs are scored on (`replay OUT/train --held-out 0.16
 * --split-seed 2`: the linked training corpus has the same ids, so the same files); `fit`, the rest
 * of the training files. fit + validation are the training files of the final runs.
 *
 * ## Example
 * ```ts
 * const { fit, validation, heldOut } = studySplit(await listCorpora(['../shared/corpus'], console.warn));
 * ```
 */
export function studySplit<T extends { id: string }>(entries: readonly T[]): { fit: T[]; validation: T[]; heldOut: T[] } {
  const { train, heldOut } = splitByFile(entries, STUDY_SPLIT.heldOut, STUDY_SPLIT.splitSeed);
  const { train: fit, heldOut: validation } = splitByFile(train, STUDY_SPLIT.validationHeldOut, STUDY_SPLIT.validationSplitSeed);
  return { fit, validation, heldOut };
}
