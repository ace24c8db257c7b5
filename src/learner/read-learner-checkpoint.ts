import { directoryCheckpointFiles } from '../checkpoint/directory-checkpoint-files.ts';
import type { LearnerConfig } from './learner-config.ts';
import { readLearnerCheckpointFrom, type LearnerCheckpoint } from './read-learner-checkpoint-from.ts';

export type { LearnerCheckpoint } from './read-learner-checkpoint-from.ts';

/**
 * Reads a learner saved by `saveLearner` and checks all of it (format, manifest, byte count,
 * shapes, finiteness of every weight and optimiser slot, config) before the new learner gets any
 * weight, so a corrupt checkpoint is an InputError naming the file and the field or tensor, and
 * a caller's running learner is never involved. Reads model.json once, so the weights and the
 * feature file it names are the ones saved together with it.
 *
 * @param dir the checkpoint directory.
 * @param overrides config fields to change on load.
 * @returns the learner and model.json's reference to the checkpoint's feature file.
 *
 * ## Example
 * ```ts
 * const { learner, featuresFile } = await readLearnerCheckpoint('checkpoints/run1');
 * ```
 */
export async function readLearnerCheckpoint(dir: string, overrides: Partial<LearnerConfig> = {}): Promise<LearnerCheckpoint> {
  return readLearnerCheckpointFrom(directoryCheckpointFiles(dir), overrides);
}
