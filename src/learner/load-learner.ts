import type { LearnerConfig } from './learner-config.ts';
import type { OnlineLearner } from './online-learner.ts';
import { readLearnerCheckpoint } from './read-learner-checkpoint.ts';

/**
 * Loads a learner saved by `saveLearner`: the same config, phone set, weights and optimiser state,
 * so it predicts and updates exactly as the saved one would have. Bad checkpoints (not JSON, wrong
 * format, short weights file, wrong shapes, NaN or Infinity in a weight or optimiser slot) give an
 * InputError naming the file and what is wrong (see `readLearnerCheckpoint`).
 *
 * @param dir the checkpoint directory (holding model.json and its weights file).
 * @param overrides config fields to change on load, e.g. `{ trainable: false }` to serve frozen.
 * @returns a new learner on the active tfjs backend.
 *
 * ## Example
 * ```ts
 * const learner = await loadLearner('checkpoints/run1');
 * ```
 */
export async function loadLearner(dir: string, overrides: Partial<LearnerConfig> = {}): Promise<OnlineLearner> {
  return (await readLearnerCheckpoint(dir, overrides)).learner;
}
