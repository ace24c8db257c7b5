import type { FeatureConfig } from '../features/feature-config.ts';
import type { RunningStats } from '../features/running-stats.ts';
import type { OnlineLearner } from '../learner/online-learner.ts';
import { saveLearner } from '../learner/save-learner.ts';

export { FEATURES_FILE } from './features-file.ts';

/**
 * Saves what it takes to run a trained model on new audio: the learner (tfjs format, see
 * saveLearner) and its feature file, the feature options with the training stream's
 * normalisation statistics, since a model only understands features normalised the way it was
 * trained. Both go in one atomic step (saveLearner's): a reader, or a process killed while
 * saving, finds the previous checkpoint or this one, never the weights of one with the
 * statistics of the other.
 *
 * @param dir checkpoint directory (created if missing)
 * @param learner the model and its optimiser state
 * @param features the feature options the model was trained with
 * @param stats the running normalisation statistics at the time of saving
 *
 * ## Example
 * ```ts
 * await saveCheckpoint('runs/ljspeech', learner, DEFAULT_FEATURE_CONFIG, stats);
 * ```
 */
export async function saveCheckpoint(
  dir: string,
  learner: OnlineLearner,
  features: FeatureConfig,
  stats: RunningStats,
): Promise<void> {
  const { normalization: _ignored, ...options } = features;
  // Taken now, synchronously: statistics that keep changing during the save cannot mix in.
  await saveLearner(learner, dir, { features: options, stats: stats.toJSON() });
}
