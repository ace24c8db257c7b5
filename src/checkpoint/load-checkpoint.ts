import type { LearnerConfig } from '../learner/learner-config.ts';
import { directoryCheckpointFiles } from './directory-checkpoint-files.ts';
import { loadCheckpointFrom, type Checkpoint } from './load-checkpoint-from.ts';

export type { Checkpoint } from './load-checkpoint-from.ts';

/**
 * Loads a checkpoint written by saveCheckpoint: the learner and the feature file model.json names
 * (version 2) or features.json beside it (version 1). A checkpoint with only a learner gets the
 * default feature options (with delta-deltas when the model takes 39 inputs) and empty statistics.
 * Everything is checked before it is returned, so a caller keeps its running model when this throws.
 *
 * @param dir checkpoint directory
 * @param overrides learner options to change on load (e.g. `{ trainable: false }`, `lr`)
 * @throws InputError naming the file: model.json or the weights (see readLearnerCheckpoint), or the
 *   feature file when unreadable, inconsistent with the model, or holding non-finite or negative statistics
 */
export async function loadCheckpoint(dir: string, overrides: Partial<LearnerConfig> = {}): Promise<Checkpoint> {
  return loadCheckpointFrom(directoryCheckpointFiles(dir), overrides);
}
